"""The three stages chained through processing.run, as a user would: sample, train briefly, classify a scene.

The trained model must map the fixture scene well (macro-F1 against its truth, output pixels compared
at their centres), and the dense method must agree with the per-patch reference on that model.
"""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from imagette.plugin.engine.metrics import classification_scores, confusion_matrix
from imagette.plugin.engine.modelfile import load_model

from tests.plugin.conftest import run_algorithm, sample_and_train
from tests.scenes import CLASSES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained_model(scene, tmp_path_factory):
    folder = tmp_path_factory.mktemp("chain")
    trained = sample_and_train(scene, folder, 32, ARCHITECTURE=0, EPOCHS=6, BATCH_SIZE=32)
    return trained["OUTPUT_MODEL"]


def classify(scene, model, output, **extra) -> tuple[np.ndarray, rasterio.Affine]:
    parameters = {"INPUT_RASTER": str(scene.raster), "MODEL": model, "OUTPUT_CLASSIFICATION": str(output), **extra}
    run_algorithm("classifyraster", parameters)
    with rasterio.open(output) as dst:
        return dst.read(1), dst.transform


def test_the_trained_model_maps_the_scene(scene, trained_model, tmp_path):
    predicted, transform = classify(scene, trained_model, tmp_path / "map.tif")
    rows, cols = np.mgrid[0 : predicted.shape[0], 0 : predicted.shape[1]]
    centre_x, centre_y = transform * (cols + 0.5, rows + 0.5)
    truth_cols, truth_rows = ~scene.transform * (centre_x, centre_y)
    truth = scene.truth[np.floor(truth_rows).astype(int).clip(0, 383), np.floor(truth_cols).astype(int).clip(0, 383)]
    mapped = (predicted > 0) & (truth > 0)
    assert mapped.mean() > 0.6  # all but edges (a half patch) and the nodata block
    # The text field gave codes in alphabetical order; the fixture's truth has its own: compare by name.
    truth_index = {code: index for index, (code, _, _) in enumerate(CLASSES)}
    by_name = {name: truth_index[code] for code, name, _ in CLASSES}
    model_index = {entry.code: by_name[entry.name] for entry in load_model(trained_model).classes}
    confusion = confusion_matrix(
        np.vectorize(truth_index.get)(truth[mapped]), np.vectorize(model_index.get)(predicted[mapped]), len(CLASSES)
    )
    assert classification_scores(confusion)["macro_f1"] >= 0.85, confusion


def test_dense_agrees_with_the_per_patch_reference(scene, trained_model, tmp_path):
    dense, _ = classify(scene, trained_model, tmp_path / "dense.tif", METHOD=0)
    reference, _ = classify(scene, trained_model, tmp_path / "reference.tif", METHOD=1)
    assert len(np.unique(reference)) == len(CLASSES) + 1  # every class, and nodata
    # They differ only where zero padding at a patch's border (per-patch) or its real neighbours (dense)
    # decide: near class borders, of which this scene has many.
    assert (dense == reference).mean() >= 0.95
