"""Map-level validation: training's headline scores are those of the map on the validation features."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import rasterio
import torch
from imagette.plugin.engine import dataset as ds
from imagette.plugin.engine.classes import ClassEntry
from imagette.plugin.engine.inference import InferenceConfig, classify_raster
from imagette.plugin.engine.metrics import classification_scores, confusion_matrix, macro_f1_interval
from imagette.plugin.engine.modelfile import load_model
from imagette.plugin.engine.scoring import map_level, scores_of
from imagette.plugin.engine.validation import validate_map
from rasterio.features import rasterize
from rasterio.transform import from_origin

from tests.model_files import PROBE_PATCH, write_probe_model
from tests.scenes import CLASS_COLORS, write_raster
from tests.training_data import Recorder

# Three vertical stripes whose band-1 values the probe model maps to its three classes; a patch that
# straddles two stripes averages them and gets another class: the map is wrong exactly near borders.
STRIPES = ((0, 96, 400), (96, 160, 500), (160, 256, 700))  # first column, end column, band-1 value


def stripes_dataset(folder):
    transform = from_origin(1000, 2000, 1, 1)
    band = np.zeros((128, 256), dtype=np.uint16)
    for start, end, value in STRIPES:
        band[:, start:end] = value
    raster = write_raster(folder / "stripes.tif", np.stack([band, band]), "EPSG:32631", transform)
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "split": "validation"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[(1000 + start, 2000), (1000 + end, 2000), (1000 + end, 1872), (1000 + start, 1872)]],
            },
        }
        for code, (start, end, _) in enumerate(STRIPES, start=1)
    ]
    (folder / ds.FEATURES_FILE).write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    metadata = {"format_version": ds.FORMAT_VERSION, "raster": str(raster)}
    empty = np.zeros(0)
    dataset = ds.Dataset(folder, metadata, empty, empty, empty, empty, empty)
    classes = [ClassEntry(code, f"stripe {code}", CLASS_COLORS[code]) for code in (1, 2, 3)]
    model = write_probe_model(folder / "probe.pt", classes, rasterio.crs.CRS.from_epsg(32631).to_wkt())
    return raster, dataset, model, [(f["geometry"], f["properties"]["code"]) for f in features]


def test_map_scores_count_every_map_pixel_in_the_validation_features(tmp_path):
    raster, dataset, model_path, features = stripes_dataset(tmp_path)
    model = load_model(model_path)
    measured = validate_map(model, dataset, torch.device("cpu"), Recorder())
    assert measured.features == 3 and measured.counts is not None

    # The same map written by 'Classify raster', scored independently on its own grid.
    result = classify_raster(InferenceConfig(str(raster), str(model_path), str(tmp_path / "map.tif"), device="cpu"))
    with rasterio.open(result.output_path) as dst:
        labels, transform = dst.read(1), dst.transform
    reference = rasterize(features, out_shape=labels.shape, transform=transform, fill=0, dtype="int32")
    scored = (reference > 0) & (labels > 0)
    expected = confusion_matrix(reference[scored] - 1, labels[scored] - 1, 3)
    np.testing.assert_array_equal(measured.counts.confusion, expected)
    assert measured.counts.nodata_pixels == int(((reference > 0) & (labels == 0)).sum())

    # Wrong exactly near the borders: every error lies within a patch of a stripe border, and there are errors.
    wrong_cols = np.nonzero(scored & (labels != reference))[1]
    centres = transform.c + (wrong_cols + 0.5) * transform.a - 1000
    borders = np.array([96, 160])
    assert wrong_cols.size > 0
    assert np.all(np.abs(centres[:, None] - borders[None, :]).min(axis=1) <= PROBE_PATCH / 2)
    assert np.trace(expected) / expected.sum() < 1


def test_without_its_raster_the_map_cannot_be_scored_and_says_why(tmp_path):
    raster, dataset, model_path, _ = stripes_dataset(tmp_path)
    raster.unlink()
    measured = validate_map(load_model(model_path), dataset, torch.device("cpu"), Recorder())
    assert measured.counts is None and "cannot be read any more" in measured.reason


def test_map_level_scores_carry_an_interval_and_say_when_polygons_are_few(tmp_path):
    _, dataset, model_path, _ = stripes_dataset(tmp_path)
    model = load_model(model_path)
    patch_level = scores_of(np.eye(3, dtype=np.int64) * 5, model.metadata["classes"], "patches")
    model.metadata.update(metrics={**patch_level, "epoch": 1}, seed=7)
    recorder = Recorder()
    metrics = map_level(model, dataset, torch.device("cpu"), recorder)

    measured = validate_map(model, dataset, torch.device("cpu"), Recorder())
    np.testing.assert_array_equal(measured.per_feature.sum(axis=0), measured.counts.confusion)
    assert measured.feature_codes == [1, 2, 3]
    assert metrics["level"] == "map" and metrics["validation_features_per_class"] == {1: 1, 2: 1, 3: 1}
    # One feature per class: every resample is the same map, so the interval is the score itself, and the log
    # says that it understates the uncertainty.
    assert metrics["macro_f1_interval"] == pytest.approx([metrics["macro_f1"]] * 2)
    assert any(
        "Few polygons scored for 'stripe 1' (1), 'stripe 2' (1), 'stripe 3' (1)" in w
        and "understates" in w
        and "set 'Cross-validation' to 'Always'" in w  # it was not cross-validated: the remedy says how
        for w in recorder.warnings
    )
    # Cross-validated (here, the same three features scored once more): the remedy no longer suggests it.
    recorder = Recorder()
    folded = map_level(model, dataset, torch.device("cpu"), recorder, cross_validation=lambda: measured)
    assert folded["cross_validated_features"] == 3 and folded["validation_features_per_class"] == {1: 2, 2: 2, 3: 2}
    assert any("'stripe 3' (2)" in w and "never held out" in w and "'Always'" not in w for w in recorder.warnings)


def test_the_macro_f1_interval_spans_the_resamples_of_whole_polygons():
    # Two polygons per class (rows: reference class, columns: map class). Resampling within each class gives
    # 3 x 3 distinct maps; each extreme has probability 1/16, more than the 2.5 % tails, so the interval's ends
    # are the lowest and highest macro-F1 of those nine.
    units = {
        0: [np.array([[10, 0], [0, 0]]), np.array([[4, 6], [0, 0]])],
        1: [np.array([[0, 0], [0, 12]]), np.array([[0, 0], [3, 5]])],
    }
    resamples = {c: list(itertools.combinations_with_replacement(members, 2)) for c, members in units.items()}
    scores = [
        classification_scores(sum(first) + sum(second))["macro_f1"]
        for first, second in itertools.product(resamples[0], resamples[1])
    ]
    stacked = np.stack(units[0] + units[1])
    low, high = macro_f1_interval(stacked, np.array([0, 0, 1, 1]), seed=3)
    assert (low, high) == pytest.approx((min(scores), max(scores)))
    assert low < classification_scores(stacked.sum(axis=0))["macro_f1"] < high
    assert macro_f1_interval(stacked, np.array([0, 0, 1, 1]), seed=3) == (low, high)  # reproducible

    identical = np.stack([units[0][0], units[0][0], units[1][1], units[1][1]])
    point = classification_scores(identical.sum(axis=0))["macro_f1"]
    assert macro_f1_interval(identical, np.array([0, 0, 1, 1]), seed=3) == pytest.approx((point, point))
