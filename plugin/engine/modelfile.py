"""The model file: weights and everything inference needs, as plain data.

A model file is a torch.save()d dict that loads with torch.load(weights_only=True), so opening
somebody else's file never runs code from it:
    format          "imagette-model"
    format_version  1
    architecture    one of choices.ARCHITECTURES
    state_dict      the network's weights (tensors)
    metadata        plain JSON-like data: bands {count, names, dtype, nodata},
                    normalization {mean, std}, patch_size, pixel_size, crs, crs_name,
                    classes [{code, name, color}] (output index i is classes[i]),
                    training parameters, seed, metrics, history, dataset, software
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from .choices import ARCHITECTURES
from .classes import table_from_dicts
from .dataset import PatchMetadata
from .errors import ImagetteError
from .i18n import tr
from .io import replaced_atomically
from .models import Network, build_model

FORMAT = "imagette-model"
FORMAT_VERSION = 1
EXTENSION = ".pt"
# What inference reads from a model file's metadata; a file without one of them is refused on opening.
METADATA_KEYS = ("bands", "normalization", "patch_size", "classes")


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
    """torch.load restricted to tensors and plain data, so that reading a file never runs code from it.

    Whatever the reader raises inside (the safe unpickler's errors, IndexError on a text file renamed .pt,
    zip and EOF errors on a truncated file), the person gets one message: the file is not `expected` ("a valid
    weights file"), then fix; both in the person's language.
    """
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of the reader means the same thing: not a valid file
        raise ImagetteError(
            tr(
                "'{path}' is not {expected}: it is damaged, or it holds objects other than tensors and plain data and "
                "was refused for safety, so that no code from it runs ({error}). {fix}"
            ).format(path=path, expected=expected, error=type(error).__name__, fix=fix)
        ) from error


def _metadata_problem(metadata: Any) -> str | None:
    """What is missing or malformed in a model file's metadata, or None when inference has all it needs."""
    if not isinstance(metadata, dict):
        return tr("it has no metadata")
    missing = [key for key in METADATA_KEYS if key not in metadata]
    if missing:
        return tr("its metadata lacks {keys}").format(keys=", ".join(repr(key) for key in missing))
    try:
        bands = int(metadata["bands"]["count"])
        patch_size = int(metadata["patch_size"])
        classes = table_from_dicts(metadata["classes"])
        normalization = metadata["normalization"]
        means, stds = list(normalization["mean"]), list(normalization["std"])
    except (KeyError, TypeError, ValueError, IndexError) as error:
        return tr("its metadata is malformed ({problem})").format(problem=f"{type(error).__name__}: {error}")
    if bands < 1 or patch_size < 1 or len(classes) < 2 or len(means) != bands or len(stds) != bands:
        return tr(
            "its metadata does not add up ({bands} band(s), {means} band mean(s), {deviations} band deviation(s), "
            "{classes} class(es), patch size {patch})"
        ).format(bands=bands, means=len(means), deviations=len(stds), classes=len(classes), patch=patch_size)
    return None


def _not_a_model(path: Path, reason: str) -> ImagetteError:
    return ImagetteError(
        tr(
            "'{path}' is not a valid Imagette model file: {reason}. Choose a file written by 'Train patch classifier', "
            "or train the model again."
        ).format(path=path, reason=reason)
    )


def load_model(path: str | Path) -> ModelFile:
    """Loads a model file without unpickling arbitrary objects, or explains what is wrong with it."""
    path = Path(path)
    if not path.is_file():
        raise ImagetteError(
            tr("The model file '{path}' does not exist. Choose a file written by 'Train patch classifier'.").format(
                path=path
            )
        )
    payload = load_plain_data(
        path, tr("a valid Imagette model file"), tr("Train the model again with 'Train patch classifier'.")
    )
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise _not_a_model(path, tr("it was not written by Imagette"))
    if payload.get("format_version") != FORMAT_VERSION or payload.get("architecture") not in ARCHITECTURES:
        raise ImagetteError(
            tr(
                "'{path}' is an Imagette model of format version {version} with architecture {architecture}, which "
                "this version of Imagette cannot read. Update the plugin or train again."
            ).format(path=path, version=payload.get("format_version"), architecture=repr(payload.get("architecture")))
        )
    metadata: Any = payload.get("metadata")
    problem = _metadata_problem(metadata)
    if problem is None and not isinstance(payload.get("state_dict"), dict):
        problem = tr("it holds no weights")
    if problem is not None:
        raise _not_a_model(path, problem)
    try:
        network = build_model(
            payload["architecture"],
            int(metadata["bands"]["count"]),
            len(metadata["classes"]),
            int(metadata["patch_size"]),
        )
        network.load_state_dict(payload["state_dict"])
    except (RuntimeError, ValueError, TypeError, KeyError, IndexError) as error:
        raise _not_a_model(
            path, tr("its weights do not match its architecture ({problem})").format(problem=error)
        ) from error
    network.eval()
    return ModelFile(payload["architecture"], network, metadata)
