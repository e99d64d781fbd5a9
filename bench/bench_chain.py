"""The default chain, stage by stage: where the time of sample, train and classify goes.

Runs imagette:samplepatches, imagette:trainclassifier and imagette:classifyraster through Processing with
their defaults (DEVICE auto: the GPU when there is one), on every labelled polygon of each scene, as a new
user would. Scenes: the synthetic scene of `make demo` (768 x 768 px, 4 bands, five classes, four polygons
per class), the real-imagery benchmark's (bench/bench_real.py: Landsat 7 and Sentinel-2, whose data
packages it installs when missing), and a whole Sentinel-2 tile's size (10,980 px square: the demo's scene
repeated, 196 polygons; about 1 GB in the output folder). One table per scene, one row per stage: wall time, time inside the
network's training passes (forward and backward, from the model file), data loading (time the training
loop waited for batches), map-level scoring, cross-validation folds, and the peak resident memory of this
process during the stage (GPU memory too on a GPU).

    .venv/bin/python bench/bench_chain.py                                   # every scene
    .venv/bin/python bench/bench_chain.py --scenes sentinel2_tile
    .venv/bin/python bench/bench_chain.py --scenes synthetic
    .venv/bin/python bench/bench_chain.py --scenes landsat --train CROSS_VALIDATION=2   # without the folds
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
import bench_real  # noqa: E402

SCENES = ("synthetic", "landsat", "sentinel2", "sentinel2_tile")
SYNTHETIC_CELLS, SYNTHETIC_CELL, POLYGONS_PER_CLASS = 6, 128, 4  # as `make demo`
TILE_SIDE, TILE_PIXEL_SIZE = 10980, 10.0  # a whole Sentinel-2 tile at 10 m


@dataclass
class Stage:
    """One row of a scene's table; None where the stage has no such time."""

    name: str
    wall_s: float = 0.0
    network_s: float | None = None
    loading_s: float | None = None
    scoring_s: float | None = None
    folds_s: float | None = None
    peak_mb: float = 0.0
    gpu_peak_mb: float | None = None
    note: str = ""


@dataclass
class Chain:
    title: str
    size: str
    stages: list[Stage] = field(default_factory=list)


class PeakMemory:
    """The highest resident set size of this process while a stage runs, sampled every 20 ms."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.peak = 0
        self.running = False

    @contextmanager
    def measure(self, stage: Stage) -> Iterator[None]:
        import torch

        cuda = torch.cuda.is_available()
        if cuda:
            torch.cuda.reset_peak_memory_stats()
        self.peak, self.running = self.process.memory_info().rss, True
        sampler = threading.Thread(target=self._sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        try:
            yield
        finally:
            stage.wall_s = time.perf_counter() - started
            self.running = False
            sampler.join()
            stage.peak_mb = self.peak / 2**20
            if cuda:
                stage.gpu_peak_mb = torch.cuda.max_memory_allocated() / 2**20

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.02)


def synthetic_scene(folder: Path) -> tuple[Path, Path, str]:
    """The demo's scene and its polygons (four per class): raster, polygons, class field."""
    from tests.scenes import CLASSES, make_scene, write_polygons

    scene = make_scene(folder, cells=SYNTHETIC_CELLS, cell=SYNTHETIC_CELL, classes=CLASSES)
    kept, per_class = [], dict.fromkeys((code for code, _, _ in CLASSES), 0)
    for code, name, ring in scene.polygons:
        if per_class[code] < POLYGONS_PER_CLASS:
            per_class[code] += 1
            kept.append((code, name, ring))
    scene.polygons = kept
    return scene.raster, write_polygons(scene, folder / "labels.gpkg"), "classe"


def sentinel2_tile_scene(folder: Path) -> tuple[Path, Path, str]:
    """A raster of a whole Sentinel-2 tile's size (10,980 px square, 4 uint16 bands, 10 m): the demo's scene
    repeated across it, without its nodata corner; one polygon from each whole copy, the classes in turn (196
    polygons, about 5,000 patches of 32 px): raster, polygons, class field."""
    import rasterio
    from rasterio.windows import Window

    from tests.scenes import CLASSES, make_scene, write_polygons

    scene = make_scene(
        folder,
        cells=SYNTHETIC_CELLS,
        cell=SYNTHETIC_CELL,
        classes=CLASSES,
        nodata_block=False,
        pixel_size=TILE_PIXEL_SIZE,
        name="copy.tif",
    )
    with rasterio.open(scene.raster) as copy:
        data, profile = copy.read(), copy.profile
    side = data.shape[1]
    profile.update(width=TILE_SIDE, height=TILE_SIDE, BIGTIFF="IF_SAFER")
    tile = folder / "tile.tif"
    columns = np.arange(TILE_SIDE) % side
    with rasterio.Env(GDAL_CACHEMAX=64), rasterio.open(tile, "w", **profile) as target:
        for row in range(0, TILE_SIDE, side):  # a strip of copies at a time: bounded memory
            height = min(side, TILE_SIDE - row)
            target.write(data[:, :height][:, :, columns], window=Window(0, row, TILE_SIDE, height))
    shift = side * TILE_PIXEL_SIZE
    copies = TILE_SIDE // side
    polygons = []
    for index in range(copies * copies):
        code, name, ring = scene.polygons[index % len(scene.polygons)]
        across, down = index % copies, index // copies
        polygons.append((code, name, [(x + across * shift, y - down * shift) for x, y in ring]))
    scene.raster, scene.polygons = tile, polygons
    return tile, write_polygons(scene, folder / "labels.gpkg"), "classe"


