"""`make demo`: a land-cover map from a synthetic scene, end to end through qgis_process, into demo-output/.

Builds the seeded demo scene (tests/scenes.py: five classes that differ by texture as well as
colour; poplar plantations and forest only by texture) with training polygons over part of it,
runs Imagette's three algorithms with qgis_process.bin as a user would (DEVICE auto: the GPU when
there is one), training a U-Net that maps every pixel, renders a map with QGIS's own print layout, and prints the validation scores, the
agreement with the scene's true classes where no polygon was drawn, and the output paths.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import rasterio

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.headless import QgisProcess, plugin_dir  # noqa: E402

sys.path.insert(0, str(plugin_dir()))  # the checkout as the package 'imagette', which tests/scenes.py imports
from tests.scenes import CLASSES, make_scene, write_polygons  # noqa: E402

OUTPUT = REPO / "demo-output"
CELLS, CELL = 6, 128  # a 768 x 768 px scene of 36 square regions, one class each
POLYGONS_PER_CLASS = 4  # regions of each class with a training polygon; the others are mapped unseen
PATCH_SIZE = 64  # segmentation learns from context: 64 px and more
ARCHITECTURE = 4  # U-Net (from scratch): one class per pixel, at the image's resolution
EPOCHS = 6  # the map-level macro-F1 is near 1 within a few epochs; keeps the demo to minutes on 2 cores
MAP_DPI = 150


def training_regions(scene) -> set[int]:
    """Keeps POLYGONS_PER_CLASS polygons of each class in scene.polygons; returns their regions (row * CELLS + col)."""
    kept, regions, per_class = [], set(), defaultdict(int)
    for code, name, ring in scene.polygons:
        if per_class[code] < POLYGONS_PER_CLASS:
            per_class[code] += 1
            kept.append((code, name, ring))
            col, row = ~scene.transform * ring[0]
            regions.add(int(row) // scene.cell * CELLS + int(col) // scene.cell)
    scene.polygons = kept
    return regions


def agreement(scene, classification: Path, codes_by_name: dict[str, int], seen: set[int]) -> tuple:
    """Share of classified pixels whose class is the scene's true class, in unseen regions and overall."""
    with rasterio.open(classification) as src:
        predicted = src.read(1)
        rows, cols = np.mgrid[0 : src.height, 0 : src.width]
        xs, ys = src.transform * (cols + 0.5, rows + 0.5)  # output pixel centres
    in_cols, in_rows = (np.floor(v).astype(int) for v in ~scene.transform * (xs, ys))
    lookup = np.zeros(max(code for code, _, _ in CLASSES) + 1, dtype=int)
    for code, name, _ in CLASSES:
        lookup[code] = codes_by_name[name]  # text classes were recoded 1..K by name
    truth = lookup[scene.truth[in_rows, in_cols]]
    scored = (predicted > 0) & (scene.truth[in_rows, in_cols] > 0)
    regions = in_rows // scene.cell * CELLS + in_cols // scene.cell
    unseen = scored & ~np.isin(regions, list(seen))
    correct = predicted == truth
    return correct[unseen].mean(), int(unseen.sum()), correct[scored].mean(), int(scored.sum())


