"""Benchmark of the classification stage: megapixels per second and peak memory, dense against per-patch.

Writes a seeded 4-band uint16 tiled GeoTIFF (10000 x 10000 px by default), then classifies it with the
small CNN (32 px patches) and ResNet-18 (64 px patches) at strides 1, 4 and the patch size, with both
methods, and the U-Net (64 px patches) at full resolution (stride 1), on the CPU and on CUDA when this
PyTorch sees a GPU. Every case runs in a fresh Python process
so the peak memory (ru_maxrss) is its own. Untrained weights: speed does not depend on them.

A case that would take longer than --seconds over the whole raster is measured on a centred window
(first a small one, to estimate the speed, then one sized to the time budget) and its time for the
whole raster extrapolated: the table says which. Figures are input megapixels per second.

ONNX Runtime beside PyTorch (--onnx with, the default; only; without): the small CNN and the U-Net are
exported to ONNX and classified at their default output pixel size (an eighth of the patch, full resolution)
by both engines, each in its own process and time budget, both writing the confidence raster, with the dense
method (the exported patch classifier is in its dense form, which ONNX Runtime runs tile by tile as PyTorch
does); the small CNN also at full resolution. That table gives each engine's speed and peak memory, and over the
area both measured, the share of identical pixels and the largest confidence difference (the goals: at least
99.9 %, within 1e-4).

--memory-size adds one run over a second, larger raster (20000 x 20000 by default) with the fastest
case, to show that peak memory does not grow with the raster. GDAL's block cache is process-wide and
set by the host (QGIS has its own setting; plain Python takes 5 % of RAM), so workers run with
GDAL_CACHEMAX=--gdal-cache MB and the table says so.

    .venv/bin/python bench/bench_inference.py                          # the figures in docs/classification.md
    .venv/bin/python bench/bench_inference.py --size 4000 --seconds 10 --memory-size 0
    .venv/bin/python bench/bench_inference.py --networks unet --memory-network unet   # the U-Net rows
    .venv/bin/python bench/bench_inference.py --onnx only --size 2000 --seconds 10 --memory-size 0
    .venv/bin/python bench/bench_inference.py --onnx only --networks small_cnn --size 2000 --memory-size 0
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import rasterio

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
from bench_sampling import BANDS, write_raster  # noqa: E402 (the same seeded landscape)

from tests.headless import plugin_dir  # noqa: E402

sys.path.insert(0, str(plugin_dir()))

# ResNet-18 below 64 px has a small stem; a U-Net classifies every pixel, so only stride 1 and one method apply.
NETWORKS = (("small_cnn", 32), ("resnet18", 32), ("resnet18", 64), ("unet", 64))
ONNX_NETWORKS = (("small_cnn", 32), ("unet", 64))  # exported and classified by both engines
CALIBRATION_OUTPUT_PIXELS = 24  # side, in output pixels, of the window that estimates a case's speed


def write_model(path: Path, architecture: str, patch: int, raster: Path) -> None:
    from imagette.plugin.engine.classes import ClassEntry, palette_color, table_to_dicts
    from imagette.plugin.engine.modelfile import save_model
    from imagette.plugin.engine.models import build_model

    with rasterio.open(raster) as src:
        crs, pixel = src.crs, [abs(src.transform.a), abs(src.transform.e)]
    classes = [ClassEntry(code, f"class {code}", palette_color(code - 1)) for code in range(1, 6)]
    metadata = {
        "bands": {"count": BANDS, "names": [f"band {i}" for i in range(1, BANDS + 1)], "dtype": "uint16", "nodata": 0},
        "normalization": {"mean": [5000.0] * BANDS, "std": [2000.0] * BANDS},
        "patch_size": patch,
        "pixel_size": pixel,
        "crs": crs.to_wkt(),
        "crs_name": crs.to_string(),
        "classes": table_to_dicts(classes),
    }
    save_model(path, architecture, build_model(architecture, BANDS, len(classes), patch).eval(), metadata)


def centred_extent(raster: Path, side: int) -> tuple[float, float, float, float] | None:
    """The extent of a side x side px window at the raster's centre; None for the whole raster."""
    with rasterio.open(raster) as src:
        if side >= min(src.width, src.height):
            return None
        col, row = (src.width - side) // 2, (src.height - side) // 2
        (x0, y0), (x1, y1) = src.transform * (col, row), src.transform * (col + side, row + side)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def classify(
    raster: Path, model: Path, output: Path, method: str, stride: int, device: str, side: int, confidence: bool
):
    """Seconds to classify a centred side x side px window (the whole raster when side covers it), and the result.

    confidence: write the confidence raster too, as output's name with _confidence.
    """
    from imagette.plugin.engine.inference import InferenceConfig, classify_raster

    config = InferenceConfig(
        str(raster),
        str(model),
        str(output),
        confidence_path=str(confidence_path(output)) if confidence else None,
        device=device,
        stride=stride,
        method=method,
        extent=centred_extent(raster, side),
    )
    start = time.perf_counter()
    result = classify_raster(config)
    return time.perf_counter() - start, result


