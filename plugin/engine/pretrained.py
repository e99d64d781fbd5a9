"""Pretrained weights: finding, reading safely, and fitting them to a network with other bands and classes.

Checkpoints are torchvision's ImageNet ResNets (the torch hub cache file names, or any file with
the same parameter names, plain or wrapped in {"state_dict": ...}) or an Imagette model file.
They are read with torch.load(weights_only=True): a file from elsewhere never runs code.

The first convolution is fitted to the dataset's bands: the red, green and blue kernels go to
the bands named so (or chosen by the user), every other band gets the mean of the three, and all
are scaled by 3 / bands so the first layer's activations keep the scale the rest of the network
was trained on (timm's rule). Normalised inputs come from the dataset's own band statistics,
the same z-scoring ImageNet's normalisation does.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import Tensor, nn

from .errors import ImagetteError
from .i18n import tr
from .io import replaced_atomically
from .modelfile import FORMAT as MODEL_FORMAT
from .modelfile import load_plain_data
from .models import Network
from .progress import Progress

# torchvision's IMAGENET1K_V1 weights, under the names torch.hub caches them as.
TORCHVISION_FILES = {
    "resnet18": "resnet18-f37072fd.pth",
    "resnet34": "resnet34-b627a593.pth",
    "resnet50": "resnet50-0676ba61.pth",
}
DOWNLOAD_URL = "https://download.pytorch.org/models/"
DOWNLOAD_TIMEOUT_S = 20
DOWNLOAD_CHUNK = 1 << 20

# Tokens of band names that mean red, green or blue: English, French, one letter, and
# Sentinel-2 / Landsat 8-9 band numbers (B04/B4 red, B03/B3 green, B02/B2 blue).
RGB_TOKENS = (
    {"red", "rouge", "r", "b04", "b4"},
    {"green", "vert", "verte", "g", "b03", "b3"},
    {"blue", "bleu", "bleue", "b", "b02", "b2"},
)


@dataclass
class LoadReport:
    """What load_pretrained() did, for the log and the model file."""

    source: str
    loaded: int = 0
    rgb_bands: tuple[int, int, int] | None = None  # 0-based bands that received the red, green, blue kernels
    adapted_first_layer: bool = False
    head_dropped: bool = False
    unexpected: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "loaded_tensors": self.loaded,
            "rgb_bands": list(self.rgb_bands) if self.rgb_bands else None,
            "adapted_first_layer": self.adapted_first_layer,
            "head_dropped": self.head_dropped,
            "unexpected_keys": list(self.unexpected),
        }


def hub_checkpoint_path(architecture: str) -> Path:
    """Where torch.hub (and torchvision) keep the ImageNet weights of architecture."""
    return Path(torch.hub.get_dir()) / "checkpoints" / TORCHVISION_FILES[architecture]


def imagenet_checkpoint(architecture: str, progress: Progress) -> Path:
    """The ImageNet checkpoint of a ResNet: from the torch hub cache, downloaded there when missing.

    Raises:
        ImagetteError: the file is absent and cannot be downloaded; the message says which
            file to put where.
    """
    if architecture not in TORCHVISION_FILES:
        raise ImagetteError(
            tr("There are no ImageNet weights for {architecture}; choose a ResNet or train from scratch.").format(
                architecture=repr(architecture)
            )
        )
    path = hub_checkpoint_path(architecture)
    if path.is_file():
        progress.info(tr("ImageNet weights: {path} (torch hub cache).").format(path=path))
        return path
    url = DOWNLOAD_URL + path.name
    progress.info(
        tr("ImageNet weights not in the torch hub cache; downloading {url} to {path}.").format(url=url, path=path)
    )
    try:
        _download(url, path, progress)
    except (OSError, http.client.HTTPException) as error:  # HTTPException: e.g. IncompleteRead of a cut download
        raise ImagetteError(
            tr(
                "The ImageNet weights for {architecture} are not on this computer and could not be downloaded "
                "({problem}). On a computer with internet access, download {url} and copy the file, keeping its name "
                "{name}, to {folder} (the torch hub cache; the TORCH_HOME environment variable moves it). Or give the "
                "file as 'Pretrained weights file', or choose no pretraining."
            ).format(architecture=architecture, problem=error, url=url, name=path.name, folder=path.parent)
        ) from error
    return path


def _download(url: str, target: Path, progress: Progress) -> None:
    """Downloads url to target atomically, checking the SHA-256 prefix in torchvision's file name."""
    expected = target.stem.rsplit("-", 1)[-1]
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response, replaced_atomically(target) as temporary:
        size = int(response.headers.get("Content-Length") or 0)
        with open(temporary, "wb") as out:
            chunks = iter(lambda: response.read(DOWNLOAD_CHUNK), b"")
            for chunk in progress.iterate(chunks, max(1, -(-size // DOWNLOAD_CHUNK)), 0, 5):
                digest.update(chunk)
                out.write(chunk)
        if not digest.hexdigest().startswith(expected):
            raise OSError(f"the downloaded file's checksum does not match {expected}; the download is damaged")


@dataclass
class Checkpoint:
    """Weights read from a file, and whether its first layer takes red, green, blue in that order."""

    weights: dict[str, Tensor]
    source: str
    rgb: bool  # ImageNet checkpoints: True; Imagette model files were trained on their own bands: False


def read_checkpoint(path: str | Path) -> Checkpoint:
    """Reads the weights of a checkpoint without running code from it.

    Accepts a plain state_dict, one wrapped under "state_dict" or "model" (Lightning, training
    scripts), with or without DataParallel's "module." prefix, and Imagette model files.
    """
    path = Path(path)
    if not path.is_file():
        raise ImagetteError(tr("The weights file '{path}' does not exist.").format(path=path))
    payload = load_plain_data(
        path,
        tr("a valid weights file"),
        tr("Use a checkpoint saved as a state_dict (torch.save(model.state_dict(), path))."),
    )
    rgb = not (isinstance(payload, dict) and payload.get("format") == MODEL_FORMAT)
    for key in ("state_dict", "model"):
        if isinstance(payload, dict) and isinstance(payload.get(key), dict):
            payload = payload[key]
    if not isinstance(payload, dict) or not payload or not all(isinstance(v, Tensor) for v in payload.values()):
        raise ImagetteError(
            tr("'{path}' holds no state_dict (a mapping of parameter names to tensors).").format(path=path)
        )
    weights = {name.removeprefix("module."): tensor for name, tensor in payload.items()}
    return Checkpoint(weights, str(path), rgb)


def find_rgb_bands(band_names: Sequence[str]) -> tuple[int, int, int] | None:
    """0-based indices of the red, green and blue bands recognised by name, or None.

    A name matches when one of its words is a known token ("Red", "rouge", "R", "B04", "B4 (red)"...);
    each colour must match exactly one band.
    """
    words = [set(re.split(r"[^0-9a-z]+", name.casefold())) for name in band_names]
    found = []
    for tokens in RGB_TOKENS:
        matches = [index for index, name_words in enumerate(words) if name_words & tokens]
        if len(matches) != 1:
            return None
        found.append(matches[0])
    return (found[0], found[1], found[2]) if len(set(found)) == 3 else None


def adapt_first_conv(weight: Tensor, band_count: int, rgb_bands: tuple[int, int, int] | None) -> Tensor:
    """Fits an RGB first-layer kernel (out, 3, k, k) to band_count input bands.

    Args:
        weight: kernel trained on red, green, blue inputs, in that order.
        band_count: number of bands of the dataset.
        rgb_bands: 0-based bands that get the red, green and blue kernels; None gives every band the mean.

    Returns:
        (out, band_count, k, k) kernel scaled by 3 / band_count, so the summed response to
        inputs of equal scale stays that of the original layer.
    """
    mean = weight.mean(dim=1)
    kernels = [mean] * band_count
    for colour, band in enumerate(rgb_bands or ()):
        kernels[band] = weight[:, colour]
    return torch.stack(kernels, dim=1) * (3.0 / band_count)


def _module_name(network: nn.Module, target: nn.Module) -> str:
    return next(name for name, module in network.named_modules() if module is target)


def freeze_backbone(network: Network) -> None:
    """Stops gradients in the pretrained backbone: only the new layers (head, decoder) learn.

    The backbone's BatchNorm layers must also stay in eval mode while training, so their
    pretrained statistics are kept: trainer.py does that at the start of every epoch.
    """
    for name, parameter in network.named_parameters():
        parameter.requires_grad = name.startswith(network.NEW_LAYERS)


def load_pretrained(
    network: Network,
    checkpoint: Checkpoint,
    band_names: Sequence[str],
    rgb_bands: tuple[int, int, int] | None,
    progress: Progress,
) -> LoadReport:
    """Loads checkpoint weights into network, fitting the first layer and the head.

    An RGB checkpoint's first convolution is fitted to the dataset's bands (see adapt_first_conv);
    one that already takes the dataset's band count (a multispectral checkpoint) loads as it is.
    The new layers (network.NEW_LAYERS: the head, a decoder) keep their fresh initialisation where
    the checkpoint has none or another shape; a classifier's `fc` is not used by a segmentation network.
    Unexpected keys are reported and ignored; a missing one outside the new layers is an error,
    because a backbone loaded in part is almost always the wrong file.

    Args:
        network: freshly built network for the dataset's bands and classes.
        checkpoint: from read_checkpoint().
        band_names: the dataset's band names, to find red, green and blue.
        rgb_bands: 0-based red, green, blue bands chosen by the user; None to recognise them by name.
        progress: receives the log lines.
    """
    report = LoadReport(checkpoint.source)
    own = network.state_dict()
    first = next(module for module in network.modules() if isinstance(module, nn.Conv2d))
    first_key = _module_name(network, first) + ".weight"
    head = _module_name(network, network.head)
    weights = _strip_wrapper_prefix(dict(checkpoint.weights), first_key)
    bands = own[first_key].shape[1]
    multispectral = first_key in weights and weights[first_key].shape[1] == bands != 3
    if multispectral:
        progress.info(
            tr("The checkpoint's first layer already takes {bands} bands: it is loaded as it is.").format(bands=bands)
        )
    elif checkpoint.rgb and first_key in weights:
        weights[first_key] = _fit_first_layer(
            weights[first_key], own[first_key], band_names, rgb_bands, report, progress
        )
    if "fc.weight" not in own and any(key.startswith("fc.") for key in weights):
        progress.info(
            tr("The checkpoint's classification layer (fc) has no use in a segmentation network: it is left out.")
        )
        weights = {key: value for key, value in weights.items() if not key.startswith("fc.")}
    head_keys = {f"{head}.weight", f"{head}.bias"}
    if any(key in weights and weights[key].shape != own[key].shape for key in head_keys):
        report.head_dropped = True
        progress.info(
            tr(
                "The checkpoint's classification layer ({layer}) has {outputs} outputs and this dataset {classes} "
                "classes: that layer starts from random weights."
            ).format(layer=head, outputs=weights[f"{head}.weight"].shape[0], classes=own[f"{head}.weight"].shape[0])
        )
        for key in head_keys:
            weights.pop(key, None)
    wrong_shape = [key for key in weights if key in own and weights[key].shape != own[key].shape]
    if wrong_shape:
        key = wrong_shape[0]
        raise ImagetteError(
            tr(
                "The weights in '{source}' do not fit this network: {count} tensor(s) have other shapes, e.g. {key} "
                "{shape} instead of {expected}. Choose the architecture the file was trained with, on a dataset with "
                "the same bands."
            ).format(
                source=checkpoint.source,
                count=len(wrong_shape),
                key=key,
                shape=tuple(weights[key].shape),
                expected=tuple(own[key].shape),
            )
        )
    missing, unexpected = network.load_state_dict(weights, strict=False)
    # Old torchvision files predate BatchNorm's num_batches_tracked counter, which holds no weights.
    missing = [
        key for key in missing if not key.startswith(network.NEW_LAYERS) and not key.endswith("num_batches_tracked")
    ]
    if missing:
        raise ImagetteError(
            tr(
                "The weights in '{source}' lack {count} of this network's tensors ({tensors}): the file is for another "
                "architecture. Choose the architecture it was trained with."
            ).format(
                source=checkpoint.source,
                count=len(missing),
                tensors=", ".join(missing[:4]) + (", ..." if len(missing) > 4 else ""),
            )
        )
    report.unexpected = list(unexpected)
    report.loaded = sum(key in own for key in weights)
    if unexpected:
        progress.warning(
            tr(
                "{count} tensor(s) in '{source}' belong to no layer of this network and were ignored: {tensors}."
            ).format(
                count=len(unexpected),
                source=checkpoint.source,
                tensors=", ".join(unexpected[:6]) + (", ..." if len(unexpected) > 6 else ""),
            )
        )
    progress.info(
        tr("Pretrained weights loaded from '{source}': {count} tensors, the whole backbone.").format(
            source=checkpoint.source, count=report.loaded
        )
    )
    return report


# Prefixes under which training frameworks save a ResNet: timm/torchvision wrappers, MoCo-style encoders.
WRAPPER_PREFIXES = ("module.", "model.", "backbone.", "encoder.", "encoder_q.", "module.encoder_q.")


def _strip_wrapper_prefix(weights: dict[str, Tensor], first_key: str) -> dict[str, Tensor]:
    """The weights with a wrapper's prefix removed, when the first layer is found only under that prefix."""
    if first_key in weights:
        return weights
    for prefix in sorted(WRAPPER_PREFIXES, key=len, reverse=True):
        if prefix + first_key in weights:
            return {key.removeprefix(prefix): value for key, value in weights.items() if key.startswith(prefix)}
    return weights


def _fit_first_layer(
    weight: Tensor,
    target: Tensor,
    band_names: Sequence[str],
    rgb_bands: tuple[int, int, int] | None,
    report: LoadReport,
    progress: Progress,
) -> Tensor:
    """The RGB first-layer kernel mapped onto the dataset's bands, with the choice logged."""
    bands = target.shape[1]
    if weight.shape[1] != 3 or weight.shape[0] != target.shape[0] or weight.shape[2:] != target.shape[2:]:
        raise ImagetteError(
            tr(
                "The first layer of the checkpoint has shape {shape}, not that of an RGB {kernel} convolution with "
                "{filters} filters. Choose the architecture the file was trained with."
            ).format(shape=tuple(weight.shape), kernel=tuple(target.shape[2:]), filters=target.shape[0])
        )
    chosen = rgb_bands if rgb_bands is not None else find_rgb_bands(band_names)
    if chosen is None and bands == 3:
        # Unnamed 3-band images are almost always red, green, blue in that order (orthophotos).
        chosen = (0, 1, 2)
        progress.info(tr("The 3 bands have no red/green/blue names: they are taken as red, green, blue in that order."))
    if chosen is not None and max(chosen) >= bands:
        raise ImagetteError(
            tr("RGB bands {asked} were asked for, but the dataset has {bands} bands.").format(
                asked=[b + 1 for b in chosen], bands=bands
            )
        )
    report.rgb_bands = chosen
    report.adapted_first_layer = chosen != (0, 1, 2) or bands != 3
    if chosen is None:
        progress.warning(
            tr(
                "No red, green and blue bands were recognised among {names}: every band gets the mean of the RGB "
                "filters. Give the RGB bands (e.g. 3,2,1) to use the pretrained colour filters."
            ).format(names=list(band_names))
        )
    elif report.adapted_first_layer:
        colours = (tr("red"), tr("green"), tr("blue"))
        names = ", ".join(
            tr("{colour} = band {band} '{name}'").format(colour=colour, band=b + 1, name=band_names[b])
            for colour, b in zip(colours, chosen)
        )
        progress.info(
            tr(
                "First layer adapted to {bands} bands: {names}; other bands get the mean filter, all scaled by "
                "3/{bands}."
            ).format(bands=bands, names=names)
        )
    return adapt_first_conv(weight, bands, chosen)
