"""The dataset folder that sampling writes and training reads.

Layout (format "imagette-dataset", version 2):
    dataset.json   metadata: class table, bands, normalisation, patch and pixel size, CRS, counts,
                   and the mask dtype under "masks"
    patches.bin    raw C-order array (count, bands, patch_size, patch_size) in the raster's dtype,
                   opened with numpy.memmap so datasets larger than RAM work
    masks.bin      raw C-order array (count, patch_size, patch_size) of the class code of every pixel
                   whose centre lies in a feature of the patch's own split, 0 elsewhere (unlabelled)
    features.geojson  the polygons and points, in the raster's CRS, with their code and split
                   ("train", "validation" or null for a feature that gave no patch)
    labels.npy     int32 class code of each patch (the class of the feature at its centre)
    split.npy      uint8, 0 = training, 1 = validation
    groups.npy     int64 id of the feature (polygon or point) each patch came from
    centres.npy    float64 (count, 2) x, y of each patch centre in the raster CRS
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .classes import ClassEntry, table_from_dicts
from .errors import ImagetteError

FORMAT = "imagette-dataset"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)  # version 1 has no masks and no features: patch classifiers only
METADATA_FILE = "dataset.json"
PATCHES_FILE = "patches.bin"
MASKS_FILE = "masks.bin"
FEATURES_FILE = "features.geojson"
TRAIN, VALIDATION = 0, 1
SPLIT_NAMES = ("train", "validation")


class PatchMetadata:
    """What datasets and model files both describe in their metadata: classes, patch size, bands."""

    metadata: dict

    @property
    def classes(self) -> list[ClassEntry]:
        return table_from_dicts(self.metadata["classes"])

    @property
    def patch_size(self) -> int:
        return int(self.metadata["patch_size"])

    @property
    def band_count(self) -> int:
        return int(self.metadata["bands"]["count"])


@dataclass
class Dataset(PatchMetadata):
    """A dataset opened for reading; patches stay on disk until indexed."""

    path: Path
    metadata: dict
    patches: np.ndarray
    labels: np.ndarray
    split: np.ndarray
    groups: np.ndarray
    centres: np.ndarray
    masks: np.ndarray | None = None  # None in version 1 datasets

    def indices(self, split: int) -> np.ndarray:
        return np.flatnonzero(self.split == split)

    def features(self, split: int) -> list[tuple[dict, int]]:
        """(GeoJSON geometry in the raster CRS, class code) of the features of one split; [] in version 1."""
        path = self.path / FEATURES_FILE
        if not path.is_file():
            return []
        collection = json.loads(path.read_text(encoding="utf-8"))
        name = SPLIT_NAMES[split]
        return [
            (feature["geometry"], int(feature["properties"]["code"]))
            for feature in collection["features"]
            if feature["properties"]["split"] == name
        ]


def open_dataset(path: str | Path) -> Dataset:
    """Opens a dataset folder, or explains why it is not one."""
    folder = Path(path)
    if folder.is_file() and folder.name == METADATA_FILE:
        folder = folder.parent
    meta_path = folder / METADATA_FILE
    if not meta_path.is_file():
        raise ImagetteError(
            f"'{folder}' is not an Imagette dataset: it has no {METADATA_FILE}. "
            "Choose the folder written by 'Sample training patches'."
        )
    try:
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ImagetteError(f"Cannot read '{meta_path}': {error}. Sample the patches again.") from error
    if metadata.get("format") != FORMAT or metadata.get("format_version") not in READABLE_VERSIONS:
        raise ImagetteError(
            f"'{folder}' holds format {metadata.get('format')!r} version {metadata.get('format_version')!r}; "
            f"this Imagette reads {FORMAT!r} versions {', '.join(map(str, READABLE_VERSIONS))}. Sample the patches again."
        )
    count = int(metadata["count"])
    size = int(metadata["patch_size"])
    shape = (count, int(metadata["bands"]["count"]), size, size)
    try:
        patches = np.memmap(folder / PATCHES_FILE, dtype=metadata["bands"]["dtype"], mode="r", shape=shape)
        arrays = {name: np.load(folder / f"{name}.npy") for name in ("labels", "split", "groups", "centres")}
        if "masks" in metadata:
            arrays["masks"] = np.memmap(
                folder / MASKS_FILE, dtype=metadata["masks"]["dtype"], mode="r", shape=(count, size, size)
            )
    except (OSError, ValueError) as error:
        raise ImagetteError(
            f"The dataset '{folder}' is incomplete or damaged ({error}). Sample the patches again."
        ) from error
    return Dataset(folder, metadata, patches, **arrays)
