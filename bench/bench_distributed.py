"""Benchmark of Dask runs: one process against a local cluster of single-threaded workers, same raster and model.

Writes the seeded 4-band uint16 raster of bench_inference.py (10000 x 10000 px by default) and an untrained
small CNN (32 px patches; speed does not depend on the weights), then classifies it at stride 4, dense:
1. in one fresh process with all cores (classify_raster, as QGIS does);
2. with the `imagette` command's Dask path (classify_distributed) on a LocalCluster of --workers
   single-threaded processes, blocks of --block-size output pixels.
Prints input megapixels per second for both, and where the Dask run's time went: starting the cluster,
the blocks (their summed compute time over the workers is the useful work), scheduling and load
imbalance (the rest of the blocks' wall time), and assembling the parts into the GeoTIFF. The overhead
share is 1 - (summed block time / workers) / total time. Checks that both maps are identical.

    .venv/bin/python bench/bench_distributed.py                       # 10000 x 10000, 2 workers
    .venv/bin/python bench/bench_distributed.py --size 6000 --block-size 480
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import rasterio

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
from bench_inference import prepared_raster, write_model  # noqa: E402 (the same raster and models)

from tests.headless import plugin_dir  # noqa: E402

sys.path.insert(0, str(plugin_dir()))

STRIDE = 4
ARCHITECTURE, PATCH = "small_cnn", 32


def one_process(raster: Path, model: Path, output: Path) -> float:
    """Seconds of classify_raster in a fresh process (all cores), as the QGIS algorithm runs it."""
    code = (
        f"import sys, time; sys.path.insert(0, {str(plugin_dir())!r})\n"
        "from imagette.plugin.engine.inference import InferenceConfig, classify_raster\n"
        "start = time.perf_counter()\n"
        f"classify_raster(InferenceConfig({str(raster)!r}, {str(model)!r}, {str(output)!r}, stride={STRIDE}))\n"
        "print(time.perf_counter() - start)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10000, help="raster width and height in pixels")
    parser.add_argument("--workers", type=int, default=2, help="single-threaded worker processes")
    parser.add_argument("--block-size", type=int, default=960, help="output pixels per block side")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, help="keep the raster and model here (default: a temporary folder)")
    args = parser.parse_args()

    from imagette.plugin.engine.distributed import classify_distributed
    from imagette.plugin.engine.inference import InferenceConfig

    with tempfile.TemporaryDirectory(prefix="imagette-bench-") as temporary:
        workdir = args.workdir or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        raster = prepared_raster(workdir / f"raster{args.size}.tif", args.size, args.seed)
        model = workdir / f"{ARCHITECTURE}_{PATCH}.pt"
        write_model(model, ARCHITECTURE, PATCH, raster)
        megapixels = args.size**2 / 1e6

        single = one_process(raster, model, workdir / "one.tif")
        config = InferenceConfig(str(raster), str(model), str(workdir / "dask.tif"), stride=STRIDE)
        os.environ.setdefault("GDAL_CACHEMAX", "128")
        run = classify_distributed(config, workers=args.workers, block=args.block_size, echo=lambda _: None)
        with rasterio.open(workdir / "one.tif") as a, rasterio.open(workdir / "dask.tif") as b:
            identical = bool(np.array_equal(a.read(1), b.read(1)))
        useful = run.block_seconds / args.workers
        scheduling = run.blocks_wall_seconds - useful
        output_megapixels = run.plan.output_grid.width * run.plan.output_grid.height / 1e6
        figures = {
            "raster": f"{args.size} x {args.size} x 4 uint16",
            "model": f"{ARCHITECTURE}, {PATCH} px patches, stride {STRIDE}, {run.plan.method}",
            "tile (output px)": run.plan.tile,
            "block (output px)": run.block,
            "blocks": run.blocks,
            "one process: seconds": round(single, 1),
            "one process: MP/s": round(megapixels / single, 3),
            f"{args.workers} workers: seconds": round(run.seconds, 1),
            f"{args.workers} workers: MP/s": round(megapixels / run.seconds, 3),
            "cluster start: s": round(run.cluster_seconds, 1),
            "blocks: wall s": round(run.blocks_wall_seconds, 1),
            "blocks: compute s / worker": round(useful, 1),
            "scheduling + imbalance: s": round(scheduling, 1),
            "assembly: s": round(run.assembly_seconds, 2),
            "assembly: output MP/s": round(output_megapixels / max(run.assembly_seconds, 1e-9), 1),
            "overhead share (all but block compute)": f"{1 - useful / run.seconds:.1%}",
            "scheduling + assembly share": f"{(scheduling + run.assembly_seconds) / run.seconds:.1%}",
            "maps identical": identical,
        }
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