def confidence_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}_confidence.tif")


def run_case(
    raster: Path,
    model: Path,
    method: str,
    stride: int,
    device: str,
    seconds: float,
    patch: int,
    keep: Path | None = None,
) -> dict:
    """Measures one case in this (fresh) process: a calibration window, then a window sized to the time budget.

    keep: write the last map there, with its confidence raster (keep/classes.tif, keep/classes_confidence.tif).
    """
    with rasterio.open(raster) as src:
        size = min(src.width, src.height)
    with tempfile.TemporaryDirectory() as folder:
        output = (keep or Path(folder)) / "classes.tif"
        confidence = keep is not None
        side = min(size, patch + stride * CALIBRATION_OUTPUT_PIXELS)
        elapsed, result = classify(raster, model, output, method, stride, device, side, confidence)
        if side < size and elapsed < seconds / 2:  # room for a larger, more representative window
            # At least one whole tile, so that the tiles' margins weigh as much as over the whole raster.
            tile = (result.tile_size - 1) * stride + patch
            side = int(min(size, max(side * math.sqrt(seconds / elapsed), tile)))
            elapsed, result = classify(raster, model, output, method, stride, device, side, confidence)
    return {
        "method": result.method,
        "side": side,
        "seconds": elapsed,
        "megapixels_per_s": side * side / elapsed / 1e6,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # kilobytes on Linux
        "torch_imported": "torch" in sys.modules,
    }


def agreement(reference: Path, other: Path) -> tuple[float, float, int]:
    """Share of identical class codes and largest confidence difference over the area both maps cover, and its size.

    Both maps are on the raster's output grid (centred windows snapped to it), so one is an integer offset of
    the other.
    """
    with rasterio.open(reference) as a, rasterio.open(other) as b:
        col, row = (round(v) for v in ~a.transform * (b.transform.c, b.transform.f))
        top, left = max(row, 0), max(col, 0)
        bottom, right = min(a.height, row + b.height), min(a.width, col + b.width)
        area = (slice(top, bottom), slice(left, right))
        shifted = (slice(top - row, bottom - row), slice(left - col, right - col))
        codes, other_codes = a.read(1)[area], b.read(1)[shifted]
    with rasterio.open(confidence_path(reference)) as a, rasterio.open(confidence_path(other)) as b:
        difference = np.abs(a.read(1)[area].astype(np.float64) - b.read(1)[shifted])
    return float((codes == other_codes).mean()), float(difference.max()), int(codes.size)


