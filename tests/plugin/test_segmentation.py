"""Segmentation networks through processing.run: a U-Net trained and mapped by the algorithms, without seams
(the engine's side: tests/engine/test_segmentation.py)."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from imagette.plugin.engine.inference import InferenceConfig, classify_raster
from imagette.plugin.engine.metrics import classification_scores, confusion_matrix
from imagette.plugin.engine.modelfile import load_model

from tests.plugin.conftest import run_algorithm, sample_and_train
from tests.scenes import CLASSES


@pytest.fixture(scope="module")
def trained_unet(scene, tmp_path_factory):
    """A U-Net trained briefly through processing.run on the fixture scene: (algorithm outputs, folder)."""
    folder = tmp_path_factory.mktemp("chain_unet")
    return sample_and_train(scene, folder, 64, ARCHITECTURE=4, EPOCHS=3), folder


@pytest.mark.slow
def test_chain_trains_a_unet_and_maps_the_scene_at_full_resolution(scene, trained_unet, tmp_path):
    trained, folder = trained_unet
    assert trained["MACRO_F1"] > 0.8 and "map pixels" in (folder / "report.html").read_text(encoding="utf-8")
    run_algorithm(
        "classifyraster",
        {
            "INPUT_RASTER": str(scene.raster),
            "MODEL": trained["OUTPUT_MODEL"],
            "OUTPUT_CLASSIFICATION": str(tmp_path / "map.tif"),
        },
    )
    with rasterio.open(tmp_path / "map.tif") as dst:
        assert dst.transform == scene.transform and dst.shape == scene.truth.shape  # the image's own grid
        predicted = dst.read(1)
    # The text field gave codes in alphabetical order; the fixture's truth has its own: compare by name.
    truth_index = {code: index for index, (code, _, _) in enumerate(CLASSES)}
    by_name = {name: truth_index[code] for code, name, _ in CLASSES}
    model_index = {entry.code: by_name[entry.name] for entry in load_model(trained["OUTPUT_MODEL"]).classes}
    labelled = scene.truth > 0
    assert np.all(predicted[labelled] > 0) and np.all(predicted[~labelled] == 0)
    confusion = confusion_matrix(
        np.vectorize(truth_index.get)(scene.truth[labelled]),
        np.vectorize(model_index.get)(predicted[labelled]),
        len(CLASSES),
    )
    assert classification_scores(confusion)["macro_f1"] > 0.85, confusion


@pytest.mark.slow
def test_tiles_do_not_show_in_the_map(scene, trained_unet, tmp_path):
    model = trained_unet[0]["OUTPUT_MODEL"]
    maps = []
    for tile in (0, 40):  # the whole raster in one tile, then tiles of 40 px
        config = InferenceConfig(str(scene.raster), model, str(tmp_path / f"{tile}.tif"), device="cpu", tile_size=tile)
        result = classify_raster(config)
        with rasterio.open(result.output_path) as dst:
            maps.append(dst.read(1))
    assert result.tile_size == 40 and maps[0].shape[0] > 3 * 40  # the small tiles really tile it
    assert (maps[0] == maps[1]).mean() >= 0.995
