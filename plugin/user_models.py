"""Editable copies of the shipped graphical models, in the user's own models folder.

QGIS edits only the models of its Models and Project providers (the toolbox's Edit Model… is offered for no other):
the shipped models, listed by Imagette's provider, are read-only. Copied into the folder the Models provider reads
(Processing's option "Models folder", the first one where there are several, which is also where the Model Designer
saves), a model lists under Models, where the designer opens it, and the person's changes stay theirs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from qgis.core import Qgis, QgsApplication

from ..algorithms.shipped_models import MODELS_DIR
from .i18n import tr
from .tasks import push_message

MODELS_PROVIDER = "model"  # Processing's Models provider


def models_folder() -> Path:
    """The user's models folder, where the Models provider reads the models and the Model Designer saves them."""
    from processing.modeler.ModelerUtils import ModelerUtils  # Processing's plugin: loaded by now in the desktop

    return Path(ModelerUtils.modelsFolders()[0])


def copy_shipped_models(folder: Path) -> tuple[list[Path], list[Path]]:
    """Copies each shipped model file into folder, where no file has its name: a copy made before, maybe edited since,
    is left as it is. Reloads the Models provider, so that the copies list at once.

    Returns:
        (the copies made, the copies already there).

    Raises:
        OSError: folder cannot be written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for shipped in sorted(MODELS_DIR.glob("*.model3")):
        copy = folder / shipped.name
        if copy.exists():
            kept.append(copy)
        else:
            shutil.copyfile(shipped, copy)
            copied.append(copy)
    provider = QgsApplication.processingRegistry().providerById(MODELS_PROVIDER)
    if provider is not None:
        provider.refreshAlgorithms()
    return copied, kept


def copy_and_tell(iface) -> None:
    """The menu action: copies the shipped models into the user's models folder and says where they list."""
    folder = models_folder()
    try:
        copied, kept = copy_shipped_models(folder)
    except OSError as error:
        text = tr("Cannot copy the land-cover models into your models folder '{folder}': {error}").format(
            folder=folder, error=error.strerror or error
        )
        push_message(iface.messageBar(), "Imagette", text, Qgis.MessageLevel.Critical)
        return
    group = QgsApplication.processingRegistry().algorithmById("imagette:landcover").group()
    where = tr(
        "They are in the Processing Toolbox under Models > {group}: right-click one > Edit Model… to adapt it in the "
        "Model Designer."
    ).format(group=group)
    if copied:
        text = tr("The land-cover models were copied to your models. {where}").format(where=where)
    else:
        text = tr("Your models already hold the land-cover models, left as they are. {where}").format(where=where)
    details = [text, "", *(str(path) for path in copied + kept)]
    if kept:
        details += ["", tr("To copy a model again, rename or delete its copy first: a copy is never replaced.")]
    push_message(iface.messageBar(), "Imagette", text, Qgis.MessageLevel.Success, details="\n".join(details))
