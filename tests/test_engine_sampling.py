"""The sampling engine alone, in plain Python with rasterio: chunk seams and the on-disk format."""

from __future__ import annotations

import numpy as np
import rasterio
from imagette.plugin.engine import sampling
from imagette.plugin.engine.classes import ClassEntry
from imagette.plugin.engine.dataset import open_dataset
from imagette.plugin.engine.sampling import LabelledFeature, SamplingConfig, sample_patches
from rasterio.transform import from_origin


def square(feature_id, code, transform, row0, col0, row1, col1):
    corners = [
        transform * (col, row) for col, row in ((col0, row0), (col1, row0), (col1, row1), (col0, row1), (col0, row0))
    ]
    xs, ys = zip(*corners)
    geometry = {"type": "Polygon", "coordinates": [corners]}
    return LabelledFeature(feature_id, code, geometry, (min(xs), min(ys), max(xs), max(ys)))


def test_patches_across_chunk_seams_are_found_once_and_cut_exactly(tmp_path, monkeypatch):
    monkeypatch.setattr(sampling, "CHUNK", 64)  # many seams on a small raster
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
    features.append(square(99, 3, transform, 250, 250, 256, 256))  # one tiny polygon of a third class
    classes = [ClassEntry(1, "a", "#000000"), ClassEntry(2, "b", "#ffffff"), ClassEntry(3, "tiny", "#ff0000")]
    result = sample_patches(SamplingConfig(str(path), features, classes, str(tmp_path / "ds"), patch_size=32))
    dataset = open_dataset(result.dataset_path)
    per_feature = np.bincount(dataset.groups, minlength=100)
    assert np.all(per_feature[:16] >= 4)  # about four centres each on the tightened grid (10 / 2 = 5 px)
    assert per_feature[99] >= 1
    warnings = result.metadata["warnings"]
    assert any("'tiny'" in w and "too few to learn from" in w and "Digitise more" in w for w in warnings)
    assert not any("'a'" in w and "too few" in w for w in warnings)
