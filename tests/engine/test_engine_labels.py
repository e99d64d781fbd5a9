"""Every label reaches training: the split keeps its share and the training masks keep the training labels, on
touching polygons and crowded points; no validation label is a training target; segmentation keeps the patches at
the raster edge and over nodata, those pixels unlabelled. Checked pixel by pixel against the features."""

from __future__ import annotations

import numpy as np
import pytest
from imagette.plugin.engine import dataset as ds
from imagette.plugin.engine.classes import PALETTE, ClassEntry
from imagette.plugin.engine.cross_validation import wanted
from imagette.plugin.engine.sampling import LabelledFeature, SamplingConfig, sample_patches
from rasterio.features import rasterize
from rasterio.transform import from_origin

from tests.scenes import write_raster
from tests.training_data import Recorder

SIDE = 240  # raster side, px
PATCH = 32
TRANSFORM = from_origin(500000.0, 6000000.0, 10.0, 10.0)
CLASS_TABLE = [ClassEntry(code, f"class {code}", PALETTE[code]) for code in (1, 2, 3)]
NODATA_BLOCK = (slice(100, 130), slice(100, 130))  # rows, cols of nodata pixels


def raster(folder) -> str:
    data = np.random.default_rng(0).integers(1, 1000, (3, SIDE, SIDE), dtype=np.uint16)
    data[(slice(None), *NODATA_BLOCK)] = 0
    return str(write_raster(folder / "image.tif", data, "EPSG:32631", TRANSFORM))


def rectangle(feature_id: int, code: int, row0: int, col0: int, row1: int, col1: int) -> LabelledFeature:
    ring = [TRANSFORM * (col, row) for col, row in ((col0, row0), (col1, row0), (col1, row1), (col0, row1))]
    ring.append(ring[0])
    xs, ys = zip(*ring)
    return LabelledFeature(
        feature_id, code, {"type": "Polygon", "coordinates": [ring]}, (min(xs), min(ys), max(xs), max(ys))
    )


def touching_polygons() -> list[LabelledFeature]:
    """Wall to wall: bands of rows cut at random columns, as a land-use layer covers a scene."""
    rng = np.random.default_rng(1)
    row_cuts = [0, *sorted(rng.choice(np.arange(20, SIDE - 20, 10), 5, replace=False)), SIDE]
    features = []
    for row0, row1 in zip(row_cuts[:-1], row_cuts[1:]):
        col_cuts = [0, *sorted(rng.choice(np.arange(15, SIDE - 15, 5), 6, replace=False)), SIDE]
        for col0, col1 in zip(col_cuts[:-1], col_cuts[1:]):
            features.append(rectangle(len(features), int(rng.integers(1, 4)), row0, col0, row1, col1))
    return features


def crowded_points() -> list[LabelledFeature]:
    """Field-survey points, many within a patch of each other, some on nodata and near the raster edge."""
    rng = np.random.default_rng(2)
    features = []
    for row, col in zip(rng.integers(0, SIDE, 600), rng.integers(0, SIDE, 600)):
        x, y = TRANSFORM * (col + 0.5, row + 0.5)
        geometry = {"type": "Point", "coordinates": (x, y)}
        features.append(LabelledFeature(len(features), int(rng.integers(1, 4)), geometry, (x, y, x, y)))
    return features


LAYOUTS = {"touching polygons": touching_polygons, "crowded points": crowded_points}


