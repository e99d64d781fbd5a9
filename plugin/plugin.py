"""The QGIS plugin: registers the Processing provider and the menu actions. No logic lives here."""

from qgis.core import QgsApplication
from qgis.PyQt import sip
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from .i18n import install_translation, tr
from .provider import ICON, ImagetteProvider

MENU = "&Imagette"


class ImagettePlugin:
    def __init__(self, iface):
        self.iface = iface
        install_translation()  # here, not in initGui: qgis_process creates the plugin and calls only initProcessing
        self.provider = None
        self.train_action = None
        self.copy_models_action = None
        # Python must keep the dialog (a Python subclass) alive while it is open, or its Run does nothing.
        self.training_dialog = None

    def initProcessing(self):  # noqa: N802 (QGIS calls it, also in qgis_process)
        self.provider = ImagetteProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()
        self.train_action = QAction(
            QIcon(str(ICON)), tr("Train patch classifier in background…"), self.iface.mainWindow()
        )
        self.train_action.triggered.connect(self.train_in_background)
        self.iface.addPluginToRasterMenu(MENU, self.train_action)
        self.iface.addRasterToolBarIcon(self.train_action)
        # The shipped models are read-only in QGIS: a copy in the user's models is one the Model Designer edits.
        self.copy_models_action = QAction(tr("Copy the land-cover models to my models"), self.iface.mainWindow())
        self.copy_models_action.triggered.connect(self.copy_models)
        self.iface.addPluginToRasterMenu(MENU, self.copy_models_action)

    def train_in_background(self):
        from .tasks import open_training_dialog  # imported on use: nothing extra at QGIS start-up

        dialog = self.training_dialog
        if dialog is not None and not sip.isdeleted(dialog) and dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
            return
        self.training_dialog = open_training_dialog(self.iface)

    def copy_models(self):
        from .user_models import copy_and_tell  # imported on use, as above

        copy_and_tell(self.iface)

    def unload(self):
        if self.training_dialog is not None and not sip.isdeleted(self.training_dialog):
            self.training_dialog.close()
            self.training_dialog.deleteLater()
        self.training_dialog = None
        if self.train_action is not None:
            self.iface.removePluginRasterMenu(MENU, self.train_action)
            self.iface.removeRasterToolBarIcon(self.train_action)
            self.train_action.deleteLater()  # its parent, the main window, outlives the plugin
            self.train_action = None
        if self.copy_models_action is not None:
            self.iface.removePluginRasterMenu(MENU, self.copy_models_action)
            self.copy_models_action.deleteLater()
            self.copy_models_action = None
        # Python must keep the dialog (a Python subclass) alive while it is open, or its Run does nothing.
        self.training_dialog = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