def worker(args: argparse.Namespace, case: dict) -> dict:
    command = [sys.executable, __file__, "--worker", json.dumps(case), "--seconds", str(args.seconds)]
    env = {**os.environ, "GDAL_CACHEMAX": str(args.gdal_cache)}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"Case {case} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def prepared_raster(path: Path, size: int, seed: int) -> Path:
    """A raster of that size left by an earlier run (--workdir) is used again: writing one takes minutes."""
    if path.exists():
        with rasterio.open(path) as src:
            if src.width == size and src.height == size:
                return path
    start = time.perf_counter()
    write_raster(path, size, seed)
    print(f"Raster {size} x {size} x {BANDS} uint16 written in {time.perf_counter() - start:.0f} s: {path}", flush=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10000, help="raster width and height in pixels")
    parser.add_argument("--seconds", type=float, default=30, help="time budget of one measurement")
    parser.add_argument("--memory-size", type=int, default=20000, help="raster side of the memory check (0: none)")
    parser.add_argument("--gdal-cache", type=int, default=128, help="GDAL_CACHEMAX of the workers, in MB")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--networks", nargs="+", default=[a for a, _ in NETWORKS], help="architectures to measure (both tables)"
    )
    parser.add_argument("--memory-network", default=NETWORKS[0][0], help="architecture of the memory check")
    parser.add_argument("--workdir", type=Path, help="keep rasters and models here (default: a temporary folder)")
    parser.add_argument(
        "--onnx", choices=("with", "only", "without"), default="with", help="the ONNX Runtime comparison table"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        case = json.loads(args.worker)
        figures = run_case(
            Path(case["raster"]),
            Path(case["model"]),
            case["method"],
            case["stride"],
            case["device"],
            args.seconds,
            case["patch"],
            Path(case["keep"]) if case.get("keep") else None,
        )
        print(json.dumps(figures))
        return

    import torch

    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    rows: list[tuple] = []
    onnx_rows: list[tuple] = []
    with tempfile.TemporaryDirectory(prefix="imagette-bench-") as temporary:
        workdir = args.workdir or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        raster = prepared_raster(workdir / f"raster{args.size}.tif", args.size, args.seed)
        if args.onnx != "without":
            onnx_rows = compare_engines(args, raster, workdir, devices)
        networks = [(a, p) for a, p in NETWORKS if a in args.networks and args.onnx != "only"]
        for architecture, patch in networks:
            model = workdir / f"{architecture}_{patch}.pt"
            write_model(model, architecture, patch, raster)
            segmentation = architecture == "unet"
            for device in devices:
                for stride in (1,) if segmentation else (1, 4, patch):
                    speeds = {}
                    for method in ("dense",) if segmentation else ("dense", "per_patch"):
                        case = dict(
                            raster=str(raster),
                            model=str(model),
                            method=method,
                            stride=stride,
                            device=device,
                            patch=patch,
                        )
                        figures = worker(args, case)
                        speeds[method] = figures["megapixels_per_s"]
                        full = args.size**2 / 1e6 / figures["megapixels_per_s"]
                        measured = "whole raster" if figures["side"] >= args.size else f"{figures['side']} px window"
                        ran = method if figures["method"] in (method, "per_pixel") else f"{method} (ran per-patch)"
                        rows.append(
                            (
                                architecture,
                                patch,
                                device,
                                stride,
                                figures["method"] if segmentation else ran,
                                f"{figures['megapixels_per_s']:.3g}",
                                _duration(full),
                                measured,
                                f"{figures['peak_mb']:.0f}",
                                f"{speeds['dense'] / speeds['per_patch']:.0f}x" if method == "per_patch" else "",
                            )
                        )
                        print(" | ".join(str(v) for v in rows[-1]), flush=True)
        if args.memory_size and args.onnx != "only":
            big = prepared_raster(workdir / f"raster{args.memory_size}.tif", args.memory_size, args.seed)
            architecture, patch = next((a, p) for a, p in NETWORKS if a == args.memory_network)
            stride = 1 if architecture == "unet" else patch // 4  # the fastest case where dense pays off
            case = dict(
                raster=str(big),
                model=str(workdir / f"{architecture}_{patch}.pt"),
                method="dense",
                stride=stride,
                device=devices[-1],
                patch=patch,
            )
            figures = worker(argparse.Namespace(**{**vars(args), "seconds": float("inf")}), case)
            rows.append(
                (
                    architecture,
                    patch,
                    devices[-1],
                    stride,
                    figures["method"],
                    f"{figures['megapixels_per_s']:.3g}",
                    _duration(figures["seconds"]),
                    f"whole {args.memory_size} px raster",
                    f"{figures['peak_mb']:.0f}",
                    "",
                )
            )
    print(
        f"\n{args.size} x {args.size} x {BANDS} uint16 raster, GDAL_CACHEMAX={args.gdal_cache} MB, "
        f"torch {torch.__version__}, {os.cpu_count()} CPU threads. Speeds in input megapixels per second.\n"
    )
    if onnx_rows:
        onnx_header = (
            "network",
            "patch",
            "device",
            "stride",
            "method",
            "PyTorch MP/s",
            "ONNX Runtime MP/s",
            "PyTorch peak MB",
            "ONNX Runtime peak MB",
            "identical pixels",
            "max confidence difference",
            "compared on",
        )
        print("| " + " | ".join(onnx_header) + " |")
        print("|" + "---|" * len(onnx_header))
        for row in onnx_rows:
            print("| " + " | ".join(str(value) for value in row) + " |")
        print()
    if not rows:
        return
    header = (
        "network",
        "patch",
        "device",
        "stride",
        "method",
        "MP/s",
        "whole raster",
        "measured on",
        "peak MB",
        "dense gain",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(value) for value in row) + " |")


