"""QGIS 4 runs on Qt6: the plugin's Python checked against PyQt6 itself and against the running QGIS.

`make test` installs PyQt6 from PyPI in the venv; it is imported in a subprocess, away from the PyQt5 this QGIS 3
loads. Every Python file of the plugin (what scripts/package.py puts in the zip) is parsed, and it fails on:
- a name from `qgis.PyQt` that PyQt6 lacks, with every attribute after it: an unscoped enum (`Qt.AlignLeft`: write
  `Qt.AlignmentFlag.AlignLeft`), a class Qt6 dropped (`QRegExp`: use QRegularExpression), ...;
- `exec_` (write `exec()`), a `QVariant` type outside plugin/compat.py (field types come from there), an import of
  `PyQt5` or of a bare `sip`, compiled resources (pyrcc modules, .qrc files);
- a QGIS enum member not reached through its enum (`QgsFeatureSink.FastInsert`: write `QgsFeatureSink.Flag.FastInsert`)
  or reached through a home that the running QGIS only keeps as an alias (from 3.36 `QgsProcessing.SourceType` is
  `Qgis.ProcessingSourceType`, and QGIS 4 drops the alias: take it from plugin/compat.py), and a QGIS name the running
  QGIS lacks. plugin/compat.py, which names both homes on purpose, is held only to the PyQt6 rules.
Names bound to an imported name (`number = QgsProcessingParameterNumber`) are followed.
"""

from __future__ import annotations

import ast
import configparser
import enum
import importlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from qgis.core import Qgis

from scripts.package import plugin_files
from tests.headless import REPO

COMPAT = Path("plugin/compat.py")
# What QGIS's own qgis.PyQt modules add to PyQt6's for Qt5 code: QAction, QActionGroup and QShortcut moved from
# QtWidgets to QtGui in Qt6, and QGIS serves them from both (qgis/QGIS#55658, #57467).
SHIMMED = {"QtWidgets": {"QAction": "QtGui", "QActionGroup": "QtGui", "QShortcut": "QtGui"}}
QGIS_MODULES = ("qgis.core", "qgis.gui", "qgis.analysis")
# Findings left, for now, in files whose owners are changing them, without their line numbers: a finding not listed
# fails, and a listed one that is gone fails too, asking to remove it here, so this list only shrinks.
PENDING: dict[str, set[str]] = {}

RESOLVE_IN_PYQT6 = """
import importlib, json, sys
shimmed = json.loads(sys.argv[1])
missing = []
for module, path in json.load(sys.stdin):
    try:
        home = shimmed.get(module, {}).get(path[0], module) if path else module
        value = importlib.import_module("PyQt6." + home)
        for name in path:
            value = getattr(value, name)
    except (ImportError, AttributeError):
        missing.append([module, path])
print(json.dumps(missing))
"""


@dataclass(frozen=True)
class Use:
    """A name imported from qgis.PyQt or qgis.core/gui, with the attributes read from it, where the source has it."""

    line: int
    origin: str  # "qt" or "qgis"
    module: str  # QtCore, QtWidgets, sip... or qgis.core
    path: tuple[str, ...]  # ("Qt", "AlignmentFlag", "AlignLeft")

    def __str__(self) -> str:
        return f"line {self.line}: {'.'.join(self.path) or self.module}"


