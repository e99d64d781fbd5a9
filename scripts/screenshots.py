"""Screenshots for the user guide (docs/images/*.png), taken from the real QGIS GUI with Imagette.

Run by hand, not by the tests, when a dialog, a help text or a style changes; then look at every image and
commit them:

    .venv/bin/python scripts/screenshots.py [--output docs/images] [--work /tmp/imagette-example] [--reuse]

It starts its own virtual X server (Xvfb, Debian package xvfb) unless DISPLAY is set, and runs QGIS with its
GUI (QT_QPA_PLATFORM=xcb) in a throw-away profile under the work folder: your QGIS settings are not touched.
It builds the seeded scene of `make demo` (demo/run_demo.py) in the work folder, runs sampling, training
(the demo's U-Net, on the CPU or the GPU) and classification through processing.run (a minute or two on two
CPU cores), then:
- opens the Processing dialog of each algorithm (processing.gui's AlgorithmDialog, as the toolbox does),
  filled with those files, and grabs it: samplepatches.png, trainclassifier.png, classifyraster.png,
  assessaccuracy.png;
- renders the classification with the style QGIS loads from its .qml, the training polygons over it and its
  legend, through a print layout: classification.png.
Images are saved as 8-bit palette PNGs (a fraction of the size, no visible loss on dialogs and class maps)
and their sizes printed. With --language fr, QGIS and Imagette speak French and only the dialogs are grabbed, as
<name>_fr.png (docs/fr/ shows them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from demo.run_demo import ARCHITECTURE, CELL, CELLS, EPOCHS, PATCH_SIZE, training_regions  # noqa: E402
from tests.headless import plugin_dir, virtual_display  # noqa: E402
from tests.scenes import make_scene, write_polygons  # noqa: E402

DIALOG_SIZE = (900, 560)  # pixels: the guide's images are about 900 px wide; taller when the parameters need it
MAX_DIALOG_HEIGHT = 900
LAYOUT_DPI = 110


def save_png(image, path: Path) -> None:
    """Saves a QImage or QPixmap as an 8-bit palette PNG, compressed as much as Qt can."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QImage, QPixmap

    if isinstance(image, QPixmap):
        image = image.toImage()
    image = image.convertToFormat(QImage.Format.Format_RGB32).convertToFormat(
        QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither
    )
    if not image.save(str(path), "PNG", 0):
        raise RuntimeError(f"Qt could not write {path}")


def chain_parameters(paths: dict, raster, polygons) -> dict:
    """Parameters of sampling, training and classification on the example's files; the raster and polygons as
    paths (to run them) or as the project's layers (to fill the dialogs)."""
    return {
        "samplepatches": {
            "INPUT_RASTER": raster,
            "INPUT_VECTOR": polygons,
            "CLASS_FIELD": "classe",
            "PATCH_SIZE": PATCH_SIZE,
            "OUTPUT_DATASET": str(paths["dataset"]),
        },
        "trainclassifier": {
            "DATASET": str(paths["dataset"]),
            "ARCHITECTURE": ARCHITECTURE,
            "EPOCHS": EPOCHS,
            "OUTPUT_MODEL": str(paths["model"]),
            "OUTPUT_REPORT": str(paths["report"]),
        },
        "classifyraster": {
            "INPUT_RASTER": raster,
            "MODEL": str(paths["model"]),
            "OUTPUT_CLASSIFICATION": str(paths["classification"]),
        },
    }


def run_chain(work: Path, reuse: bool) -> dict:
    """The demo's scene, sampled, trained on and classified through processing.run; returns the paths.

    With reuse, the files of an earlier run in work are taken as they are when they are all there.
    """
    import processing

    paths = {
        "raster": work / "ortho.tif",
        "polygons": work / "training_polygons.gpkg",
        "reference": work / "reference_polygons.gpkg",
        "dataset": work / "dataset",
        "footprints": work / "footprints.gpkg",
        "model": work / "landcover_unet.pt",
        "report": work / "training_report.html",
        "classification": work / "landcover.tif",
        "accuracy": work / "accuracy_report.html",
    }
    if reuse and all(path.exists() for name, path in paths.items() if name != "accuracy"):
        print(f"Reusing the example's files in {work}", flush=True)
        return paths
    scene = make_scene(work, cells=CELLS, cell=CELL, seed=7, name=paths["raster"].name)
    every_polygon = list(scene.polygons)
    training_regions(scene)  # keeps the demo's few training polygons per class in scene.polygons
    write_polygons(scene, paths["polygons"], styled=True)
    # The reference to assess against: the polygons of the regions without a training polygon, never seen.
    trained = set(map(id, scene.polygons))
    scene.polygons = [polygon for polygon in every_polygon if id(polygon) not in trained]
    write_polygons(scene, paths["reference"])
    steps = chain_parameters(paths, str(paths["raster"]), str(paths["polygons"]))
    steps["samplepatches"]["OUTPUT_FOOTPRINTS"] = str(paths["footprints"])
    for algorithm, parameters in steps.items():
        started = time.perf_counter()
        processing.run(f"imagette:{algorithm}", parameters)
        print(f"imagette:{algorithm} done in {time.perf_counter() - started:.0f} s", flush=True)
    return paths


