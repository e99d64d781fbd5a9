"""imagette:checkenvironment: what Imagette will run on, and the exact command to fix what is missing."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    Qgis,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputString,
    QgsProcessingParameterFileDestination,
)

from ..plugin import deps
from ..plugin.engine.i18n import tr_noop
from .base import ImagetteAlgorithm

NBSP = "\u00a0"


class CheckEnvironment(ImagetteAlgorithm):
    NAME = "checkenvironment"
    DISPLAY_NAME = tr_noop("Check deep-learning environment")
    SHORT_DESCRIPTION = tr_noop(
        "Reports the versions, GPUs and pretrained weights Imagette can use, and how to fix what is missing."
    )
    TAGS = tr_noop("environment,torch,pytorch,cuda,gpu,install,version,diagnostic,troubleshooting,weights")
    HELP = tr_noop(
        "Reports what Imagette runs on: the versions of Imagette, QGIS, Python, numpy, rasterio, GDAL and PyTorch; "
        "whether PyTorch sees a CUDA or Apple MPS GPU, with device names and memory; which device 'auto' picks; "
        "where pretrained ResNet weights are looked for (the torch hub cache) and whether they are there; and the "
        "versions of onnx and ONNX Runtime, with ONNX Runtime's execution providers (optional: for ONNX export).\n\n"
        "When something is missing or wrong (PyTorch not installed or too old, a CPU-only PyTorch on a machine with "
        "an NVIDIA GPU, two different GDAL libraries in QGIS), the log gives the exact command to run for the "
        "Python that this QGIS uses. It runs without PyTorch or rasterio installed, and says what to install."
    )

    OUTPUT_REPORT = "OUTPUT_REPORT"
    REPORT = "REPORT"
    TORCH_VERSION = "TORCH_VERSION"
    CUDA_AVAILABLE = "CUDA_AVAILABLE"
    DEVICE = "DEVICE"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_parameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_REPORT,
                self.tr("Environment report"),
                self.tr("HTML files (*.html)"),
                optional=True,
                createByDefault=False,
            ),
            "Optional HTML file with the same report, to keep or to send along with a question or a bug report.",
        )
        # One line: Processing's dialog prints results as a Python dict, where a multi-line text reads as '\n's.
        self.addOutput(QgsProcessingOutputString(self.REPORT, self.tr("Summary (one line)")))
        self.addOutput(QgsProcessingOutputString(self.TORCH_VERSION, self.tr("PyTorch version (empty when missing)")))
        self.addOutput(QgsProcessingOutputBoolean(self.CUDA_AVAILABLE, self.tr("CUDA GPU available")))
        self.addOutput(QgsProcessingOutputString(self.DEVICE, self.tr("Device 'auto' uses (cuda, mps, cpu)")))

    def execute(self, parameters, context, feedback, progress):
        from osgeo import gdal

        environment = deps.check_environment({"QGIS": Qgis.QGIS_VERSION, deps.QGIS_GDAL_LABEL: gdal.__version__})
        # The log is HTML in the dialog: leading spaces collapse there, non-breaking ones keep the indentation.
        for line in environment.text(with_advice=False, indent=NBSP * 2).splitlines():
            progress.info(line)
        for item in environment.advice:
            progress.warning(item)
        if not environment.advice:
            progress.info(self.tr("Everything Imagette needs is in place."))
        results = {
            self.REPORT: environment.summary(),
            self.TORCH_VERSION: environment.torch_version,
            self.CUDA_AVAILABLE: environment.cuda_available,
            self.DEVICE: environment.device,
        }
        report = self.parameterAsFileOutput(parameters, self.OUTPUT_REPORT, context)
        if report:
            Path(report).write_text(environment.html(), encoding="utf-8")
            results[self.OUTPUT_REPORT] = report
        return results
