"""The Processing provider: id 'imagette', one line per algorithm."""

from pathlib import Path

from qgis.core import QgsApplication, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..algorithms.assess_accuracy import AssessAccuracy
from ..algorithms.check_environment import CheckEnvironment
from ..algorithms.classify_raster import ClassifyRaster
from ..algorithms.export_model import ExportModel
from ..algorithms.sample_patches import SamplePatches
from ..algorithms.shipped_models import shipped_models
from ..algorithms.train_classifier import TrainClassifier
from .i18n import tr

ICON = Path(__file__).resolve().parents[1] / "icon.svg"


class ImagetteProvider(QgsProcessingProvider):
    def __init__(self):
        super().__init__()
        # Shipped models chain Imagette's own algorithms, which the registry finds only once this provider
        # is added: loading once more then resolves their steps, so their outputs are declared.
        self.models_resolved = False
        QgsApplication.processingRegistry().providerAdded.connect(self.reload_when_added)

    def reload_when_added(self, provider_id):
        if provider_id == self.id() and not self.models_resolved:
            self.models_resolved = True
            self.refreshAlgorithms()

    def id(self):
        return "imagette"

    def name(self):
        return "Imagette"

    def longName(self):  # noqa: N802
        return tr("Imagette: land-cover mapping with CNNs")

    def icon(self):
        return QIcon(str(ICON))

    def loadAlgorithms(self):  # noqa: N802
        self.addAlgorithm(SamplePatches())
        self.addAlgorithm(TrainClassifier())
        self.addAlgorithm(ClassifyRaster())
        self.addAlgorithm(CheckEnvironment())
        self.addAlgorithm(AssessAccuracy())
        self.addAlgorithm(ExportModel())
        for model in shipped_models():
            self.addAlgorithm(model)