def load_layers(paths: dict) -> dict:
    """The files as a person would have them in the project, named as QGIS names them on loading."""
    from qgis.core import QgsProject, QgsRasterLayer, QgsVectorLayer

    layers = {
        "raster": QgsRasterLayer(str(paths["raster"]), "ortho"),
        "polygons": QgsVectorLayer(str(paths["polygons"]), "training_polygons", "ogr"),
        "reference": QgsVectorLayer(str(paths["reference"]), "reference_polygons", "ogr"),
        # Named as Classify raster names the layer it loads: the model, then the raster.
        "classification": QgsRasterLayer(str(paths["classification"]), "landcover_unet — ortho"),
    }
    for name, layer in layers.items():
        if not layer.isValid():
            raise RuntimeError(f"QGIS cannot open the {name} layer {layer.source()}")
    if layers["classification"].renderer().type() != "paletted":
        raise RuntimeError(f"{paths['classification']} did not load with its paletted style (.qml)")
    QgsProject.instance().addMapLayers(list(layers.values()))
    QgsProject.instance().setCrs(layers["raster"].crs())
    return layers


def grab_dialogs(paths: dict, layers: dict, output: Path, suffix: str = "") -> list[Path]:
    """Opens each algorithm's Processing dialog filled with the example's files and grabs it as <name><suffix>.png."""
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.core import QgsApplication
    from qgis.PyQt.QtWidgets import QApplication, QLineEdit, QScrollArea, QTextBrowser

    def settle() -> None:
        for _ in range(20):  # layouts, the help panel's HTML and the combo boxes settle over a few event rounds
            QApplication.processEvents()
            time.sleep(0.05)

    def parameters_area(dialog) -> QScrollArea:
        """The scroll area of the parameters: the one that holds no other."""
        return next(area for area in dialog.findChildren(QScrollArea) if not area.findChildren(QScrollArea))

    dialogs = {
        **chain_parameters(paths, layers["raster"], layers["polygons"]),
        "assessaccuracy": {
            "INPUT_CLASSIFICATION": layers["classification"],
            "REFERENCE": layers["reference"],
            "CLASS_FIELD": "classe",
            "OUTPUT_REPORT": str(paths["accuracy"]),
        },
    }
    written = []
    for name, parameters in dialogs.items():
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(f"imagette:{name}")
        dialog = AlgorithmDialog(algorithm)
        dialog.setParameters(parameters)
        dialog.show()
        settle()
        dialog.resize(*DIALOG_SIZE)  # after show(): showing restores the size the last dialog closed with
        settle()
        # Tall enough to show every parameter without scrolling (advanced ones folded, as the dialog opens); the
        # panels lay themselves out again after each resize, so measure until nothing is hidden.
        for _ in range(5):
            area = parameters_area(dialog)
            missing = area.widget().sizeHint().height() - area.viewport().height()
            if missing <= 0 or dialog.height() >= MAX_DIALOG_HEIGHT:
                break
            dialog.resize(DIALOG_SIZE[0], min(dialog.height() + missing, MAX_DIALOG_HEIGHT))
            settle()
        for field in dialog.findChildren(QLineEdit):
            field.deselect()  # the focused field has its text selected, as if about to be typed over
        for browser in dialog.findChildren(QTextBrowser):
            browser.verticalScrollBar().setValue(0)  # the help from its title
        settle()
        target = output / f"{name}{suffix}.png"
        save_png(dialog.grab(), target)
        dialog.close()
        dialog.deleteLater()
        written.append(target)
    return written