SYNTHETIC_SCENES = {"synthetic": synthetic_scene, "sentinel2_tile": sentinel2_tile_scene}  # made here, no download


def real_scene(key: str) -> Callable[[Path], tuple[Path, Path, str]]:
    def build(folder: Path) -> tuple[Path, Path, str]:
        scene = bench_real.scenes()[key]
        return scene.build_raster(folder), scene.polygons, scene.class_field

    return build


def run_chain(key: str, folder: Path, train: dict[str, str]) -> Chain:
    import rasterio
    from imagette.plugin.engine.modelfile import load_model

    folder.mkdir(parents=True, exist_ok=True)
    build = SYNTHETIC_SCENES.get(key) or real_scene(key)
    raster, polygons, class_field = build(folder)
    with rasterio.open(raster) as image:
        size = f"{image.width} x {image.height} px, {image.count} bands, {image.width * image.height / 1e6:.2f} MP"
    chain = Chain(key, size)
    print(f"\n{key}: {size}", flush=True)
    memory = PeakMemory()
    problems: list[str] = []

    sample = Stage("sample")
    with memory.measure(sample):
        sampled = bench_real.run_imagette(
            "samplepatches",
            {
                "INPUT_RASTER": str(raster),
                "INPUT_VECTOR": str(polygons),
                "CLASS_FIELD": class_field,
                "OUTPUT_DATASET": str(folder / "dataset"),
                "OUTPUT_FOOTPRINTS": "TEMPORARY_OUTPUT",
            },
            problems,
        )
    sample.note = f"{sampled['TOTAL_PATCHES']} patches"
    chain.stages.append(sample)
    print(f"  sample: {sample.wall_s:.0f} s, {sample.note}", flush=True)

    training = Stage("train")
    with memory.measure(training):
        trained = bench_real.run_imagette(
            "trainclassifier",
            {
                "DATASET": sampled["OUTPUT_DATASET"],
                "OUTPUT_MODEL": str(folder / "model.pt"),
                "OUTPUT_REPORT": str(folder / "report.html"),
                **train,
            },
            problems,
        )
    metadata = load_model(trained["OUTPUT_MODEL"]).metadata["training"]
    durations = metadata.get("durations_s", {})
    loop, wait = metadata.get("training_loop_s"), metadata.get("data_wait_s")
    training.network_s = loop - wait if loop is not None and wait is not None else None
    training.loading_s = wait
    training.scoring_s = durations.get("map-level scoring")
    training.folds_s = durations.get("cross-validation")
    training.note = (
        f"{metadata['epochs_run']} epochs (best {metadata['best_epoch']}), "
        + (
            f"{metadata['fold_networks']} folds of {metadata['fold_epochs']} epochs, "
            if metadata.get("fold_networks")
            else ""
        )
        + f"macro-F1 {trained['MACRO_F1']:.3f}"
        if trained["MACRO_F1"] is not None
        else "no validation"
    )
    chain.stages.append(training)
    print(f"  train: {training.wall_s:.0f} s, {training.note}", flush=True)

    classify = Stage("classify")
    with memory.measure(classify):
        bench_real.run_imagette(
            "classifyraster",
            {
                "INPUT_RASTER": str(raster),
                "MODEL": trained["OUTPUT_MODEL"],
                "OUTPUT_CLASSIFICATION": str(folder / "map.tif"),
            },
            problems,
        )
    chain.stages.append(classify)
    print(f"  classify: {classify.wall_s:.0f} s", flush=True)
    for problem in problems:
        print(f"  warning: {problem}")
    return chain


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def print_table(chain: Chain, device: str) -> None:
    print(f"\n{chain.title} ({chain.size}), {device}\n")
    header = [
        "stage",
        "wall s",
        "training passes s",
        "data loading s",
        "map-level scoring s",
        "folds s",
        "peak RSS MB",
        "peak GPU MB",
        "",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for stage in [*chain.stages, Stage("chain", sum(s.wall_s for s in chain.stages))]:
        row = [
            stage.name,
            f"{stage.wall_s:.1f}",
            seconds(stage.network_s),
            seconds(stage.loading_s),
            seconds(stage.scoring_s),
            seconds(stage.folds_s),
            f"{stage.peak_mb:.0f}" if stage.peak_mb else "–",
            f"{stage.gpu_peak_mb:.0f}" if stage.gpu_peak_mb else "–",
            stage.note,
        ]
        print("| " + " | ".join(row) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenes", nargs="+", default=list(SCENES), choices=SCENES)
    parser.add_argument("--train", nargs="*", default=[], metavar="KEY=VALUE", help="other trainclassifier parameters")
    parser.add_argument("--output", type=Path, default=None, help="folder for rasters, datasets, models and maps")
    args = parser.parse_args()
    train = dict(item.split("=", 1) for item in args.train)
    if set(args.scenes) - set(SYNTHETIC_SCENES):
        bench_real.install_missing_packages()
    application, plugin = bench_real.start_qgis()  # both stay referenced: the provider goes with the plugin
    import torch

    device = (
        f"CUDA ({torch.cuda.get_device_name()})"
        if torch.cuda.is_available()
        else f"CPU, {torch.get_num_threads()} threads"
    )
    output = args.output or Path(tempfile.mkdtemp(prefix="imagette-chain-"))
    chains = [run_chain(key, output / key, train) for key in args.scenes]
    for chain in chains:
        print_table(chain, device)


if __name__ == "__main__":
    main()
