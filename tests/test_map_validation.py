"""Map-level validation: training's headline scores are those of the map on the validation features."""

from __future__ import annotations

import json

import numpy as np
import rasterio
import torch
from imagette.plugin.engine import dataset as ds
from imagette.plugin.engine.classes import ClassEntry
from imagette.plugin.engine.inference import InferenceConfig, classify_raster
from imagette.plugin.engine.metrics import confusion_matrix
from imagette.plugin.engine.modelfile import load_model
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
