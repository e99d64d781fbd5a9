"""The sampling engine alone, in plain Python with rasterio: chunk seams, the on-disk format, seeds, the per-class
cap, a class of one polygon, cancel."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
from imagette.plugin.engine import candidates, patch_copy
from imagette.plugin.engine import dataset as ds
from imagette.plugin.engine.classes import PALETTE, ClassEntry
from imagette.plugin.engine.dataset import open_dataset
from imagette.plugin.engine.errors import CanceledError
from imagette.plugin.engine.sampling import LabelledFeature, SamplingConfig, sample_patches
from rasterio.transform import from_origin

from tests.scenes import CLASSES, engine_features, make_scene
from tests.training_data import Recorder


def square(feature_id, code, transform, row0, col0, row1, col1):
    corners = [
        transform * (col, row) for col, row in ((col0, row0), (col1, row0), (col1, row1), (col0, row1), (col0, row0))
    ]
    xs, ys = zip(*corners)
    geometry = {"type": "Polygon", "coordinates": [corners]}
    return LabelledFeature(feature_id, code, geometry, (min(xs), min(ys), max(xs), max(ys)))


def test_patches_across_chunk_seams_are_found_once_and_cut_exactly(tmp_path, monkeypatch):
    monkeypatch.setattr(candidates, "CHUNK", 64)  # many seams on a small raster
    transform = from_origin(1000.0, 2000.0, 2.0, 2.0)
    rng = np.random.default_rng(0)
    data = rng.integers(1, 60000, (3, 200, 200), dtype=np.uint16)
    path = tmp_path / "r.tif"
    with rasterio.open(
        path, "w", driver="GTiff", width=200, height=200, count=3, dtype="uint16", crs="EPSG:3857", transform=transform
    ) as dst:
        dst.write(data)
    features = [square(10, 1, transform, 20, 30, 140, 100), square(11, 2, transform, 50, 110, 190, 180)]
    config = SamplingConfig(
        str(path),
        features,
        [ClassEntry(1, "a", "#ff0000"), ClassEntry(2, "b", "#00ff00")],
        str(tmp_path / "ds"),
        patch_size=16,
        stride=8,
        min_class_share=0.0,
        validation_fraction=0.0,
    )
    result = sample_patches(config)
    dataset = open_dataset(result.dataset_path)

    # Brute force: grid centres (offset stride // 2) whose pixel centre is inside a square, patch inside the raster.
    expected = []
    for feature_id, (row0, col0, row1, col1) in ((10, (20, 30, 140, 100)), (11, (50, 110, 190, 180))):
        for row in range(4, 200, 8):
            for col in range(4, 200, 8):
                if row0 <= row < row1 and col0 <= col < col1 and 8 <= row <= 192 and 8 <= col <= 192:
                    expected.append((feature_id, row, col))
    cols, rows = ~transform * (dataset.centres[:, 0], dataset.centres[:, 1])
    found = sorted(
        zip(dataset.groups.tolist(), np.round(rows).astype(int).tolist(), np.round(cols).astype(int).tolist())
    )
    assert found == sorted(expected)
    for index, (row, col) in enumerate(zip(np.round(rows).astype(int), np.round(cols).astype(int))):
        assert np.array_equal(dataset.patches[index], data[:, row - 8 : row + 8, col - 8 : col + 8])
    assert dataset.metadata["counts"]["validation"] == {"1": 0, "2": 0}


def test_polygons_smaller_than_the_patch_still_give_patches_and_thin_classes_are_named(tmp_path):
    # 10 x 10 px polygons hold a tenth of a 32 px patch: against the whole patch they would all be refused,
    # and the default grid (16 px) would miss most of them. Coarse pixels and small polygons look like this.
    transform = from_origin(0.0, 300.0, 1.0, 1.0)
    data = np.random.default_rng(1).integers(1, 200, (2, 300, 300), dtype=np.uint8)
    path = tmp_path / "coarse.tif"
    with rasterio.open(
        path, "w", driver="GTiff", width=300, height=300, count=2, dtype="uint8", crs="EPSG:32631", transform=transform
    ) as dst:
        dst.write(data)
    features = [
        square(i, 1 + i % 2, transform, 40 + 50 * (i // 4), 40 + 50 * (i % 4), 50 + 50 * (i // 4), 50 + 50 * (i % 4))
        for i in range(16)
    ]
    features.append(square(99, 3, transform, 250, 250, 253, 253))  # one tiny polygon (9 px) of a third class
    classes = [ClassEntry(1, "a", "#000000"), ClassEntry(2, "b", "#ffffff"), ClassEntry(3, "tiny", "#ff0000")]
    result = sample_patches(SamplingConfig(str(path), features, classes, str(tmp_path / "ds"), patch_size=32))
    dataset = open_dataset(result.dataset_path)
    per_feature = np.bincount(dataset.groups, minlength=100)
    assert np.all(per_feature[:16] >= 16)  # about sixteen centres each on the tightened grid (2 px)
    assert per_feature[99] >= 1
    warnings = result.metadata["warnings"]
    assert any("'tiny'" in w and "too few to learn from" in w and "Digitise more" in w for w in warnings)
    assert not any("'a'" in w and "too few" in w for w in warnings)


# Datasets of a small seeded scene: seeds, caps, lone polygons, cancel ------------------------------------


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """A 192 x 192 px scene of three classes, each in at least four polygons, as engine features."""
    made = make_scene(tmp_path_factory.mktemp("scene"), cells=4, cell=48, classes=CLASSES[:3], seed=3)
    return made, engine_features(made), [ClassEntry(code, name, PALETTE[code]) for code, name, _ in CLASSES[:3]]


def scene_config(scene, output, **options) -> SamplingConfig:
    made, features, classes = scene
    options = {"patch_size": 8, "stride": 4, "validation_fraction": 0.3, **options}
    return SamplingConfig(str(made.raster), features, classes, str(output), **options)


def files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_the_same_seed_gives_the_same_dataset_byte_for_byte(scene, tmp_path):
    first = sample_patches(scene_config(scene, tmp_path / "first", seed=7, max_per_class=40))
    again = sample_patches(scene_config(scene, tmp_path / "again", seed=7, max_per_class=40))
    other = sample_patches(scene_config(scene, tmp_path / "other", seed=8, max_per_class=40))
    made, written = files(first.dataset_path), files(again.dataset_path)
    assert set(made) == {ds.METADATA_FILE, ds.PATCHES_FILE, ds.MASKS_FILE, ds.FEATURES_FILE} | {
        ds.array_file(name) for name in (*ds.ARRAY_FILES, ds.CLASSIFIABLE)
    }
    for name in set(made) - {ds.METADATA_FILE}:
        assert made[name] == written[name], name
    metadata, repeated = (json.loads(files[ds.METADATA_FILE]) for files in (made, written))
    metadata.pop("created"), repeated.pop("created")  # the only difference: when
    assert metadata == repeated
    # A seed decides: another one splits the polygons and picks the capped patches otherwise.
    assert files(other.dataset_path)[ds.PATCHES_FILE] != made[ds.PATCHES_FILE]
    assert not np.array_equal(other.split, first.split) or not np.array_equal(other.centres, first.centres)


def test_max_per_class_caps_the_patches_of_every_class(scene, tmp_path):
    uncapped = open_dataset(sample_patches(scene_config(scene, tmp_path / "all")).dataset_path)
    counts = dict(zip(*np.unique(uncapped.labels, return_counts=True)))
    cap = int(min(counts.values())) - 5  # below every class's count
    capped = open_dataset(sample_patches(scene_config(scene, tmp_path / "capped", max_per_class=cap)).dataset_path)
    assert dict(zip(*np.unique(capped.labels, return_counts=True))) == {code: cap for code in counts}
    excess = sum(int(count) - cap for count in counts.values())
    assert capped.metadata["rejected"]["over the per-class cap"] == excess
    # The capped patches are some of the others, each with its pixels, class and split (the cap comes last).
    where = {tuple(centre): index for index, centre in enumerate(uncapped.centres.tolist())}
    kept = [where[tuple(centre)] for centre in capped.centres.tolist()]
    np.testing.assert_array_equal(np.asarray(capped.patches), np.asarray(uncapped.patches)[kept])
    np.testing.assert_array_equal(capped.labels, uncapped.labels[kept])
    np.testing.assert_array_equal(capped.split, uncapped.split[kept])
    assert capped.metadata["sampling"]["max_per_class"] == cap


def test_a_class_with_a_single_polygon_goes_to_training_with_a_warning(scene, tmp_path):
    made, features, classes = scene
    lone = classes[2]
    first_of_lone = next(f for f in features if f.code == lone.code)
    kept = [f for f in features if f.code != lone.code or f is first_of_lone]
    progress = Recorder()
    result = sample_patches(scene_config((made, kept, classes), tmp_path / "dataset"), progress)
    (warning,) = [w for w in progress.warnings if "only one feature" in w]
    assert warning == (
        f"Class '{lone.name}' has only one feature on the raster, so it cannot be both trained and validated without "
        "leaking: it goes to training and will not be validated. Digitise at least one more feature of this class."
    )
    assert warning in result.metadata["warnings"]
    dataset = open_dataset(result.dataset_path)
    of_lone = dataset.labels == lone.code
    assert of_lone.any() and (dataset.split[of_lone] == ds.TRAIN).all()
    assert set(dataset.groups[of_lone].tolist()) == {first_of_lone.feature_id}
    for entry in classes[:2]:  # the others are validated
        assert (dataset.split[dataset.labels == entry.code] == ds.VALIDATION).any()
    assert dataset.metadata["counts"]["validation"][str(lone.code)] == 0


class CancelInCopy(Recorder):
    """Cancels once the copy of the selected patches (80 to 90 %) has passed its first batches."""

    def is_canceled(self) -> bool:
        return 81 < self.percent < 90


def test_cancel_while_copying_patches_leaves_nothing_half_written(scene, tmp_path, monkeypatch):
    monkeypatch.setattr(patch_copy, "COPY_BATCH", 16)  # many batches: the cancel falls in the middle of the copy
    output = tmp_path / "new" / "dataset"
    progress = CancelInCopy()
    with pytest.raises(CanceledError):
        sample_patches(scene_config(scene, output), progress)
    assert 81 < progress.percent < 90  # stopped inside the copy
    assert not (tmp_path / "new").exists()  # the folders this run created are gone, with what it wrote
    earlier = sample_patches(scene_config(scene, output, seed=5)).dataset_path
    before = files(earlier)
    with pytest.raises(CanceledError):
        sample_patches(scene_config(scene, output), CancelInCopy())
    assert files(output) == before  # the earlier dataset as it was, no temporary folder beside it
    assert open_dataset(output).patches.shape[0] == json.loads(before[ds.METADATA_FILE])["count"]