@pytest.fixture(scope="module", params=list(LAYOUTS))
def sampled(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("labels")
    features = LAYOUTS[request.param]()
    config = SamplingConfig(raster(folder), features, CLASS_TABLE, str(folder / "dataset"), patch_size=PATCH)
    result = sample_patches(config)
    return features, result, ds.open_dataset(result.dataset_path)


def label_map(features: list[LabelledFeature], split_of: dict[int, str], split: str) -> np.ndarray:
    """Class code of every pixel labelled by the features of one split (0 elsewhere and on nodata)."""
    shapes = [(f.geometry, f.code) for f in features if split_of[f.feature_id] == split]
    labels = rasterize(shapes, out_shape=(SIDE, SIDE), transform=TRANSFORM, fill=0, dtype="int32")
    labels[NODATA_BLOCK] = 0
    return labels


def patch_origins(dataset: ds.Dataset, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    cols, rows = ~TRANSFORM * (dataset.centres[indices, 0], dataset.centres[indices, 1])
    return np.round(rows - PATCH / 2).astype(int), np.round(cols - PATCH / 2).astype(int)


def padded(labels: np.ndarray) -> np.ndarray:
    """labels with a patch of zeros around it, so that windows crossing the edge can be cut."""
    return np.pad(labels, PATCH)


def test_the_split_keeps_its_share_of_every_class(sampled):
    features, _, dataset = sampled
    split_of = split_of_features(dataset)
    by_split = {name: label_map(features, split_of, name) for name in ds.SPLIT_NAMES}
    for entry in CLASS_TABLE:
        pixels = {name: int((labels == entry.code).sum()) for name, labels in by_split.items()}
        share = pixels["validation"] / (pixels["train"] + pixels["validation"])
        assert abs(share - 0.2) <= 0.05, (entry.name, pixels)


def split_of_features(dataset: ds.Dataset) -> dict[int, str]:
    return {
        feature_id: name
        for index, name in enumerate(ds.SPLIT_NAMES)
        for feature_id, _, _ in dataset.identified_features(index)
    }


def test_training_masks_hold_the_training_labels_and_no_validation_label(sampled):
    features, result, dataset = sampled
    split_of = split_of_features(dataset)
    training, validation = (padded(label_map(features, split_of, name)) for name in ds.SPLIT_NAMES)
    reached = np.zeros_like(training, dtype=bool)
    indices = dataset.indices(ds.TRAIN)
    for index, row, col in zip(indices, *patch_origins(dataset, indices)):
        window = (slice(row + PATCH, row + 2 * PATCH), slice(col + PATCH, col + 2 * PATCH))
        mask = np.asarray(dataset.masks[index])
        np.testing.assert_array_equal(mask, training[window])  # exactly the training labels, nothing of validation
        assert not (validation[window] & mask).any()
        reached[window] |= mask > 0
    labelled = training > 0
    share = reached[labelled].mean()
    assert share >= 0.7
    # The dataset says the same, per class.
    for entry in CLASS_TABLE:
        row = dataset.metadata["labels"]["train"][str(entry.code)]
        assert row["labelled_pixels"] == int((training == entry.code).sum())
        assert row["in_training_masks"] == int((reached & (training == entry.code)).sum())


def test_segmentation_keeps_edge_and_nodata_patches_unlabelled_there_and_classifiers_leave_them(sampled):
    _, result, dataset = sampled
    rows, cols = patch_origins(dataset, np.arange(dataset.labels.size))
    crosses_edge = (rows < 0) | (cols < 0) | (rows + PATCH > SIDE) | (cols + PATCH > SIDE)
    nodata = padded(np.zeros((SIDE, SIDE), dtype=bool))
    nodata[
        NODATA_BLOCK[0].start + PATCH : NODATA_BLOCK[0].stop + PATCH,
        NODATA_BLOCK[1].start + PATCH : NODATA_BLOCK[1].stop + PATCH,
    ] = True
    outside = np.pad(np.zeros((SIDE, SIDE), dtype=bool), PATCH, constant_values=True)
    holds_nodata = np.array(
        [nodata[row + PATCH : row + 2 * PATCH, col + PATCH : col + 2 * PATCH].any() for row, col in zip(rows, cols)]
    )
    assert crosses_edge.any() and holds_nodata.any()
    for index in np.flatnonzero(crosses_edge | holds_nodata):
        window = (
            slice(rows[index] + PATCH, rows[index] + 2 * PATCH),
            slice(cols[index] + PATCH, cols[index] + 2 * PATCH),
        )
        missing = outside[window] | nodata[window]
        assert not np.asarray(dataset.masks[index])[missing].any()
        patch = np.asarray(dataset.patches[index])
        assert (patch[:, missing] == patch[:, missing][:, :1]).all()  # one fill value per band: the band mean
        assert not (patch == 0).any()  # no raw nodata left
    assert not dataset.classifiable[crosses_edge | holds_nodata].any()
    assert result.metadata["not_classifiable"]["patch crosses the raster edge"] == int(crosses_edge.sum())


def test_a_point_radius_labels_a_disc_that_never_takes_a_validation_point(tmp_path):
    features = crowded_points()
    config = SamplingConfig(
        raster(tmp_path), features, CLASS_TABLE, str(tmp_path / "dataset"), patch_size=PATCH, point_radius=2
    )
    dataset = ds.open_dataset(sample_patches(config).dataset_path)
    split_of = split_of_features(dataset)
    pixel_of = {f.feature_id: tuple(int(v) for v in ~TRANSFORM * f.geometry["coordinates"])[::-1] for f in features}
    validation_points = padded(label_map(features, split_of, "validation")) > 0
    near_training = np.zeros((SIDE + 2 * PATCH,) * 2, dtype=np.int32)  # the class of a training point within 2 px
    for f in features:
        if split_of[f.feature_id] == "train":
            row, col = (v + PATCH for v in pixel_of[f.feature_id])
            near_training[row - 2 : row + 3, col - 2 : col + 3] = f.code  # the disc's bounding square
    indices = dataset.indices(ds.TRAIN)
    labelled = 0
    for index, row, col in zip(indices, *patch_origins(dataset, indices)):
        window = (slice(row + PATCH, row + 2 * PATCH), slice(col + PATCH, col + 2 * PATCH))
        mask = np.asarray(dataset.masks[index])
        assert not (mask[validation_points[window]]).any()  # a validation point's pixel is never a training target
        assert (near_training[window][mask > 0] > 0).all()  # every label lies by a training point
        labelled += int((mask > 0).sum())
    assert labelled > 5 * indices.size  # discs, not single pixels
    assert dataset.metadata["sampling"]["point_radius"] == 2


def test_messages_name_the_labels_as_they_were_drawn(sampled):
    features, _, dataset = sampled
    drawn = "points" if features[0].geometry["type"] == "Point" else "polygons"
    recorder = Recorder()
    assert wanted("on", dataset, dataset.indices(ds.TRAIN), recorder)
    assert dataset.label_word == drawn
    assert any(f"part of the training {drawn} to score the map" in line for line in recorder.lines)


def test_the_per_class_cap_keeps_classifiable_patches_first(tmp_path):
    """Patch classifiers train on classifiable patches alone: the cap must not spend itself on the others."""
    features = crowded_points()
    uncapped = ds.open_dataset(
        sample_patches(
            SamplingConfig(raster(tmp_path), features, CLASS_TABLE, str(tmp_path / "all"), patch_size=PATCH)
        ).dataset_path
    )
    classifiable = {code: int((uncapped.labels[uncapped.classifiable] == code).sum()) for code in (1, 2, 3)}
    everything = {code: int((uncapped.labels == code).sum()) for code in (1, 2, 3)}
    cap = min(classifiable.values()) - 3
    assert all(everything[code] > classifiable[code] > cap for code in everything)  # a cap that must choose
    capped = ds.open_dataset(
        sample_patches(
            SamplingConfig(
                raster(tmp_path), features, CLASS_TABLE, str(tmp_path / "capped"), patch_size=PATCH, max_per_class=cap
            )
        ).dataset_path
    )
    for code in everything:
        of_code = capped.labels == code
        assert of_code.sum() == cap
        assert capped.classifiable[of_code].all()
