"""Words a person reads, in their language: the engine's translation hook, free of Qt and QGIS.

The engine passes such text through tr(); whoever runs the engine says where translations come from:
- the plugin points the hook at Qt's translation (plugin/i18n.py), which follows QGIS's language setting;
- the command line calls use_locale(), which follows the system locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) and
  reads the translations from i18n/imagette_<language>.ts with the standard library. The .ts is read rather than
  the .qm that Qt uses: the .ts is the source the repository keeps (the .qm is built by `make`, and a `pip install`
  of the engine does not build it), it is plain XML, and reading Qt's binary .qm would mean keeping a parser of a
  format that only Qt documents by its code.
Until then, and for any language without a .ts, the text stays English. Text with values is translated as a template,
then filled: tr("{count} patches").format(count=count). scripts/translations.py collects the text of every tr() and
tr_noop() call into the .ts files.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Mapping
from pathlib import Path

CONTEXT = "Imagette"  # the one translation context of the plugin, the engine and the algorithms
I18N_DIR = Path(__file__).resolve().parents[2] / "i18n"
FILE_PREFIX = "imagette_"
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext's order

_translate: Callable[[str], str] | None = None


def tr(text: str) -> str:
    """text in the chosen language, or as it is (English) when there is no translation."""
    return text if _translate is None else _translate(text)


def tr_noop(text: str) -> str:
    """Marks text for the .ts files where it is translated later, from a variable (Qt's QT_TRANSLATE_NOOP)."""
    return text


def set_translation(translate: Callable[[str], str] | None) -> None:
    """Makes tr() call translate (None: English)."""
    global _translate
    _translate = translate


def ts_path(locale_name: str, folder: Path = I18N_DIR) -> Path | None:
    """The .ts file for a locale name ('fr_FR', 'fr', 'fr-CA'): the region's own file, else the language's; None for
    a language without one."""
    name = locale_name.replace("-", "_")
    for candidate in (name, name.split("_")[0]):
        path = folder / f"{FILE_PREFIX}{candidate}.ts"
        if candidate and path.is_file():
            return path
    return None


def read_entries(path: Path) -> dict[str, tuple[str, str]]:
    """Every message of a .ts file's Imagette context: (translation, its type: '' when finished, else unfinished,
    vanished or obsolete), by source text."""
    entries = {}
    for context in ElementTree.parse(path).getroot().iter("context"):
        if context.findtext("name") != CONTEXT:
            continue
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = "unfinished" if translation is None else translation.get("type", "")
            text = "" if translation is None else translation.text or ""
            entries[message.findtext("source") or ""] = (text, kind)
    return entries


def read_ts(path: Path) -> dict[str, str]:
    """The finished translations of a .ts file's Imagette context, by source text: English is better than a draft."""
    return {source: text for source, (text, kind) in read_entries(path).items() if text and not kind}


def environment_locale(environ: Mapping[str, str] = os.environ) -> str:
    """The locale the system asks for ('fr_FR'), gettext-style; '' for C and POSIX (English)."""
    for variable in _LOCALE_VARIABLES:
        value = environ.get(variable, "").split(":")[0]
        if value:
            name = value.split(".")[0].split("@")[0]
            return "" if name in ("C", "POSIX") else name
    return ""


def use_locale(locale_name: str | None = None) -> None:
    """Makes tr() follow a locale (by default the system's, environment_locale()) from its .ts file; English when
    there is none."""
    path = ts_path(environment_locale() if locale_name is None else locale_name)
    if path is None:
        set_translation(None)
        return
    translations = read_ts(path)
    set_translation(lambda text: translations.get(text, text))
