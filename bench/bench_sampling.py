"""Benchmark of the sampling stage: patches per second and peak memory on a large tiled GeoTIFF.

Writes a seeded 4-band uint16 tiled GeoTIFF (10000 x 10000 px by default) and a few hundred
labelled polygons, then samples 32 x 32 patches with the engine in a fresh Python process, so
the peak memory reported (ru_maxrss) is the sampling's own, not the raster generation's.

    .venv/bin/python bench/bench_sampling.py                      # the README figures
    .venv/bin/python bench/bench_sampling.py --size 4000 --polygons 100 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window

REPO = Path(__file__).resolve().parents[1]
BANDS = 4
BLOCK = 512  # rows written at once while generating: bounds the generator's memory too
GDAL_CACHE_MB = 64
CLASS_COUNT = 5
PIXEL_SIZE = 0.5
ORIGIN = (500000.0, 4800000.0)
CRS = "EPSG:32631"


def write_raster(path: Path, size: int, seed: int) -> None:
    """Writes a size x size, 4-band uint16 tiled GeoTIFF strip by strip (nodata 0, data from 1)."""
    rng = np.random.default_rng(seed)
    profile = dict(
        driver="GTiff",
        width=size,
        height=size,
        count=BANDS,
        dtype="uint16",
        crs=CRS,
        nodata=0,
        transform=from_origin(*ORIGIN, PIXEL_SIZE, PIXEL_SIZE),
        tiled=True,
        blockxsize=256,
        blockysize=256,
        BIGTIFF="IF_SAFER",
    )
    gains = np.array([0.3, 0.6, 0.35, 1.0], dtype=np.float32)[:, None, None]
    cols = np.arange(size, dtype=np.float32)
    # A small GDAL cache: written blocks would otherwise stay in memory up to 5 % of RAM.
    with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB), rasterio.open(path, "w", **profile) as dst:
        for row in range(0, size, BLOCK):
            height = min(BLOCK, size - row)
            rows = np.arange(row, row + height, dtype=np.float32)[:, None]
            # A smooth landscape plus per-pixel noise, so reads and patches hold realistic, varied values.
            field = 0.5 + 0.3 * np.sin(rows / 97.0) * np.cos(cols[None, :] / 131.0)
            strip = gains * field + 0.05 * rng.standard_normal((BANDS, height, size), dtype=np.float32)
            dst.write(np.clip(strip * 10000, 1, 65535).astype("uint16"), window=Window(0, row, size, height))


def make_polygons(size: int, count: int, seed: int) -> list[dict]:
    """Random convex polygons (6 to 10 vertices, radius 40 to 160 px) with class codes 1..5, as plain dicts."""
    rng = np.random.default_rng(seed + 1)
    transform = from_origin(*ORIGIN, PIXEL_SIZE, PIXEL_SIZE)
    polygons = []
    for feature_id in range(count):
        radius = rng.uniform(40, 160)
        centre_col, centre_row = rng.uniform(radius, size - radius, 2)
        angles = np.sort(rng.uniform(0, 2 * np.pi, rng.integers(6, 11)))
        reach = radius * rng.uniform(0.7, 1.0, angles.size)
        ring = [transform * (centre_col + r * np.cos(a), centre_row + r * np.sin(a)) for a, r in zip(angles, reach)]
        ring.append(ring[0])
        xs, ys = zip(*ring)
        polygons.append(
            {
                "feature_id": feature_id,
                "code": int(feature_id % CLASS_COUNT + 1),
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "bounds": [min(xs), min(ys), max(xs), max(ys)],
            }
        )
    return polygons


def peak_memory_mb() -> float:
    """Peak resident memory of this process since it started.

    Read from /proc (VmHWM) on Linux: ru_maxrss survives fork and exec, so a fresh subprocess
    would report its parent's peak, raster generation included, whenever that was larger.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is in bytes on macOS, kilobytes elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit / 2**20


