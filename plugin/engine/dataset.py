"""The dataset folder that sampling writes and training reads.

Layout (format "imagette-dataset", version 3):
    dataset.json   metadata: class table, bands, normalisation, patch and pixel size, CRS, counts,
                   and the mask dtype under "masks"
    patches.bin    raw C-order array (count, bands, patch_size, patch_size) in the raster's dtype,
                   opened with numpy.memmap so datasets larger than RAM work
    masks.bin      raw C-order array (count, patch_size, patch_size) of the class code of every pixel
                   whose centre lies in a feature of the patch's own split, 0 elsewhere (unlabelled)
    features.geojson  the polygons and points, in the raster's CRS, with their code and split
                   ("train" or "validation", decided before any patch was cut)
    labels.npy     int32 class code of each patch (the class of the feature at its centre)
    split.npy      uint8, 0 = training, 1 = validation
    groups.npy     int64 id of the feature (polygon or point) each patch came from
    centres.npy    float64 (count, 2) x, y of each patch centre in the raster CRS
    classifiable.npy  bool, whether patch classifiers use the patch: it lies inside the raster, holds no
                   more nodata than tolerated and enough of its own class (version 3; every patch before).
                   Segmentation networks use every patch: outside and nodata pixels are unlabelled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .classes import ClassEntry, table_from_dicts
from .errors import ImagetteError, sentence
from .geometry import point_count
from .i18n import tr

FORMAT = "imagette-dataset"
FORMAT_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)  # version 1 has no masks and no features: patch classifiers only
METADATA_FILE = "dataset.json"
PATCHES_FILE = "patches.bin"
MASKS_FILE = "masks.bin"
FEATURES_FILE = "features.geojson"
TRAIN, VALIDATION = 0, 1
SPLIT_NAMES = ("train", "validation")
ARRAY_FILES = ("labels", "split", "groups", "centres")  # one row per patch each
CLASSIFIABLE = "classifiable"  # one row per patch from version 3 on
# The metadata training reads; a dataset without one of them is refused on opening.
METADATA_KEYS = ("count", "patch_size", "bands", "classes", "normalization", "pixel_size", "crs", "crs_name", "raster")
NESTED_KEYS = {"bands": ("count", "dtype", "names"), "normalization": ("mean", "std"), "masks": ("dtype",)}


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
    classifiable: np.ndarray | None = None  # None before version 3: every patch is

    def indices(self, split: int, classifiable_only: bool = False) -> np.ndarray:
        """The patches of one split; with classifiable_only, those patch classifiers use."""
        chosen = self.split == split
        if classifiable_only and self.classifiable is not None:
            chosen &= self.classifiable
        return np.flatnonzero(chosen)

    def features(self, split: int) -> list[tuple[dict, int]]:
        """(GeoJSON geometry in the raster CRS, class code) of the features of one split; [] in version 1."""
        return [(feature["geometry"], int(feature["properties"]["code"])) for feature in self._features(split)]

    def identified_features(self, split: int) -> list[tuple[int, dict, int]]:
        """(feature id, as in groups.npy; geometry; class code) of the features of one split; [] in version 1."""
        return [
            (int(feature["id"]), feature["geometry"], int(feature["properties"]["code"]))
            for feature in self._features(split)
        ]

    @property
    def label_word(self) -> str:
        """How the person drew the labels, in their language, for messages: "points" when every feature is a point,
        else "polygons"."""
        return tr("points") if self._drawn_as_points() else tr("polygons")

    @property
    def label_word_one(self) -> str:
        """One of the labels as label_word names them: "point" or "polygon"."""
        return tr("point") if self._drawn_as_points() else tr("polygon")

    def _drawn_as_points(self) -> bool:
        features = self._all_features()
        return bool(features) and all(point_count(f["geometry"]) for f in features)

    def _features(self, split: int) -> list[dict]:
        return [feature for feature in self._all_features() if feature["properties"]["split"] == SPLIT_NAMES[split]]

    def _all_features(self) -> list[dict]:
        path = self.path / FEATURES_FILE
        return json.loads(path.read_text(encoding="utf-8"))["features"] if path.is_file() else []

    def footprints(self, indices: np.ndarray) -> np.ndarray:
        """(len(indices), 4) xmin, ymin, xmax, ymax of the given patches, in the raster CRS."""
        return patch_boxes(self.centres[indices], self.metadata)


def patch_boxes(centres: np.ndarray, metadata: dict) -> np.ndarray:
    """(n, 4) xmin, ymin, xmax, ymax of the patches centred on (n, 2) x, y, from a dataset's metadata."""
    half = metadata["patch_size"] * np.abs(np.asarray(metadata["pixel_size"], dtype=np.float64)) / 2
    centres = np.asarray(centres, dtype=np.float64).reshape(-1, 2)
    return np.hstack([centres - half, centres + half])


