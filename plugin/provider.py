"""The Processing provider: id 'imagette', one line per algorithm."""

from pathlib import Path

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..algorithms.sample_patches import SamplePatches

ICON = Path(__file__).resolve().parents[1] / "icon.svg"


class ImagetteProvider(QgsProcessingProvider):
    def id(self):
        return "imagette"

    def name(self):
        return "Imagette"

    def longName(self):  # noqa: N802
        return "Imagette: land-cover mapping with CNNs"

    def icon(self):
        return QIcon(str(ICON))

    def loadAlgorithms(self):  # noqa: N802
        self.addAlgorithm(SamplePatches())