def imported_names(tree: ast.AST) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Local name -> (origin, module, path) for every name imported from qgis.PyQt or QGIS, and names bound to them."""
    names: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                local = alias.asname or alias.name
                if node.module == "qgis.PyQt":
                    names[local] = ("qt", alias.name, ())
                elif node.module.startswith("qgis.PyQt."):
                    names[local] = ("qt", node.module.split(".")[2], (alias.name,))
                elif node.module in QGIS_MODULES:
                    names[local] = ("qgis", node.module, (alias.name,))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Name)
            and node.value.id in names
        ):
            names[node.targets[0].id] = names[node.value.id]
    return names


def uses(tree: ast.AST) -> list[Use]:
    """Every imported name and every longest chain of attributes read from one."""
    names = imported_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if (alias.asname or alias.name) in names and names[alias.asname or alias.name][2]:
                    origin, module, path = names[alias.asname or alias.name]
                    found.append(Use(node.lineno, origin, module, path))
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.value is node:
            continue  # not the longest chain
        attributes, root = [], node
        while isinstance(root, ast.Attribute):
            attributes.insert(0, root.attr)
            root = root.value
        if isinstance(root, ast.Name) and root.id in names:
            origin, module, path = names[root.id]
            found.append(Use(node.lineno, origin, module, path + tuple(attributes)))
    return found


def is_enum_member(value) -> bool:
    return isinstance(value, enum.Enum) or type(type(value)).__name__ == "enumtype"  # sip's enums under PyQt5


def qgis_finding(use: Use, in_compat: bool) -> str | None:
    """What is wrong with a QGIS name on QGIS 4, as far as the running QGIS tells."""
    owners, value = [], importlib.import_module(use.module)
    for name in use.path:
        owners.append(value)
        try:
            value = getattr(value, name)
        except AttributeError:
            return None if in_compat else f"{use}: not in QGIS {Qgis.QGIS_VERSION}"
    if not is_enum_member(value):
        return None
    kind = type(value)
    member = value.name if isinstance(value, enum.Enum) else use.path[-1]
    scoped = f"{kind.__qualname__}.{member}"
    if owners[-1] is not kind:
        return f"{use}: an enum member outside its enum; write {scoped}"
    if not in_compat and use.path[-2] != kind.__name__:
        return (
            f"{use}: {'.'.join(use.path[:-1])} is an alias of {kind.__qualname__}, gone in QGIS 4; use plugin/compat.py"
        )
    return None


def syntax_findings(tree: ast.AST, in_compat: bool) -> list[str]:
    """exec_, QRegExp, PyQt5 and bare sip imports, QVariant types outside the compatibility module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "exec_":
            found.append(f"line {node.lineno}: exec_(): write exec()")
        if isinstance(node, ast.Name) and node.id.startswith("QRegExp"):
            found.append(f"line {node.lineno}: {node.id}: Qt6 has no QRegExp; use QRegularExpression")
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
            if any(alias.name.startswith("QRegExp") for alias in node.names):
                found.append(f"line {node.lineno}: QRegExp: Qt6 has no QRegExp; use QRegularExpression")
        else:
            continue
        for module in modules:
            if module.split(".")[0] in ("PyQt5", "PyQt4", "sip"):
                found.append(f"line {node.lineno}: import {module}: import from qgis.PyQt")
    if not in_compat:
        for use in uses(tree):
            if use.origin == "qt" and use.path[:1] == ("QVariant",) and len(use.path) > 1:
                found.append(f"{use}: QVariant types are gone in Qt6; take field types from plugin/compat.py")
    return found


def qt_uses(tree: ast.AST, in_compat: bool) -> list[Use]:
    """The qgis.PyQt names to look up in PyQt6 (the compatibility module's QVariant branch runs on Qt5 only)."""
    return [u for u in uses(tree) if u.origin == "qt" and not (in_compat and u.path[:1] == ("QVariant",))]