def mask_dtype(codes: np.ndarray) -> np.dtype:
    """The smallest unsigned type that holds every class code."""
    largest = int(codes.max(initial=0))
    return np.dtype(np.uint8 if largest < 2**8 else np.uint16 if largest < 2**16 else np.uint32)


def array_file(name: str) -> str:
    """The file name of a per-patch array."""
    return f"{name}.npy"


def write_arrays(folder: Path, arrays: dict[str, np.ndarray]) -> None:
    """Writes the per-patch arrays (ARRAY_FILES and CLASSIFIABLE, one row per patch) into folder."""
    expected = {*ARRAY_FILES, CLASSIFIABLE}
    if arrays.keys() != expected:
        raise ValueError(f"A dataset has the arrays {sorted(expected)}, not {sorted(arrays)}")
    for name, array in arrays.items():
        np.save(folder / array_file(name), array)


def write_features(folder: Path, features: list[tuple[int, int, dict]], split: np.ndarray, crs_name: str) -> None:
    """Writes (feature id, class code, GeoJSON geometry in the raster CRS) of every feature with its split."""
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": crs_name}},
        "features": [
            {
                "type": "Feature",
                "id": feature_id,
                "properties": {"code": code, "split": SPLIT_NAMES[int(part)]},
                "geometry": geometry,
            }
            for (feature_id, code, geometry), part in zip(features, split)
        ],
    }
    (folder / FEATURES_FILE).write_text(json.dumps(collection), encoding="utf-8")


def write_metadata(folder: Path, metadata: dict) -> None:
    """Writes dataset.json; written last, it is what makes a folder a dataset."""
    (folder / METADATA_FILE).write_text(json.dumps(metadata, indent=1, ensure_ascii=False), encoding="utf-8")


