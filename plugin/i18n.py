"""The plugin in QGIS's language: Qt's translator for it, and the engine's words pointed at Qt's translation.

QGIS's language is its setting `locale/userLocale` when `locale/overrideFlag` is on (Settings > Options > General),
else the system's, as QGIS itself chooses it. The translation is i18n/imagette_<language>.qm, built by `make` from
the .ts beside it; a language without one stays English. Adding a language is adding its .ts (docs/translating.md).
"""

from __future__ import annotations

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

from .engine import i18n

# The installed translator: Qt keeps only a pointer to it, so Python must keep it alive.
_translator: QTranslator | None = None


def tr(text: str) -> str:
    """text in QGIS's language (the engine's tr(), for the plugin's own modules)."""
    return QCoreApplication.translate(i18n.CONTEXT, text)


def qgis_locale() -> str:
    """The locale QGIS speaks ('fr_FR', 'en_US'), as QGIS chooses it at start-up."""
    settings = QgsSettings()
    if settings.value("locale/overrideFlag", False, type=bool):
        chosen = settings.value("locale/userLocale", "", type=str)
        if chosen:
            return chosen
    return QLocale.system().name()


def install_translation(locale_name: str | None = None) -> bool:
    """Installs the translation of locale_name (by default QGIS's), replacing the one installed before, and points
    the engine's words at it. Returns whether a translation was found (False: English)."""
    global _translator
    if _translator is not None:
        QCoreApplication.removeTranslator(_translator)
        _translator = None
    i18n.set_translation(tr)
    path = i18n.ts_path(qgis_locale() if locale_name is None else locale_name)
    if path is None:
        return False
    translator = QTranslator()
    if not translator.load(str(path.with_suffix(".qm"))):
        return False  # a working copy where `make` has not built the .qm yet
    QCoreApplication.installTranslator(translator)
    _translator = translator
    return True
