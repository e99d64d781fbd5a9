"""Graphical models (.model3) shipped in the plugin's models/ folder, listed among Imagette's algorithms.

The provider loads them itself rather than adding models/ to the user's model folders: nothing in
the user's settings changes, and they appear (and run, also in qgis_process) as soon as the plugin
is enabled and vanish with it.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingException, QgsProcessingModelAlgorithm

from .base import GROUP_ID

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
FILE_PREFIX = "imagette_"


class ShippedModel(QgsProcessingModelAlgorithm):
    """A model file under a lower-case id from its file name: models/imagette_landcover.model3 is imagette:landcover.

    A model's name is also its display name, so the id is taken from the file name instead, and
    the group id is set to Imagette's (a model file stores only the group's display name).
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        if not self.fromFile(str(self.path)):
            raise QgsProcessingException(f"Cannot read the model file '{self.path}'. Reinstall the plugin.")
        self.setSourceFilePath(str(self.path))

    def name(self):
        return self.path.stem.removeprefix(FILE_PREFIX)

    def groupId(self):  # noqa: N802
        return GROUP_ID

    def tags(self):
        """The tags of its steps (a model file holds none)."""
        steps = (child.algorithm() for child in self.childAlgorithms().values())
        return list(dict.fromkeys(tag for step in steps if step is not None for tag in step.tags()))

    def createInstance(self):  # noqa: N802
        return ShippedModel(self.path)


def shipped_models() -> list[ShippedModel]:
    return [ShippedModel(path) for path in sorted(MODELS_DIR.glob("*.model3"))]