def open_dataset(path: str | Path) -> Dataset:
    """Opens a dataset folder, or explains why it is not one."""
    folder = Path(path)
    if folder.is_file() and folder.name == METADATA_FILE:
        folder = folder.parent
    meta_path = folder / METADATA_FILE
    if not meta_path.is_file():
        raise ImagetteError(
            tr(
                "'{folder}' is not an Imagette dataset: it has no {file}. Choose the folder written by 'Sample "
                "training patches'."
            ).format(folder=folder, file=METADATA_FILE)
        )
    try:
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ImagetteError(
            tr("Cannot read '{path}': {problem} Sample the patches again.").format(
                path=meta_path, problem=sentence(error)
            )
        ) from error
    if not isinstance(metadata, dict):
        metadata = {}
    if metadata.get("format") != FORMAT or metadata.get("format_version") not in READABLE_VERSIONS:
        raise ImagetteError(
            tr(
                "'{folder}' holds format {format} version {version}; this Imagette reads {expected} versions "
                "{versions}. Sample the patches again."
            ).format(
                folder=folder,
                format=repr(metadata.get("format")),
                version=repr(metadata.get("format_version")),
                expected=repr(FORMAT),
                versions=", ".join(map(str, READABLE_VERSIONS)),
            )
        )
    problem = _metadata_problem(metadata)
    if problem is not None:
        raise _damaged(folder, problem)
    count = int(metadata["count"])
    size = int(metadata["patch_size"])
    bands = int(metadata["bands"]["count"])
    shape = (count, bands, size, size)
    try:
        dtype = np.dtype(metadata["bands"]["dtype"])
        _check_file_size(folder / PATCHES_FILE, count * bands * size * size * dtype.itemsize)
        patches = np.memmap(folder / PATCHES_FILE, dtype=dtype, mode="r", shape=shape)
        arrays = {name: np.load(folder / array_file(name)) for name in ARRAY_FILES}
        if metadata["format_version"] >= 3:
            arrays[CLASSIFIABLE] = np.load(folder / array_file(CLASSIFIABLE)).astype(bool)
        if "masks" in metadata:
            masks_dtype = np.dtype(metadata["masks"]["dtype"])
            _check_file_size(folder / MASKS_FILE, count * size * size * masks_dtype.itemsize)
            arrays["masks"] = np.memmap(folder / MASKS_FILE, dtype=masks_dtype, mode="r", shape=(count, size, size))
    except (OSError, ValueError, TypeError) as error:
        raise _damaged(folder, str(error)) from error
    for name in sorted(arrays.keys() - {"masks"}):
        rows = arrays[name].shape[0] if arrays[name].ndim else 0
        if rows != count:
            raise _damaged(
                folder,
                tr("{file} has {rows} row(s) for {count} patch(es)").format(file=f"{name}.npy", rows=rows, count=count),
            )
    if arrays["centres"].shape[1:] != (2,):
        raise _damaged(
            folder,
            tr("{file} has shape {shape}, not {expected}").format(
                file="centres.npy", shape=arrays["centres"].shape, expected=(count, 2)
            ),
        )
    return Dataset(folder, metadata, patches, **arrays)


def _damaged(folder: Path, problem: str) -> ImagetteError:
    return ImagetteError(
        tr(
            "The dataset '{folder}' is incomplete, damaged or was edited after sampling: {problem} Sample the "
            "patches again with 'Sample training patches'."
        ).format(folder=folder, problem=sentence(problem))
    )


def _check_file_size(path: Path, expected: int) -> None:
    actual = path.stat().st_size
    if actual != expected:
        raise ValueError(
            tr(
                "{file} holds {actual} bytes where the metadata (patch count x bands x size x size) needs {expected}"
            ).format(file=path.name, actual=actual, expected=expected)
        )


def _metadata_problem(metadata: dict) -> str | None:
    """What training would miss in a dataset's metadata, or None when it has every key it reads."""
    missing = [key for key in METADATA_KEYS if key not in metadata]
    if metadata.get("format_version", 0) >= 2 and "masks" not in metadata:
        missing.append("masks")
    for key, subkeys in NESTED_KEYS.items():
        if key in metadata:  # a missing one is named above when it is needed
            value = metadata[key]
            missing += [f"{key}.{sub}" for sub in subkeys if not isinstance(value, dict) or sub not in value]
    if missing:
        return tr("{file} lacks {keys}").format(file=METADATA_FILE, keys=", ".join(repr(key) for key in missing))
    try:
        count, size, bands = int(metadata["count"]), int(metadata["patch_size"]), int(metadata["bands"]["count"])
        classes = table_from_dicts(metadata["classes"])
        means, stds = list(metadata["normalization"]["mean"]), list(metadata["normalization"]["std"])
    except (KeyError, TypeError, ValueError) as error:
        return tr("{file} is malformed ({problem})").format(
            file=METADATA_FILE, problem=f"{type(error).__name__}: {error}"
        )
    if count < 0 or size < 1 or bands < 1 or not classes or len(means) != bands or len(stds) != bands:
        return tr(
            "{file} does not add up ({count} patch(es) of {size} px, {bands} band(s), {means} band mean(s), "
            "{deviations} band deviation(s), {classes} class(es))"
        ).format(
            file=METADATA_FILE,
            count=count,
            size=size,
            bands=bands,
            means=len(means),
            deviations=len(stds),
            classes=len(classes),
        )
    return None