def render_classification(layers: dict, target: Path) -> Path:
    """The classification in the style loaded from its .qml, the training polygons over it, and its legend."""
    from qgis.core import (
        QgsFillSymbol,
        QgsLayoutExporter,
        QgsLayoutItemLegend,
        QgsLayoutItemMap,
        QgsLayoutPoint,
        QgsLayoutSize,
        QgsMapLayerLegendUtils,
        QgsPrintLayout,
        QgsProject,
        QgsSingleSymbolRenderer,
    )
    from qgis.PyQt.QtCore import QSize

    classification, polygons = layers["classification"], layers["polygons"]
    outline = QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_color": "0,0,0", "outline_width": "0.5"})
    polygons.setRenderer(QgsSingleSymbolRenderer(outline))
    polygons.setName("Training polygons")

    layout = QgsPrintLayout(QgsProject.instance())
    layout.initializeDefaults()
    layout.pageCollection().page(0).setPageSize(QgsLayoutSize(206, 140))
    item = QgsLayoutItemMap(layout)
    layout.addLayoutItem(item)
    item.attemptMove(QgsLayoutPoint(5, 5))
    item.attemptResize(QgsLayoutSize(130, 130))
    item.setCrs(classification.crs())
    item.setLayers([polygons, classification])
    item.setExtent(classification.extent())
    item.setFrameEnabled(True)

    legend = QgsLayoutItemLegend(layout)
    legend.setTitle("")
    legend.setLinkedMap(item)
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.removeAllChildren()
    node = root.addLayer(classification)
    # The classes under the layer's name, without the band line QGIS puts above them.
    entries = len(legend.model().layerLegendNodes(node))
    QgsMapLayerLegendUtils.setLegendNodeOrder(node, list(range(1, entries)))
    legend.model().refreshLayerLegend(node)
    root.addLayer(polygons)
    layout.addLayoutItem(legend)
    legend.attemptMove(QgsLayoutPoint(140, 5))
    legend.updateLegend()

    # Rendered to an image rather than exported: the exporter would georeference the PNG in place.
    save_png(QgsLayoutExporter(layout).renderPageToImage(0, QSize(), LAYOUT_DPI), target)
    return target


def translate_qgis(language: str) -> None:
    """QGIS's own words (the dialog's buttons and tabs) and Imagette's in language, as QGIS set to it shows them."""
    from imagette.plugin.i18n import install_translation
    from qgis.core import QgsApplication
    from qgis.PyQt.QtCore import QTranslator

    qgis = QTranslator(QgsApplication.instance())  # parented: kept alive as long as the application
    if not qgis.load(f"qgis_{language}", QgsApplication.i18nPath()):
        raise RuntimeError(f"QGIS has no translation for {language} in {QgsApplication.i18nPath()}")
    QgsApplication.installTranslator(qgis)
    if not install_translation(language):
        raise RuntimeError(f"Imagette has no built translation for {language}: run make first")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "images", help="folder for the PNGs")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "imagette-example",
        help="folder for the example's files, emptied first; its paths show in the dialogs",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="take the example's files from an earlier run in --work, if all there"
    )
    parser.add_argument(
        "--language", help="QGIS's and Imagette's language, e.g. fr: the dialogs only, as <name>_fr.png"
    )
    arguments = parser.parse_args()
    work, output = arguments.work.resolve(), arguments.output.resolve()
    if not arguments.reuse:
        shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(work / "home", ignore_errors=True)
    (work / "home").mkdir(parents=True)
    output.mkdir(parents=True, exist_ok=True)

    with ExitStack() as stack:
        if not os.environ.get("DISPLAY"):
            try:
                os.environ["DISPLAY"] = stack.enter_context(virtual_display(work / "xvfb.log"))
            except RuntimeError as error:
                sys.exit(f"{error}, and DISPLAY is not set.")
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        os.environ["HOME"] = str(work / "home")  # a throw-away QGIS profile
        sys.path.insert(0, str(plugin_dir()))
        sys.path.append("/usr/share/qgis/python/plugins")
        from qgis.core import QgsApplication

        app = QgsApplication([], True)
        app.initQgis()
        from imagette.plugin.plugin import ImagettePlugin
        from processing.core.Processing import Processing

        Processing.initialize()
        plugin = ImagettePlugin(None)
        plugin.initProcessing()
        if arguments.language:
            translate_qgis(arguments.language)

        paths = run_chain(work, arguments.reuse)
        layers = load_layers(paths)
        written = grab_dialogs(paths, layers, output, f"_{arguments.language}" if arguments.language else "")
        if not arguments.language:
            written.append(render_classification(layers, output / "classification.png"))
        for path in written:
            print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: {path.stat().st_size // 1024} KB")
        print(f"Total: {sum(path.stat().st_size for path in written) // 1024} KB")
        QgsApplication.processingRegistry().removeProvider(plugin.provider)
        app.exitQgis()


if __name__ == "__main__":
    main()