def render_map(image_path: Path, polygons_path: Path, classification: Path, png: Path, subtitle: str) -> None:
    """The image with its training polygons beside the styled classification and its legend, drawn by QGIS."""
    from qgis.core import (
        QgsContrastEnhancement,
        QgsFillSymbol,
        QgsLayoutExporter,
        QgsLayoutItemLabel,
        QgsLayoutItemLegend,
        QgsLayoutItemMap,
        QgsLayoutPoint,
        QgsLayoutSize,
        QgsLegendRenderer,
        QgsLegendStyle,
        QgsMapLayerLegendUtils,
        QgsMultiBandColorRenderer,
        QgsPrintLayout,
        QgsProject,
        QgsRasterLayer,
        QgsRasterMinMaxOrigin,
        QgsSingleSymbolRenderer,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QFont

    project = QgsProject.instance()
    image = QgsRasterLayer(str(image_path), "Image")
    image.setRenderer(QgsMultiBandColorRenderer(image.dataProvider(), 3, 2, 1))  # bands: blue, green, red, nir
    image.setContrastEnhancement(QgsContrastEnhancement.StretchToMinimumMaximum, QgsRasterMinMaxOrigin.CumulativeCut)
    polygons = QgsVectorLayer(f"{polygons_path}|layername=labels", "Training polygons", "ogr")
    outline = QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_color": "255,255,255", "outline_width": "0.5"})
    polygons.setRenderer(QgsSingleSymbolRenderer(outline))
    classes = QgsRasterLayer(str(classification), "Land cover")  # styled by the .qml written beside it
    if classes.renderer().type() != "paletted":
        raise RuntimeError(f"{classification} did not load with its paletted style: {classes.renderer().type()}")
    project.addMapLayers([image, polygons, classes])
    project.setCrs(image.crs())

    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.pageCollection().page(0).setPageSize(QgsLayoutSize(290, 150))

    def label(text: str, x: float, y: float, width: float, size: int, bold: bool = False) -> None:
        item = QgsLayoutItemLabel(layout)
        item.setText(text)
        font = QFont()
        font.setPointSize(size)
        font.setBold(bold)
        item.setFont(font)
        layout.addLayoutItem(item)
        item.attemptMove(QgsLayoutPoint(x, y))
        item.attemptResize(QgsLayoutSize(width, size * 0.6))

    label("Imagette demo: land cover from a few labelled polygons", 8, 4, 270, 16, bold=True)
    label(subtitle, 8, 13, 270, 9)
    maps = []
    for index, (layers, caption) in enumerate(
        (([polygons, image], "Image (true colour) and training polygons"), ([classes], "Classification"))
    ):
        item = QgsLayoutItemMap(layout)
        layout.addLayoutItem(item)
        item.attemptMove(QgsLayoutPoint(8 + 112 * index, 22))
        item.attemptResize(QgsLayoutSize(108, 108))
        item.setCrs(image.crs())
        item.setLayers(layers)
        item.setExtent(image.extent())
        item.setFrameEnabled(True)
        label(caption, 8 + 112 * index, 132, 108, 9)
        maps.append(item)
    legend = QgsLayoutItemLegend(layout)
    legend.setTitle("Land cover")
    legend.setLinkedMap(maps[1])
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.removeAllChildren()
    node = root.addLayer(classes)
    # Only the classes: no layer name (the legend's title says it) and no band name line above them.
    QgsLegendRenderer.setNodeLegendStyle(node, QgsLegendStyle.Hidden)
    entries = len(legend.model().layerLegendNodes(node))
    QgsMapLayerLegendUtils.setLegendNodeOrder(node, list(range(1, entries)))
    legend.model().refreshLayerLegend(node)
    layout.addLayoutItem(legend)
    legend.attemptMove(QgsLayoutPoint(234, 22))
    legend.updateLegend()

    # Rendered to an image rather than exported: the exporter would try to georeference the PNG in place.
    if not QgsLayoutExporter(layout).renderPageToImage(0, QSize(), MAP_DPI).save(str(png)):
        raise RuntimeError(f"QGIS could not render the map to {png}")


def main() -> None:
    from qgis.core import QgsApplication

    started = time.perf_counter()
    shutil.rmtree(OUTPUT, ignore_errors=True)
    OUTPUT.mkdir()
    app = QgsApplication([], False)  # in-process QGIS: writes the polygons and renders the map
    app.initQgis()

    scene = make_scene(OUTPUT, cells=CELLS, cell=CELL, seed=7)
    seen = training_regions(scene)
    polygons = write_polygons(scene, OUTPUT / "training_polygons.gpkg", styled=True)
    print(
        f"Scene {scene.raster} ({CELLS * CELL} x {CELLS * CELL} px, 4 bands), {len(scene.polygons)} training polygons"
    )

    paths = {
        "dataset": OUTPUT / "dataset",
        "footprints": OUTPUT / "footprints.gpkg",
        "model": OUTPUT / "model.pt",
        "report": OUTPUT / "report.html",
        "classification": OUTPUT / "classification.tif",
        "confidence": OUTPUT / "confidence.tif",
        "map": OUTPUT / "map.png",
    }
    steps = (
        (
            "samplepatches",
            {
                "INPUT_RASTER": scene.raster,
                "INPUT_VECTOR": polygons,
                "CLASS_FIELD": "classe",
                "PATCH_SIZE": PATCH_SIZE,
                "OUTPUT_DATASET": paths["dataset"],
                "OUTPUT_FOOTPRINTS": paths["footprints"],
            },
        ),
        (
            "trainclassifier",
            {
                "DATASET": paths["dataset"],
                "ARCHITECTURE": ARCHITECTURE,
                "EPOCHS": EPOCHS,
                "DEVICE": 0,
                "OUTPUT_MODEL": paths["model"],
                "OUTPUT_REPORT": paths["report"],
            },
        ),
        (
            "classifyraster",
            {
                "INPUT_RASTER": scene.raster,
                "MODEL": paths["model"],
                "DEVICE": 0,
                "OUTPUT_CLASSIFICATION": paths["classification"],
                "OUTPUT_CONFIDENCE": paths["confidence"],
            },
        ),
    )
    results = {}
    with tempfile.TemporaryDirectory(prefix="imagette-demo-profile-") as home:
        qgis = QgisProcess(Path(home))
        for algorithm, parameters in steps:
            step_start = time.perf_counter()
            results[algorithm] = qgis.run(f"imagette:{algorithm}", parameters)["results"]
            print(f"imagette:{algorithm} done in {time.perf_counter() - step_start:.0f} s")

    sampled, trained = results["samplepatches"], results["trainclassifier"]
    classes = json.loads((paths["dataset"] / "dataset.json").read_text(encoding="utf-8"))["classes"]
    unseen_share, unseen_count, overall_share, overall_count = agreement(
        scene, paths["classification"], {entry["name"]: entry["code"] for entry in classes}, seen
    )
    subtitle = (
        f"{int(sampled['TRAINING_PATCHES'])} training and {int(sampled['VALIDATION_PATCHES'])} validation patches of "
        f"{PATCH_SIZE} px; U-Net, map macro-F1 on validation polygons {trained['MACRO_F1']:.2f}; "
        f"{unseen_share:.0%} agreement with the true classes in regions without polygons"
    )
    render_map(scene.raster, polygons, paths["classification"], paths["map"], subtitle)
    app.exitQgis()

    print("\nValidation: the map on the polygons held out by the split, never seen in training:")
    print(
        f"  overall accuracy {trained['OVERALL_ACCURACY']:.3f}, macro-F1 {trained['MACRO_F1']:.3f}, kappa {trained['KAPPA']:.3f}"
    )
    print("Agreement of the map with the scene's true classes:")
    print(f"  {unseen_share:.1%} of {unseen_count} output pixels in regions without any training polygon")
    print(f"  {overall_share:.1%} of all {overall_count} classified output pixels")
    print("\nOutputs:")
    for name, path in paths.items():
        print(f"  {name:15} {path}")
    print(f"  {'style':15} {paths['classification'].with_suffix('.qml')}")
    print(f"\nDemo finished in {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
