"""Where the network runs: the user's choice resolved to a torch device, with the reason logged."""

from __future__ import annotations

import numpy as np
import torch

from .choices import DEVICES
from .errors import ImagetteError
from .i18n import tr
from .progress import Progress


def select_device(choice: str, progress: Progress) -> torch.device:
    """Resolves auto/cpu/cuda: auto takes CUDA, then Apple MPS, then the CPU."""
    if choice == "cuda":
        if not torch.cuda.is_available():
            raise ImagetteError(
                tr(
                    "CUDA was asked for but this PyTorch sees no CUDA GPU (torch {torch}, built for CUDA {cuda}). "
                    "Choose 'auto' or 'CPU', or install a CUDA build of PyTorch that matches the GPU driver."
                ).format(torch=torch.__version__, cuda=torch.version.cuda or tr("none: a CPU-only build"))
            )
        device = torch.device("cuda")
        progress.info(tr("Device: CUDA GPU {name}, as asked.").format(name=torch.cuda.get_device_name(device)))
    elif choice == "cpu":
        device = torch.device("cpu")
        progress.info(tr("Device: CPU, as asked ({threads} threads).").format(threads=torch.get_num_threads()))
    elif choice == "auto":
        if torch.cuda.is_available():
            device = torch.device("cuda")
            progress.info(
                tr("Device: CUDA GPU {name} (auto: a CUDA GPU is available).").format(
                    name=torch.cuda.get_device_name(device)
                )
            )
        elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            device = torch.device("mps")
            progress.info(tr("Device: Apple MPS GPU (auto: no CUDA GPU, MPS available)."))
        else:
            device = torch.device("cpu")
            progress.info(
                tr("Device: CPU, {threads} threads (auto: no CUDA or MPS GPU found).").format(
                    threads=torch.get_num_threads()
                )
            )
    else:
        raise ImagetteError(
            tr("Unknown device {device}; choose one of {choices}.").format(
                device=repr(choice), choices=", ".join(DEVICES)
            )
        )
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
