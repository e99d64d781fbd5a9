"""Cuts training patches (imagettes) and their masks out of a raster inside labelled polygons or at points, and
writes them as a dataset: the sampling run, from its configuration (sampling_config.py) to the dataset folder.

The run splits the features (label_split.py), finds and cuts the candidate patches window by window where features
are and caps them per class (candidates.py), copies the kept ones and their masks into the dataset's files
(patch_copy.py), says what of the labels reached training (label_use.py), and moves the files into the folder,
dataset.json last (dataset.py owns the format), so that an error or a cancel leaves no half-written dataset.

Every label the user drew should reach training, so nothing is dropped for being near the other split:
- the split is decided first, by whole features, per class and seeded, so that the validation
  features hold the share of labelled pixels (points: of points) that was asked for;
- each patch's mask labels the pixels whose centre lies in a feature of the patch's own split, so a
  validation label is never a training target, though a training patch may see validation imagery
  as context around its labels;
- a patch that crosses the raster edge, holds nodata or lies mostly outside its own class is kept,
  its outside and nodata pixels unlabelled and filled with the patch's band means: segmentation
  networks learn from its labelled pixels. It is marked not classifiable, and patch classifiers (one
  class per patch) leave it out, as the minimum class share and the nodata tolerance ask.

Small features next to the patch get what they can hold:
- the class share of a patch counts its own class's pixels against what the patch could hold of
  its feature (the patch's area, or the feature's when smaller), so a polygon smaller than the
  patch still gives patches;
- with the default spacing, a feature's grid is tightened (down to 1 px) until it gives about
  candidates.MIN_PATCHES_PER_FEATURE patch centres.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from . import dataset as ds
from .candidates import REJECT_CAP, CandidateSearch, cap_per_class
from .classes import table_to_dicts
from .errors import ImagetteError
from .geometry import point_count, polygon_area
from .i18n import tr
from .io import DATASET_FOLDER, band_names, check_writable, open_raster
from .label_split import split_features
from .label_use import label_use, report_label_use
from .patch_copy import TrainingReach, copy_masks, copy_patches, mask_lookup
from .pixel_boxes import PixelBoxes
from .progress import Progress
from .sampling_config import LabelledFeature, SamplingConfig, check_config
from .versions import software_versions

__all__ = ["LabelledFeature", "SamplingConfig", "SamplingResult", "sample_patches"]

# Errors of a write that the person can fix by freeing space or choosing another folder.
WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM)


@dataclass
class SamplingResult:
    dataset_path: Path
    metadata: dict
    centres: np.ndarray
    labels: np.ndarray
    split: np.ndarray

    def footprints(self):
        """Yields (xmin, ymin, xmax, ymax, code, split name) of every patch, in the raster CRS."""
        boxes = ds.patch_boxes(self.centres, self.metadata)
        for (xmin, ymin, xmax, ymax), code, split in zip(boxes.tolist(), self.labels, self.split):
            yield xmin, ymin, xmax, ymax, int(code), ds.SPLIT_NAMES[split]


def sample_patches(config: SamplingConfig, progress: Progress | None = None) -> SamplingResult:
    """Samples patches and writes the dataset folder at config.output_dir.

    The folder's files are written beside it first and moved in at the end, dataset.json last,
    so an error or a cancel leaves no half-written dataset behind.
    """
    progress = progress or Progress()
    check_config(config)
    output = Path(config.output_dir)
    created = _first_missing(output)
    try:
        check_writable(output, DATASET_FOLDER, folder=True)
        return _sample_into(config, output, progress)
    except OSError as error:
        if error.errno not in WRITE_ERRORS:
            raise
        raise ImagetteError(
            tr(
                "Cannot write the dataset in '{folder}': {problem}. Free some disk space or choose another folder; "
                "an earlier dataset there is left as it was."
            ).format(folder=output, problem=error.strerror)
        ) from error
    finally:
        if created is not None and not (output / ds.METADATA_FILE).is_file():
            shutil.rmtree(created, ignore_errors=True)  # only folders this run made: nothing else is in them


def _first_missing(folder: Path) -> Path | None:
    """The outermost of folder and its parents that does not exist yet (None when folder exists)."""
    missing = None
    for candidate in (folder.absolute(), *folder.absolute().parents):
        if candidate.exists():
            break
        missing = candidate
    return missing


def _sample_into(config: SamplingConfig, output: Path, progress: Progress) -> SamplingResult:
    with open_raster(config.raster_path) as src, tempfile.TemporaryDirectory(prefix=".imagette-", dir=output) as work:
        size = config.patch_size
        if size > src.width or size > src.height:
            raise ImagetteError(
                tr(
                    "The patch size ({size} px) is larger than the raster ({width} x {height} px). Choose a smaller "
                    "patch size."
                ).format(size=size, width=src.width, height=src.height)
            )
        feature_codes = np.array([f.code for f in config.features], dtype=np.int64)
        boxes = PixelBoxes([f.bounds for f in config.features], src.transform, src.height, src.width)
        pixel_area = abs(src.transform.a * src.transform.e - src.transform.b * src.transform.d)
        areas = np.array([polygon_area(f.geometry) for f in config.features]) / pixel_area
        points = np.array([point_count(f.geometry) for f in config.features], dtype=np.float64)
        feature_split, warnings = _split(config, feature_codes, np.where(points > 0, points, areas), boxes, progress)
        search = CandidateSearch(config, src, feature_codes, boxes, areas, progress)
        raw_path, feature_masks_path = Path(work) / "candidates.bin", Path(work) / "candidate_feature_masks.bin"
        with open(raw_path, "wb") as patch_file, open(feature_masks_path, "wb") as feature_mask_file:
            rows, cols, index, classifiable = search.run(patch_file, feature_mask_file).arrays()
        codes = feature_codes[index]
        if np.unique(codes).size < 2:
            found = ", ".join(sorted({e.name for e in config.classes if e.code in set(codes.tolist())})) or tr("none")
            raise ImagetteError(
                tr(
                    "Patches were found for fewer than two classes (classes with patches: {found}). A classifier "
                    "needs at least two. Check the patch size (smaller patches fit in smaller polygons), or digitise "
                    "larger polygons."
                ).format(found=found)
            )
        kept = cap_per_class(codes, classifiable, config.max_per_class, config.seed)
        rejected = dict(search.rejected)
        if not kept.all():
            rejected[REJECT_CAP] = int((~kept).sum())
        selection = np.flatnonzero(kept)
        progress.check_canceled()

        rows, cols, index, classifiable = (array[selection] for array in (rows, cols, index, classifiable))
        codes, split = feature_codes[index], feature_split[index]
        groups = np.array([f.feature_id for f in config.features], dtype=np.int64)[index]
        bands, dtype = src.count, np.dtype(src.dtypes[0])
        patches_path = Path(work) / ds.PATCHES_FILE
        mean, std = copy_patches(raw_path, patches_path, selection, split, (bands, size, size), dtype, progress)
        raw_path.unlink()
        tops, lefts = rows - size // 2, cols - size // 2
        lookup = mask_lookup(feature_codes, feature_split)
        reach = TrainingReach(src.width, tops, lefts)
        masks_path = Path(work) / ds.MASKS_FILE
        reached = copy_masks(
            feature_masks_path,
            masks_path,
            selection,
            (size, size),
            search.feature_mask_dtype,
            lookup,
            split,
            reach,
            progress,
        )
        feature_masks_path.unlink()
        labels = label_use(feature_codes, feature_split, boxes.inside, search.labelled_pixels, codes, split, reached)
        warnings += report_label_use(labels, config.classes, config.features, boxes.inside, progress)
        xs, ys = src.transform * (lefts + size / 2, tops + size / 2)
        centres = np.column_stack([xs, ys]).astype(np.float64)
        present = set(codes.tolist())
        metadata = {
            "format": ds.FORMAT,
            "format_version": ds.FORMAT_VERSION,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "count": int(selection.size),
            "patch_size": size,
            "bands": {"count": bands, "names": band_names(src), "dtype": dtype.name, "nodata": src.nodata},
            "classes": table_to_dicts(e for e in config.classes if e.code in present),
            "normalization": {"mean": mean, "std": std},
            "pixel_size": [abs(src.transform.a), abs(src.transform.e)],
            "crs": src.crs.to_wkt(),
            "crs_name": src.crs.to_string(),
            "raster": str(Path(config.raster_path).resolve()),
            "sampling": {
                "stride": config.grid_spacing,
                "min_class_share": config.min_class_share,
                "nodata_tolerance": config.nodata_tolerance,
                "max_per_class": config.max_per_class,
                "point_radius": config.point_radius,
                "validation_fraction": config.validation_fraction,
                "seed": config.seed,
            },
            "counts": _count_table(codes, split),
            "classifiable_counts": _count_table(codes[classifiable], split[classifiable]),
            "labels": labels,
            "masks": {"dtype": lookup.dtype.name, "unlabelled": 0},
            "rejected": rejected,
            "not_classifiable": dict(search.not_classifiable),
            "warnings": warnings,
            "provenance": config.provenance,
            "software": software_versions(),
        }
        arrays = {"labels": codes.astype(np.int32), "split": split, "groups": groups, "centres": centres}
        ds.write_arrays(Path(work), {**arrays, ds.CLASSIFIABLE: classifiable})
        features = [(f.feature_id, f.code, f.geometry) for f in config.features]
        ds.write_features(Path(work), features, feature_split, src.crs.to_string())
        ds.write_metadata(Path(work), metadata)
        _publish(Path(work), output)
    progress.set_percent(100)
    return SamplingResult(output, metadata, centres, codes, split)


def _split(
    config: SamplingConfig, feature_codes: np.ndarray, weights: np.ndarray, boxes: PixelBoxes, progress: Progress
) -> tuple[np.ndarray, list[str]]:
    """The split of every feature (see split_features), and a warning for each class that cannot be validated."""
    split, lone = split_features(feature_codes, weights, boxes.inside, config.validation_fraction, config.seed)
    names = {entry.code: entry.name for entry in config.classes}
    warnings = []
    for code in lone:
        warnings.append(
            tr(
                "Class '{name}' has only one feature on the raster, so it cannot be both trained and validated "
                "without leaking: it goes to training and will not be validated. Digitise at least one more "
                "feature of this class."
            ).format(name=names[code])
        )
        progress.warning(warnings[-1])
    return split, warnings


def _count_table(codes: np.ndarray, split: np.ndarray) -> dict[str, dict[str, int]]:
    return {
        name: {str(code): int(((codes == code) & (split == index)).sum()) for code in np.unique(codes)}
        for index, name in enumerate(ds.SPLIT_NAMES)
    }


def _publish(work: Path, output: Path) -> None:
    """Moves the finished files into output, the metadata last, so a dataset is never seen half-made."""
    (output / ds.METADATA_FILE).unlink(missing_ok=True)
    for path in sorted(work.iterdir(), key=lambda p: p.name == ds.METADATA_FILE):
        os.replace(path, output / path.name)
