"""The model file: weights and everything inference needs, as plain data.

A model file is a torch.save()d dict that loads with torch.load(weights_only=True), so opening
somebody else's file never runs code from it:
    format          "imagette-model"
    format_version  1
    architecture    one of models.ARCHITECTURES
    state_dict      the network's weights (tensors)
    metadata        plain JSON-like data: bands {count, names, dtype, nodata},
                    normalization {mean, std}, patch_size, pixel_size, crs, crs_name,
                    classes [{code, name, color}] (output index i is classes[i]),
                    training parameters, seed, metrics, history, dataset, software
"""

from __future__ import annotations

import pickle
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from .dataset import PatchMetadata
from .errors import ImagetteError
from .io import replaced_atomically
from .models import ARCHITECTURES, Network, build_model

FORMAT = "imagette-model"
FORMAT_VERSION = 1
EXTENSION = ".pt"


@dataclass
class ModelFile(PatchMetadata):
    """A loaded model file: the rebuilt network (in eval mode) and its metadata."""

    architecture: str
    network: Network
    metadata: dict


def save_model(path: str | Path, architecture: str, network: Network, metadata: dict) -> None:
    """Writes the model file atomically: a crash or cancel never leaves a corrupt file at path."""
    state = {name: tensor.detach().cpu() for name, tensor in network.state_dict().items()}
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "architecture": architecture,
        "state_dict": state,
        "metadata": metadata,
    }
    with replaced_atomically(path) as temporary:
        torch.save(payload, temporary)


def load_plain_data(path: Path, expected: str, fix: str) -> Any:
    """torch.load restricted to tensors and plain data, so that reading a file never runs code from it."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except (
        pickle.UnpicklingError,
        RuntimeError,
        zipfile.BadZipFile,
        EOFError,
        ValueError,
        AttributeError,
        TypeError,
    ) as error:
        raise ImagetteError(
            f"'{path}' is not a valid {expected}: it is damaged, or it holds objects other than tensors and plain "
            f"data and was refused for safety, so that no code from it runs ({type(error).__name__}). {fix}"
        ) from error


def load_model(path: str | Path) -> ModelFile:
    """Loads a model file without unpickling arbitrary objects, or explains what is wrong with it."""
    path = Path(path)
    if not path.is_file():
        raise ImagetteError(
            f"The model file '{path}' does not exist. Choose a file written by 'Train patch classifier'."
        )
    payload = load_plain_data(path, "Imagette model file", "Train the model again with 'Train patch classifier'.")
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ImagetteError(
            f"'{path}' is not an Imagette model file. Choose a file written by 'Train patch classifier'."
        )
    if payload.get("format_version") != FORMAT_VERSION or payload.get("architecture") not in ARCHITECTURES:
        raise ImagetteError(
            f"'{path}' is an Imagette model of format version {payload.get('format_version')} with architecture "
            f"{payload.get('architecture')!r}, which this version of Imagette cannot read. Update the plugin or train again."
        )
    metadata = payload["metadata"]
    network = build_model(
        payload["architecture"], int(metadata["bands"]["count"]), len(metadata["classes"]), int(metadata["patch_size"])
    )
    try:
        network.load_state_dict(payload["state_dict"])
    except RuntimeError as error:
        raise ImagetteError(
            f"The weights in '{path}' do not match its architecture ({error}). The file is damaged; train again."
        ) from error
    network.eval()
    return ModelFile(payload["architecture"], network, metadata)