def compare_engines(args: argparse.Namespace, raster: Path, workdir: Path, devices: list[str]) -> list[tuple]:
    """Rows of the ONNX Runtime table: each network exported, classified by both engines on each device ONNX Runtime
    has (a CUDA provider needs onnxruntime-gpu), at its default output pixel size and a patch classifier also at full
    resolution."""
    import onnxruntime
    from imagette.plugin.engine.grid import default_stride
    from imagette.plugin.engine.onnx_export import export_onnx

    providers = onnxruntime.get_available_providers()
    onnx_devices = [device for device in devices if device == "cpu" or "CUDAExecutionProvider" in providers]
    rows = []
    for architecture, patch in [(a, p) for a, p in ONNX_NETWORKS if a in args.networks]:
        model = workdir / f"{architecture}_{patch}.pt"
        write_model(model, architecture, patch, raster)
        exported = export_onnx(model, workdir / f"{architecture}_{patch}.onnx").path
        strides = [1] if architecture == "unet" else [default_stride(patch), 1]
        for device, stride in [(device, stride) for device in onnx_devices for stride in strides]:
            figures = {}
            for engine, path in (("pytorch", model), ("onnxruntime", exported)):
                keep = workdir / f"{architecture}_{patch}_{stride}_{device}_{engine}"
                keep.mkdir(exist_ok=True)
                case = dict(
                    raster=str(raster),
                    model=str(path),
                    method="dense",
                    stride=stride,
                    device=device,
                    patch=patch,
                    keep=str(keep),
                )
                figures[engine] = {**worker(args, case), "map": keep / "classes.tif"}
            if figures["onnxruntime"]["torch_imported"]:
                sys.exit("The ONNX Runtime case imported torch: its peak memory would count PyTorch's.")
            identical, difference, pixels = agreement(figures["pytorch"]["map"], figures["onnxruntime"]["map"])
            rows.append(
                (
                    architecture,
                    patch,
                    device,
                    stride,
                    figures["onnxruntime"]["method"],
                    f"{figures['pytorch']['megapixels_per_s']:.3g}",
                    f"{figures['onnxruntime']['megapixels_per_s']:.3g}",
                    f"{figures['pytorch']['peak_mb']:.0f}",
                    f"{figures['onnxruntime']['peak_mb']:.0f}",
                    f"{100 * identical:.3f} %",
                    f"{difference:.1e}",
                    f"{pixels} output px",
                )
            )
            print(" | ".join(str(v) for v in rows[-1]), flush=True)
    return rows


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


if __name__ == "__main__":
    main()
