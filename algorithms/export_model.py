"""imagette:exportmodel: writes a trained model as ONNX, with its class table and normalisation as metadata."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
)

from ..plugin import deps
from ..plugin.compat import BEHAVIOR_FILE
from ..plugin.engine.i18n import tr_noop
from .base import ImagetteAlgorithm

# Order of onnxfile.FLAVOURS: a public contract.
FORMAT_LABELS = (
    tr_noop("Imagette (ONNX Runtime, any program)"),
    tr_noop("Deepness (QGIS plugin; segmentation networks only)"),
)


class ExportModel(ImagetteAlgorithm):
    NAME = "exportmodel"
    DISPLAY_NAME = tr_noop("Export model to ONNX")
    SHORT_DESCRIPTION = tr_noop(
        "Exports a trained model as ONNX, with its classes and normalisation, for use without PyTorch."
    )
    TAGS = tr_noop("onnx,onnxruntime,export,deepness,model,deploy,interoperability,deep learning,cnn,u-net")
    NEEDS_TORCH = True
    HELP = tr_noop(
        "Writes the network of a model file from 'Train patch classifier' as an ONNX file, which ONNX Runtime "
        "runs on CPUs and GPUs without PyTorch. The file carries what classification needs as ONNX metadata: the "
        "class table (codes, names, colours), band count and names, normalisation, patch size, kind of network, "
        "architecture, pixel size, CRS and the software versions.\n\n"
        "Imagette format: the network as it is, for any program with ONNX Runtime. Its input is the band values "
        "normalised with the model's mean and standard deviation; it takes tiles of any size. A U-Net gives class "
        "scores per pixel; a patch classifier gives them at each position of its feature map, and a patch's scores "
        "are the average of its positions (the guide says how to read them).\n\n"
        "Deepness format: a U-Net ready for the Deepness plugin, loaded and run without editing: normalisation and "
        "class probabilities are inside the file, with Deepness's keys (model type, class names, resolution, tile "
        "size and overlap). Deepness runs segmentation networks only: a patch classifier is refused.\n\n"
        "Exporting needs PyTorch and the onnx package; the guide says what each format is for."
    )

    MODEL = "MODEL"
    FORMAT = "FORMAT"
    OUTPUT_ONNX = "OUTPUT_ONNX"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_parameter(
            QgsProcessingParameterFile(
                self.MODEL, self.tr("Model file"), BEHAVIOR_FILE, fileFilter=self.tr("Imagette model (*.pt)")
            ),
            "A model file written by 'Train patch classifier'. Model files hold only data: opening one never runs code.",
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.FORMAT, self.tr("Format"), [self.tr(label) for label in FORMAT_LABELS], defaultValue=0
            ),
            "Imagette: the network with Imagette's metadata, for ONNX Runtime in any program. Deepness: a U-Net that "
            "the Deepness plugin runs as it is (normalisation and probabilities inside, Deepness's metadata keys).",
        )
        self.add_parameter(
            QgsProcessingParameterFileDestination(self.OUTPUT_ONNX, self.tr("ONNX model"), self.tr("ONNX (*.onnx)")),
            "The ONNX file to write (.onnx).",
        )

    def checkParameterValues(self, parameters, context):  # noqa: N802
        """Refuses a run where the onnx package is missing, before it starts, with what to install."""
        if deps.torch_available() and not deps.onnx_available():
            return False, deps.onnx_advice()
        return super().checkParameterValues(parameters, context)

    def execute(self, parameters, context, feedback, progress):
        from ..plugin.engine.onnx_export import export_onnx
        from ..plugin.engine.onnxfile import FLAVOURS, import_problem

        problem = import_problem("onnx")
        if problem is not None:  # a caller that skipped checkParameterValues, or a broken onnx
            raise QgsProcessingException(f"{deps.onnx_advice()}\n({problem})")
        output = self.parameterAsFileOutput(parameters, self.OUTPUT_ONNX, context)
        export_onnx(
            self.parameterAsFile(parameters, self.MODEL, context),
            output,
            FLAVOURS[self.parameterAsEnum(parameters, self.FORMAT, context)],
            progress,
        )
        return {self.OUTPUT_ONNX: output}