def missing_in_pyqt6(found: list[Use]) -> set[tuple[str, tuple[str, ...]]]:
    """The (module, path) pairs PyQt6 does not have, looked up in a fresh interpreter."""
    pairs = sorted({(use.module, use.path) for use in found})
    process = subprocess.run(
        [sys.executable, "-c", RESOLVE_IN_PYQT6, json.dumps(SHIMMED)],
        input=json.dumps(pairs),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, f"PyQt6 did not import: `make test` installs it (PIP_PACKAGES)\n{process.stderr}"
    return {(module, tuple(path)) for module, path in json.loads(process.stdout)}


def findings(source: str, in_compat: bool, missing: set[tuple[str, tuple[str, ...]]]) -> list[str]:
    tree = ast.parse(source)
    found = syntax_findings(tree, in_compat)
    found += [f"{use}: not in PyQt6" for use in qt_uses(tree, in_compat) if (use.module, use.path) in missing]
    found += [f for use in uses(tree) if use.origin == "qgis" and (f := qgis_finding(use, in_compat))]
    return sorted(set(found), key=lambda finding: (int(finding.split()[1].rstrip(":")), finding))


PLUGIN_SOURCES = sorted(path for path in plugin_files() if path.suffix == ".py")
# The check on itself: every Qt5-only idiom the module docstring names, and its Qt6 form, which passes.
QT5_SAMPLE = """
from PyQt5.QtCore import QSettings
from qgis.core import QgsFeatureSink, QgsProcessingParameterFile, QgsProcessingParameterNumber
from qgis.PyQt.QtCore import QRegExp, Qt, QVariant
from qgis.PyQt.QtWidgets import QDialog, QMessageBox
number = QgsProcessingParameterNumber
align = Qt.AlignLeft
QMessageBox(QMessageBox.Critical, "", "").exec_()
kind = QVariant.Int
flag = QgsFeatureSink.FastInsert
integer = number.Integer
folder = QgsProcessingParameterFile.Behavior.Folder
"""
QT6_SAMPLE = """
from qgis.core import Qgis, QgsFeatureSink
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QAction, QDialog, QMessageBox
align = Qt.AlignmentFlag.AlignLeft
QMessageBox(QMessageBox.Icon.Critical, "", "").exec()
flag = QgsFeatureSink.Flag.FastInsert
level = Qgis.MessageLevel.Warning
QAction("x").triggered.connect(print)
"""


@pytest.fixture(scope="module")
def missing():
    found = [use for path in PLUGIN_SOURCES for use in qt_uses(ast.parse((REPO / path).read_text()), path == COMPAT)]
    found += qt_uses(ast.parse(QT5_SAMPLE), False) + qt_uses(ast.parse(QT6_SAMPLE), False)
    return missing_in_pyqt6(found)


def test_the_check_sees_every_qt5_idiom_and_passes_their_qt6_forms(missing):
    expected = [
        "line 2: import PyQt5.QtCore: import from qgis.PyQt",
        "line 4: QRegExp: Qt6 has no QRegExp; use QRegularExpression",
        "line 4: QRegExp: not in PyQt6",
        "line 7: Qt.AlignLeft: not in PyQt6",
        "line 8: QMessageBox.Critical: not in PyQt6",
        "line 8: exec_(): write exec()",
        "line 9: QVariant.Int: QVariant types are gone in Qt6; take field types from plugin/compat.py",
        "line 9: QVariant.Int: not in PyQt6",
        # The rest of these messages names the enum's home in the running QGIS.
        "line 10: QgsFeatureSink.FastInsert: an enum member outside its enum; write QgsFeatureSink.Flag.FastInsert",
        "line 11: QgsProcessingParameterNumber.Integer: an enum member outside its enum; write ",
    ]
    if hasattr(Qgis, "ProcessingFileParameterBehavior"):  # QGIS 3.36+: the old home is an alias
        expected.append(
            "line 12: QgsProcessingParameterFile.Behavior.Folder: QgsProcessingParameterFile.Behavior is an alias"
        )
    found = findings(QT5_SAMPLE, False, missing)
    assert len(found) == len(expected) and all(f.startswith(e) for f, e in zip(found, expected)), found
    assert findings(QT6_SAMPLE, False, missing) == []


@pytest.mark.parametrize("path", PLUGIN_SOURCES, ids=str)
def test_plugin_source_has_no_qt5_only_idiom(path, missing):
    found = findings((REPO / path).read_text(encoding="utf-8"), path == COMPAT, missing)
    pending = PENDING.get(path.as_posix(), set())
    assert [finding for finding in found if finding.split(": ", 1)[1] not in pending] == [], (
        f"{path}: Qt5-only idioms (see this test's docstring; plugin/compat.py has the enums QGIS moved)"
    )
    assert pending - {finding.split(": ", 1)[1] for finding in found} == set(), (
        f"{path}: fixed, remove these from PENDING in tests/plugin/test_qt6.py"
    )


def test_no_compiled_resources():
    """pyrcc5 modules import PyQt5 and Qt6 has no pyrcc: icons are files the plugin opens by path."""
    compiled = [
        str(path)
        for path in plugin_files()
        if path.suffix == ".qrc"
        or path.name.endswith("_rc.py")
        or (path.suffix == ".py" and "qt_resource_data" in (REPO / path).read_text(encoding="utf-8"))
    ]
    assert compiled == []


def test_metadata_declares_qgis_3_22_to_4():
    """QGIS 4's plugin manager and plugins.qgis.org read qgisMaximumVersion (an absent one means 3.99)."""
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read(REPO / "metadata.txt", encoding="utf-8")
    general = metadata["general"]
    assert general["qgisMinimumVersion"] == "3.22"
    assert 4 <= float(general["qgisMaximumVersion"]) < 5
    assert general["supportsQt6"] == "True"
