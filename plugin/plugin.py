"""The QGIS plugin: registers the Processing provider. No logic lives here."""

from qgis.core import QgsApplication

from .provider import ImagetteProvider


class ImagettePlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None

    def initProcessing(self):  # noqa: N802 (QGIS calls it, also in qgis_process)
        self.provider = ImagetteProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