def run_sampling(workdir: Path, patch_size: int, profile: bool) -> dict:
    """Samples in this process (a fresh one) and returns the figures; imports the engine as the plugin does."""
    sys.path.insert(0, str(REPO))
    from plugin.engine.classes import ClassEntry, palette_color
    from plugin.engine.sampling import LabelledFeature, SamplingConfig, sample_patches

    polygons = json.loads((workdir / "polygons.json").read_text())
    config = SamplingConfig(
        raster_path=str(workdir / "raster.tif"),
        features=[LabelledFeature(p["feature_id"], p["code"], p["geometry"], tuple(p["bounds"])) for p in polygons],
        classes=[ClassEntry(code, f"class {code}", palette_color(code - 1)) for code in range(1, CLASS_COUNT + 1)],
        output_dir=str(workdir / "dataset"),
        patch_size=patch_size,
    )
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    result = sample_patches(config)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
    figures = {
        "patches": int(result.metadata["count"]),
        "seconds": seconds,
        "peak_mb": peak_memory_mb(),
        "rejected": result.metadata["rejected"],
    }
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
        figures["profile"] = text.getvalue()
    return figures


def _reusable(raster: Path, size: int) -> bool:
    """A raster left in --workdir by an earlier run of the same size is used again: generating one takes a while."""
    if not raster.exists():
        return False
    with rasterio.open(raster) as src:
        return src.width == size and src.height == size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10000, help="raster width and height in pixels")
    parser.add_argument("--polygons", type=int, default=300, help="number of labelled polygons")
    parser.add_argument("--patch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--gdal-cache",
        nargs="+",
        default=[str(GDAL_CACHE_MB), "default"],
        help="GDAL_CACHEMAX of each run, in MB, or 'default' (GDAL's own: 5 %% of RAM); one table row each",
    )
    parser.add_argument("--workdir", type=Path, help="keep the raster and dataset here (default: a temporary folder)")
    parser.add_argument("--profile", action="store_true", help="also print where the sampling spends its time")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        print(json.dumps(run_sampling(args.workdir, args.patch_size, args.profile)))
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="imagette-bench-") as temporary:
        workdir = args.workdir or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        raster = workdir / "raster.tif"
        start = time.perf_counter()
        if not _reusable(raster, args.size):
            write_raster(raster, args.size, args.seed)
        (workdir / "polygons.json").write_text(json.dumps(make_polygons(args.size, args.polygons, args.seed)))
        print(
            f"Raster {args.size} x {args.size} x {BANDS} uint16 ready in {time.perf_counter() - start:.1f} s: {raster}"
        )
        for cache in args.gdal_cache:
            command = [
                sys.executable,
                __file__,
                "--worker",
                "--workdir",
                str(workdir),
                "--patch-size",
                str(args.patch_size),
            ]
            if args.profile:
                command.append("--profile")
            # GDAL's block cache is process-wide and sized by the host (QGIS, or 5 % of RAM in plain Python);
            # it holds every block read until full, so it is part of the peak and shown apart.
            env = {key: value for key, value in os.environ.items() if key != "GDAL_CACHEMAX"}
            if cache != "default":
                env["GDAL_CACHEMAX"] = cache
            worker = subprocess.run(command, capture_output=True, text=True, env=env)
            if worker.returncode != 0:
                sys.exit(f"Sampling failed:\n{worker.stderr}")
            figures = json.loads(worker.stdout.splitlines()[-1])
            print(figures.get("profile", ""))
            print(f"Rejected ({figures['patches']} patches kept): {figures['rejected']}")
            rows.append(
                (
                    f"{args.size} x {args.size} x {BANDS}",
                    args.polygons,
                    args.patch_size,
                    figures["patches"],
                    f"{figures['seconds']:.1f}",
                    f"{figures['patches'] / figures['seconds']:.0f}",
                    cache if cache == "default" else f"{cache} MB",
                    f"{figures['peak_mb']:.0f}",
                )
            )
    header = ("raster (px)", "polygons", "patch", "patches", "seconds", "patches/s", "GDAL cache", "peak memory (MB)")
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    for line in (header, ["-" * width for width in widths], *rows):
        print(" | ".join(str(cell).rjust(width) for cell, width in zip(line, widths)))


if __name__ == "__main__":
    main()
