"""The translation sources: every text that algorithms/ and plugin/ pass to tr() or tr_noop() (and the help of
add_parameter()), kept in
i18n/imagette_<language>.ts for translators (Qt Linguist opens them; `make` builds the .qm Qt loads), and checked.

    python3 scripts/translations.py update [LANGUAGE]   # new texts added unfinished, gone ones marked vanished
    python3 scripts/translations.py check               # what is untranslated, vanished or loses a {placeholder}

Python's ast reads the code, with the standard library only, instead of pylupdate: pylupdate gives `self.tr` the
class's name as its context where Imagette has one context for all (the engine, the algorithms and the dialogs
share words), it does not know the engine's tr() and tr_noop(), and PyQt5's and PyQt6's differ. A text must be a
literal (implicitly joined literals too) to be collected: tr() of an f-string or a sum is refused, since the
translated text could not be looked up; translate a template, then fill it: tr("{count} patches").format(count=n).
"""

from __future__ import annotations

import argparse
import ast
import string
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from plugin.engine.i18n import CONTEXT, I18N_DIR, read_entries  # noqa: E402  (standard library only: no torch, no Qt)

SOURCE_FOLDERS = ("algorithms", "plugin")
# The calls whose argument (at this position) is translated: tr() itself, tr_noop() for text translated later from a
# variable, and the algorithms' add_parameter(parameter, help), which translates the help (algorithms/base.py).
MARKERS = {"tr": 0, "tr_noop": 0, "add_parameter": 1}
HEADER = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'


def called_name(call: ast.Call) -> str | None:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return None


def collect(root: Path = REPO) -> tuple[dict[str, list[str]], list[str]]:
    """The translatable texts in source order, each with the files using it, and the calls that cannot be collected."""
    found, refused = [], []
    for folder in SOURCE_FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), relative)):
                if not (isinstance(node, ast.Call) and called_name(node) in MARKERS):
                    continue
                position = MARKERS[str(called_name(node))]
                if len(node.args) <= position:
                    continue
                text = node.args[position]
                if isinstance(text, ast.Constant) and isinstance(text.value, str):
                    found.append((relative, node.lineno, node.col_offset, text.value))
                elif isinstance(text, (ast.JoinedStr, ast.BinOp)):
                    refused.append(
                        f"{relative}:{node.lineno}: {called_name(node)}() of a text built at run time cannot be "
                        "translated: pass a literal template and fill it with .format()"
                    )
    messages: dict[str, list[str]] = {}
    for relative, _, _, text in sorted(found):
        files = messages.setdefault(text, [])
        if relative not in files:
            files.append(relative)
    return messages, refused


def write_ts(path: Path, language: str, messages: dict[str, list[str]], entries: dict[str, tuple[str, str]]) -> None:
    """Writes the .ts: the messages in source order with their known translations, then the vanished ones."""
    root = ElementTree.Element("TS", version="2.1", language=language, sourcelanguage="en")
    context = ElementTree.SubElement(root, "context")
    ElementTree.SubElement(context, "name").text = CONTEXT
    vanished = {source: entry for source, entry in entries.items() if source not in messages}
    for source, files in [*messages.items(), *((source, []) for source in vanished)]:
        message = ElementTree.SubElement(context, "message")
        for relative in files:
            ElementTree.SubElement(message, "location", filename=f"../{relative}")
        ElementTree.SubElement(message, "source").text = source
        translation = ElementTree.SubElement(message, "translation")
        text, kind = entries.get(source, ("", "unfinished"))
        translation.text = text or None
        if source in vanished:
            translation.set("type", "vanished")
        elif kind or not text:
            translation.set("type", "unfinished")
    ElementTree.indent(root)
    path.write_text(HEADER + ElementTree.tostring(root, encoding="unicode") + "\n", encoding="utf-8")


def placeholders(text: str) -> list[str]:
    """The {fields} of a template, sorted; a text that is no template has none."""
    try:
        return sorted(field for _, field, _, _ in string.Formatter().parse(text) if field is not None)
    except ValueError:
        return []


def problems(root: Path = REPO) -> list[str]:
    """Everything that keeps a language from being complete, one line each; none when every text is translated."""
    messages, found = collect(root)
    found = list(found)
    for path in sorted((root / "i18n").glob("*.ts")):
        entries = read_entries(path)
        for source in messages:
            text, kind = entries.get(source, ("", "missing"))
            if kind or not text:
                found.append(f"{path.name}: {kind or 'empty'}: {source[:100]!r}")
            elif placeholders(text) != placeholders(source):
                found.append(
                    f"{path.name}: placeholders {placeholders(text)} instead of {placeholders(source)}: {source[:80]!r}"
                )
        found += [
            f"{path.name}: vanished from the code: {source[:100]!r}" for source in entries if source not in messages
        ]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    update = commands.add_parser("update", help="bring the .ts files (or a new LANGUAGE's) up to the code")
    update.add_argument("language", nargs="?", help="a language to add, e.g. de or pt_BR")
    commands.add_parser("check", help="list what is not translated; exit status 1 if anything is")
    arguments = parser.parse_args()
    if arguments.command == "check":
        found = problems()
        print("\n".join(found) or "Every text is translated.")
        return 1 if found else 0
    messages, refused = collect()
    if refused:
        print("\n".join(refused), file=sys.stderr)
        return 1
    paths = sorted(I18N_DIR.glob("*.ts"))
    if arguments.language:
        paths.append(I18N_DIR / f"imagette_{arguments.language}.ts")
    for path in dict.fromkeys(paths):
        language = path.stem.removeprefix("imagette_")
        write_ts(path, language, messages, read_entries(path) if path.is_file() else {})
        print(path.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
