"""Benchmark of the training stage: patches per second, time waiting for data, peak memory.

Samples a seeded synthetic scene (tests/scenes.py) into a dataset per patch size with the
sampling engine, then trains each configuration for a few epochs in a fresh Python process, so
the peak memory reported (ru_maxrss) is that run's own. Throughput is measured on the epochs after
the first (which pays one-off start-up costs); the share of time waiting for data covers all epochs.
CUDA rows (mixed precision, channels_last) are added when this PyTorch sees a CUDA GPU.

    .venv/bin/python bench/bench_training.py                 # the figures in docs/training.md
    .venv/bin/python bench/bench_training.py --epochs 4 --patches 4000
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.headless import plugin_dir  # noqa: E402

sys.path.insert(0, str(plugin_dir()))

BANDS = 4
# (architecture, patch size, CPU batch, CUDA batch); a U-Net's batch counts the pixels of that many 32 px patches
CONFIGURATIONS = (("small_cnn", 32, 64, 256), ("resnet18", 64, 64, 256), ("unet", 64, 64, 256))


def make_dataset(folder: Path, patch_size: int, patches: int) -> Path:
    """A 5-class, 4-band uint16 dataset of about `patches` patches, without validation (every patch trains)."""
    from tests.scenes import make_scene
    from tests.training_data import sample_scene

    folder.mkdir(parents=True)
    scene = make_scene(folder, cells=5, cell=4 * patch_size, bands=BANDS, seed=patch_size)
    return sample_scene(
        scene,
        folder / "dataset",
        patch_size=patch_size,
        stride=max(1, patch_size // 4),
        max_per_class=patches // 5,
        validation_fraction=0.0,
    )


def run_training(dataset: Path, architecture: str, device: str, batch_size: int, epochs: int) -> dict:
    """Trains in this (fresh) process and returns the figures."""
    import torch
    from imagette.plugin.engine.training import TrainingConfig, train_classifier

    with tempfile.TemporaryDirectory() as output:
        config = TrainingConfig(
            str(dataset),
            str(Path(output) / "model.pt"),
            architecture=architecture,
            pretrained_mode="scratch",
            epochs=epochs,
            batch_size=batch_size,
            device=device,
            patience=0,
        )
        result = train_classifier(config)
    count = result.metadata["dataset"]["count"]
    seconds = statistics.median(h["seconds"] for h in result.history[1:])
    return {
        "patches": count,
        "shape": f"{result.metadata['patch_size']}x{result.metadata['patch_size']}x{result.metadata['bands']['count']}",
        "patches_per_s": count / seconds,
        "wait_share": result.data_wait_share,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # kilobytes on Linux
        "gpu_peak_mb": torch.cuda.max_memory_allocated() / 2**20 if device == "cuda" else None,
        "device": result.device,
        "precision": result.metadata["training"]["mixed_precision"] or "float32",
        "threads": torch.get_num_threads(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=3, help="epochs per run (at least 2)")
    parser.add_argument("--patches", type=int, default=2000, help="patches in each dataset")
    parser.add_argument(
        "--networks", nargs="+", default=[c[0] for c in CONFIGURATIONS], help="architectures to measure"
    )
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        dataset, architecture, device, batch, epochs = args.worker
        print(json.dumps(run_training(Path(dataset), architecture, device, int(batch), int(epochs))))
        return

    import torch

    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    rows = []
    with tempfile.TemporaryDirectory(prefix="imagette-bench-") as temporary:
        for architecture, patch_size, cpu_batch, cuda_batch in CONFIGURATIONS:
            if architecture not in args.networks:
                continue
            start = time.perf_counter()
            dataset = make_dataset(Path(temporary) / f"p{patch_size}", patch_size, args.patches)
            print(
                f"Dataset of {patch_size} px patches ready in {time.perf_counter() - start:.1f} s: {dataset}",
                flush=True,
            )
            for device in devices:
                batch = cuda_batch if device == "cuda" else cpu_batch
                command = [
                    sys.executable,
                    __file__,
                    "--worker",
                    str(dataset),
                    architecture,
                    device,
                    str(batch),
                    str(max(2, args.epochs)),
                ]
                worker = subprocess.run(command, capture_output=True, text=True)
                if worker.returncode != 0:
                    sys.exit(f"Training {architecture} on {device} failed:\n{worker.stderr}")
                f = json.loads(worker.stdout.splitlines()[-1])
                rows.append(
                    (
                        architecture,
                        f["shape"],
                        f["device"],
                        f["precision"],
                        batch,
                        f["patches"],
                        f"{f['patches_per_s']:.0f}",
                        f"{f['wait_share']:.1%}",
                        f"{f['peak_mb']:.0f}",
                        "-" if f["gpu_peak_mb"] is None else f"{f['gpu_peak_mb']:.0f}",
                    )
                )
    if not torch.cuda.is_available():
        print("No CUDA GPU seen by this PyTorch: CPU rows only.")
    header = (
        "network",
        "patch (px x bands)",
        "device",
        "precision",
        "batch",
        "patches",
        "patches/s",
        "waiting for data",
        "peak RSS (MB)",
        "peak GPU (MB)",
    )
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    for line in (header, ["-" * width for width in widths], *rows):
        print(" | ".join(str(cell).rjust(width) for cell, width in zip(line, widths)))


if __name__ == "__main__":
    main()
