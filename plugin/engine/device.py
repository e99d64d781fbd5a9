"""Where the network runs: the user's choice resolved to a torch device, with the reason logged."""

from __future__ import annotations

import numpy as np
import torch

from .choices import DEVICES
from .errors import ImagetteError
from .progress import Progress


def select_device(choice: str, progress: Progress) -> torch.device:
    """Resolves auto/cpu/cuda: auto takes CUDA, then Apple MPS, then the CPU."""
    if choice == "cuda":
        if not torch.cuda.is_available():
            raise ImagetteError(
                "CUDA was asked for but this PyTorch sees no CUDA GPU "
                f"(torch {torch.__version__}, built for CUDA {torch.version.cuda or 'none: a CPU-only build'}). "
                "Choose 'auto' or 'CPU', or install a CUDA build of PyTorch that matches the GPU driver."
            )
        device = torch.device("cuda")
        progress.info(f"Device: CUDA GPU {torch.cuda.get_device_name(device)}, as asked.")
    elif choice == "cpu":
        device = torch.device("cpu")
        progress.info(f"Device: CPU, as asked ({torch.get_num_threads()} threads).")
    elif choice == "auto":
        if torch.cuda.is_available():
            device = torch.device("cuda")
            progress.info(f"Device: CUDA GPU {torch.cuda.get_device_name(device)} (auto: a CUDA GPU is available).")
        elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            device = torch.device("mps")
            progress.info("Device: Apple MPS GPU (auto: no CUDA GPU, MPS available).")
        else:
            device = torch.device("cpu")
            progress.info(f"Device: CPU, {torch.get_num_threads()} threads (auto: no CUDA or MPS GPU found).")
    else:
        raise ImagetteError(f"Unknown device {choice!r}; choose one of {', '.join(DEVICES)}.")
    return device


def normalize(patches: np.ndarray, mean: np.ndarray, std: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """Scales (N, bands, H, W) raw values to float32 with the dataset's band statistics.

    Pixels marked invalid become 0, the training mean, so nodata does not look like a bright or dark surface.
    """
    out = (patches.astype(np.float32) - mean.reshape(1, -1, 1, 1).astype(np.float32)) / std.reshape(1, -1, 1, 1).astype(
        np.float32
    )
    if valid is not None:
        out[np.broadcast_to(~valid[:, None], out.shape)] = 0  # not a product: NaN nodata times 0 stays NaN
    return out


def describe_device(device: torch.device) -> str:
    """The device as the log, the model file and the report name it: the GPU's name, the CPU's threads."""
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    if device.type == "cpu":
        return f"cpu ({torch.get_num_threads()} threads)"
    return device.type
