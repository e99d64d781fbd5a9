"""imagette:classifyraster: classifies a whole raster with a trained model into a styled land-cover layer."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsRasterLayer,
)

from ..plugin import deps, styling
from ..plugin.compat import BEHAVIOR_FILE, NUMBER_INTEGER
from ..plugin.engine.choices import (
    DEVICE_LABELS,
    DEVICES,
    ENGINE_LABELS,
    ENGINES,
    METHOD_LABELS,
    METHODS,
    ONNX_RUNTIME,
    PYTORCH,
    engine_for,
)
from ..plugin.engine.errors import ImagetteError
from ..plugin.engine.i18n import tr_noop
from .base import ImagetteAlgorithm


class ClassifyRaster(ImagetteAlgorithm):
    NAME = "classifyraster"
    NEEDS_RASTERIO = True
    DISPLAY_NAME = tr_noop("Classify raster")
    SHORT_DESCRIPTION = tr_noop("Classifies a whole raster with a trained model into a styled land-cover layer.")
    TAGS = tr_noop(
        "classify,classification,predict,inference,land cover,map,cnn,deep learning,resnet,raster,onnx,onnxruntime"
    )
    NEEDS_TORCH = True
    HELP = tr_noop(
        "Classifies every part of a raster with a model file written by 'Train patch classifier', and writes a "
        "GeoTIFF of class codes, styled with the model's class names and colours. A model exported by 'Export model "
        "to ONNX' in the Imagette format (.onnx) runs with ONNX Runtime instead, without PyTorch, with the same "
        "methods, and gives the same map. So does a segmentation model made for the Deepness plugin (.onnx with "
        "Deepness's metadata, model type Segmentor), run as Deepness runs it.\n\n"
        "Output pixel size, in input pixels: an output pixel is that many input pixels on a side. A patch "
        "classifier gives it the class of the patch centred on it (by default an output pixel is an eighth of the "
        "patch); a U-Net classifies at full resolution by default (an output pixel is 1 input pixel). "
        "Output pixels whose patch would leave the raster, or whose centre is nodata, are nodata (0). The output "
        "is in the raster's CRS; class codes are those of the training classes.\n\n"
        "The dense method evaluates the network once over each tile of the raster and is many times faster; it "
        "differs from the per-patch reference only in that a patch sees its real surroundings instead of zero "
        "padding at its border. The per-patch method is there to check results, and for small areas.\n\n"
        "The raster must have the bands the model was trained on, in the same order; a different pixel size or "
        "CRS gives a warning. The style is saved beside the GeoTIFF (.qml), the GeoTIFF carries a colour table "
        "and category names (in its .aux.xml), and the loaded layer is named after the model and the raster "
        "('model — raster'). The confidence raster opens on a colour ramp from 0 (unsure) to 1 (sure)."
    )

    INPUT_RASTER = "INPUT_RASTER"
    MODEL = "MODEL"
    DEVICE = "DEVICE"
    BATCH_SIZE = "BATCH_SIZE"
    STRIDE = "STRIDE"
    METHOD = "METHOD"
    EXTENT = "EXTENT"
    OUTPUT_CLASSIFICATION = "OUTPUT_CLASSIFICATION"
    OUTPUT_CONFIDENCE = "OUTPUT_CONFIDENCE"
    ENGINE = "ENGINE"

    def initAlgorithm(self, config=None):  # noqa: N802
        number = QgsProcessingParameterNumber
        self.add_parameter(
            QgsProcessingParameterRasterLayer(self.INPUT_RASTER, self.tr("Input raster")),
            "The image to classify, with the same bands, in the same order, as the raster the model was trained on.",
        )
        self.add_parameter(
            QgsProcessingParameterFile(
                self.MODEL,
                self.tr("Model file"),
                BEHAVIOR_FILE,
                fileFilter=self.tr("Imagette model (*.pt *.onnx)"),
            ),
            "A model file written by 'Train patch classifier' (.pt, run with PyTorch), or exported from one by 'Export "
            "model to ONNX' (.onnx, run with ONNX Runtime: PyTorch not needed), or a segmentation model made for the "
            "Deepness plugin (.onnx). Model files hold only data: opening one never runs code.",
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.DEVICE, self.tr("Device"), [self.tr(label) for label in DEVICE_LABELS], defaultValue=0
            ),
            "Where the network runs. Auto takes a CUDA GPU, then an Apple GPU, then the CPU with all its cores, "
            "and the log says which.",
        )
        self.add_parameter(
            number(
                self.STRIDE,
                self.tr("Output pixel size, in input pixels (0 = automatic)"),
                NUMBER_INTEGER,
                0,
                minValue=0,
            ),
            "Output pixel size, in input pixels: an output pixel is that many input pixels on a side. 0 chooses it: "
            "an eighth of the patch for a patch classifier (4 for 32 px patches; each output pixel gets the class of "
            "the patch centred on it, which resolves details of about half a patch), 1 input pixel (full "
            "resolution) for a U-Net. 1 with a patch classifier gives a class per input pixel, slowly.",
        )
        self.add_parameter(
            QgsProcessingParameterExtent(self.EXTENT, self.tr("Extent to classify"), optional=True),
            "Classify only this area (in any CRS); empty classifies the whole raster. The output snaps to the grid "
            "of output pixels.",
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.METHOD, self.tr("Method"), [self.tr(label) for label in METHOD_LABELS], defaultValue=0
            ),
            "Dense evaluates the network once over each tile: many times faster. Per-patch runs the network on every "
            "patch alone, as in training: the exact reference, to check results on small areas.",
            advanced=True,
        )
        self.add_parameter(
            number(
                self.BATCH_SIZE, self.tr("Batch size (0 = sized to the device's memory)"), NUMBER_INTEGER, 0, minValue=0
            ),
            "Patches evaluated at once (per-patch method); the dense method uses tiles needing as much memory. "
            "When the GPU runs out of memory, batches (and tiles) are halved and the run goes on; the log gives the "
            "batch size to set next time.",
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterRasterDestination(self.OUTPUT_CLASSIFICATION, self.tr("Classification")),
            "GeoTIFF of class codes (0 = nodata), with its style (.qml) and category names (.aux.xml) beside it.",
        )
        self.add_parameter(
            QgsProcessingParameterRasterDestination(
                self.OUTPUT_CONFIDENCE, self.tr("Confidence"), optional=True, createByDefault=False
            ),
            "Optional GeoTIFF of the probability the model gives its chosen class (0 to 1; 0 = nodata): low values "
            "show where the map is uncertain.",
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.ENGINE, self.tr("Engine"), [self.tr(label) for label in ENGINE_LABELS], defaultValue=0
            ),
            "What runs the network. Auto follows the model: PyTorch for a model file (.pt), ONNX Runtime for a model "
            "exported by 'Export model to ONNX' (.onnx). Choosing one refuses a model it cannot run, before any work.",
            advanced=True,
        )

    def _engine(self, parameters, context) -> str:
        """The engine that runs this model, or an ImagetteError saying why the one asked for cannot run it."""
        model = self.parameterAsFile(parameters, self.MODEL, context)
        return engine_for(model, ENGINES[self.parameterAsEnum(parameters, self.ENGINE, context)])

    def needs_torch(self, parameters, context) -> bool:
        """Only PyTorch's engine needs torch: an exported ONNX model runs with ONNX Runtime."""
        try:
            return self._engine(parameters, context) == PYTORCH
        except ImagetteError:  # refused by checkParameterValues, or by the engine for a caller that skipped it
            return False

    def checkParameterValues(self, parameters, context):  # noqa: N802
        """Refuses an engine that cannot run the model, or that is not installed, before the run starts."""
        if self.parameterAsFile(parameters, self.MODEL, context):  # no model: the mandatory check says so
            try:
                engine = self._engine(parameters, context)
            except ImagetteError as error:
                return False, str(error)
            if engine == ONNX_RUNTIME and not deps.onnxruntime_available():
                return False, deps.onnxruntime_advice()
        return super().checkParameterValues(parameters, context)

    def execute(self, parameters, context, feedback, progress):
        from ..plugin.engine.inference import InferenceConfig, classify_raster

        raster = self.parameterAsRasterLayer(parameters, self.INPUT_RASTER, context)
        if raster is None:
            raise QgsProcessingException(self.invalidRasterError(parameters, self.INPUT_RASTER))
        extent = None
        if parameters.get(self.EXTENT) is not None:
            rectangle = self.parameterAsExtent(parameters, self.EXTENT, context, raster.crs())
            if not rectangle.isNull():
                extent = (rectangle.xMinimum(), rectangle.yMinimum(), rectangle.xMaximum(), rectangle.yMaximum())
        confidence = self.parameterAsOutputLayer(parameters, self.OUTPUT_CONFIDENCE, context) or None
        config = InferenceConfig(
            raster_path=raster.source(),
            model_path=self.parameterAsFile(parameters, self.MODEL, context),
            output_path=self.parameterAsOutputLayer(parameters, self.OUTPUT_CLASSIFICATION, context),
            confidence_path=confidence,
            device=DEVICES[self.parameterAsEnum(parameters, self.DEVICE, context)],
            batch_size=self.parameterAsInt(parameters, self.BATCH_SIZE, context),
            stride=self.parameterAsInt(parameters, self.STRIDE, context),
            method=METHODS[self.parameterAsEnum(parameters, self.METHOD, context)],
            extent=extent,
            engine=ENGINES[self.parameterAsEnum(parameters, self.ENGINE, context)],
        )
        # The style is written before the outputs replace earlier ones: a failure leaves those as they were.
        result = classify_raster(config, progress, style=styling.save_default_style)
        # Named after the model and the raster, so that two runs can be told apart in the layers panel.
        run_name = f"{result.model_name} — {raster.name()}"
        styling.style_when_loaded(context, config.output_path, result.classes, run_name)
        if confidence:
            styling.style_when_loaded(context, confidence, None, self.tr("{name} (confidence)").format(name=run_name))
        outputs = {self.OUTPUT_CLASSIFICATION: config.output_path}
        if confidence:
            outputs[self.OUTPUT_CONFIDENCE] = confidence
        for path in outputs.values():
            # Into the run's layers, where QGIS looks a path up before opening it: a graphical model's later steps
            # (their expression variables) found nothing there and opened the GeoTIFF as a vector layer first ("[OGR]
            # Cannot open …_map.tif" in the log). The layer loaded on completion is then this one.
            context.temporaryLayerStore().addMapLayer(QgsRasterLayer(path, Path(path).stem, "gdal"))
        return outputs
