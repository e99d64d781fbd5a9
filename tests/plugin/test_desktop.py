"""The real desktop path of background training, under a virtual X server (Xvfb).

Each test runs tests/desktop_session.py in its own process with QgsApplication's GUI on the Xvfb
display (QT_QPA_PLATFORM=xcb), so the display-less QgsApplication of this process is left alone.
Skipped, saying why, where Xvfb is missing or does not start (`make test` installs Debian's xvfb).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.headless import REPO, import_blocker, virtual_display

pytestmark = pytest.mark.desktop
SESSION = REPO / "tests" / "desktop_session.py"
START_S = 20


@pytest.fixture(scope="module")
def display(tmp_path_factory):
    """A fresh Xvfb display (':N'), stopped after the module's tests."""
    stack = ExitStack()
    try:
        name = stack.enter_context(virtual_display(tmp_path_factory.mktemp("xvfb") / "xvfb.log", START_S))
    except RuntimeError as error:
        pytest.skip(f"{error}: desktop tests skipped")
    with stack:
        yield name


def desktop_session(display, scenario: str, folder, blocked: tuple[str, ...] = ()) -> dict:
    """Runs one desktop session and returns what it saw."""
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "HOME": str(folder / "home")}
    if blocked:
        blocker = import_blocker(folder / "blocker", *blocked)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(blocker), env.get("PYTHONPATH", "")) if p)
    process = subprocess.run(
        [sys.executable, str(SESSION), scenario, str(folder)], env=env, capture_output=True, text=True, timeout=600
    )
    lines = [line for line in process.stdout.splitlines() if line.startswith("DESKTOP-RESULT ")]
    assert process.returncode == 0 and lines, f"{process.stdout[-3000:]}\n{process.stderr[-5000:]}"
    return json.loads(lines[-1].removeprefix("DESKTOP-RESULT "))


@pytest.mark.slow
def test_menu_action_runs_training_as_a_task_and_tells_how_it_ended(display, tmp_path):
    seen = desktop_session(display, "train", tmp_path)
    assert seen["menu_titles"] == ["&Imagette"]

    finished = seen["finished"]
    # The dialog found among the windows after a garbage collection is still the plugin's subclass.
    assert finished["dialog_class"] == "BackgroundTrainingDialog"
    assert finished["tasks_in_manager"] == ["Executing “Train patch classifier”"]
    assert finished["dialog_visible_after_run"] is False
    assert (
        "Training started in the background: progress and cancel in the task manager." in finished["started_messages"]
    )
    assert finished["ended"]
    # One short line, the whole story behind Details: the scores and where the model and the report are.
    assert finished["result_message"]["text"].startswith("Training finished: map macro-F1 ")
    assert finished["result_message"]["text"].endswith(" on the validation polygons.")
    assert finished["result_message"]["buttons"] == ["Details…", "Open report"]
    assert finished["details"].startswith("The map scores macro-F1 ")
    assert f"Model: {tmp_path / 'finished.pt'}\nReport: {tmp_path / 'finished.html'}" in finished["details"]

    # A folder that is not a dataset is refused by the dialog, which stays open, before any task.
    failed = seen["failed"]
    assert failed["tasks_in_manager"] == [] and failed["dialog_visible_after_run"] is True
    # Its first sentence (cut where long: the path is), the whole behind Details.
    assert failed["dialog_message"]["buttons"] == ["Details…"]
    assert failed["details"].startswith(failed["dialog_message"]["text"].removesuffix("…"))
    assert failed["details"] == (
        f"'{tmp_path / 'empty'}' is not an Imagette dataset: it has no dataset.json. "
        "Choose the folder written by 'Sample training patches'."
    )

    canceled = seen["canceled"]
    assert canceled["epoch_1_seen"] and canceled["ended"]
    assert canceled["result_message"]["text"].startswith("Training canceled; the best model so far was saved")
    assert canceled["result_message"]["buttons"] == ["Details…", "Open report"]
    # One truth: the message says what the log says.
    assert "The run was canceled: the scores are patch-level, the map was not scored." in canceled["details"]
    assert "map macro-F1" not in canceled["result_message"]["text"] + canceled["details"]
    assert f"Model: {tmp_path / 'canceled.pt'}" in canceled["details"]
    assert (tmp_path / "canceled.pt").is_file() and (tmp_path / "canceled.html").is_file()


def test_the_dialog_refuses_bad_inputs_before_closing_and_keeps_its_values(display, tmp_path):
    seen = desktop_session(display, "form", tmp_path)["form"]
    for case in ("not_a_dataset", "unwritable_model", "unwritable_report"):
        assert seen[case]["tasks"] == 0 and seen[case]["dialog_visible"] is True, case
    # The engine's own words, shown in the dialog: the first sentence, the whole behind Details.
    assert seen["not_a_dataset"]["details"] == (
        f"'{tmp_path / 'empty'}' is not an Imagette dataset: it has no dataset.json. "
        "Choose the folder written by 'Sample training patches'."
    )
    assert seen["unwritable_model"]["details"].startswith(
        f"Cannot write the model file '{tmp_path / 'a-file' / 'model.pt'}': "
    )
    assert seen["unwritable_report"]["details"].startswith(
        f"Cannot write the report '{tmp_path / 'a-file' / 'r.html'}': "
    )
    for case in ("not_a_dataset", "unwritable_model", "unwritable_report"):
        assert seen[case]["message"]["buttons"] == ["Details…"]
        assert seen[case]["details"].startswith(seen[case]["message"]["text"].removesuffix("…"))
    assert not (tmp_path / "model.pt").exists()
    # Opened again, closed by its cross or by its Close button, the dialog holds what it held.
    kept = {
        "DATASET": seen["dataset"],
        "EPOCHS": 7,
        "OUTPUT_MODEL": str(tmp_path / "model.pt"),
        "OUTPUT_REPORT": str(tmp_path / "a-file" / "r.html"),
    }
    assert seen["after_cross"] == kept
    assert seen["after_close_button"] == kept | {"EPOCHS": 9}


def test_assess_map_accuracy_from_its_dialog_refuses_fid_and_counts_the_unclassified(display, tmp_path):
    seen = desktop_session(display, "assess", tmp_path)["assess"]
    refused = seen["fid"]
    assert refused["ended"] and not refused["report"]
    assert "The class field 'fid' gives 15 classes to 15 features" in refused["log"]
    assert "Choose 'classe' (5 classes) as the class field." in refused["log"] and "Execution failed" in refused["log"]
    scored = seen["classe"]
    assert scored["ended"] and scored["report"] and "Execution completed" in scored["log"]
    assert "25 reference pixel(s) fall on map nodata" in scored["log"]
    assert "25 of them unclassified by the map; on the mapped area only, overall accuracy " in scored["log"]
    # The dialog's results list: "'NAME': value" on QGIS 3.22, "NAME: value" from 3.40.
    assert re.search(r"'?OVERALL_ACCURACY_MAPPED'?: 1(\.0)?\b", scored["log"])
    assert re.search(r"'?COVERAGE'?: 0\.999", scored["log"])


def test_missing_torch_is_told_in_the_dialog_before_any_task(display, tmp_path):
    seen = desktop_session(display, "notorch", tmp_path, blocked=("torch",))["notorch"]
    assert seen["tasks_in_manager"] == [] and seen["dialog_visible_after_run"] is True
    message = seen["dialog_message"]
    assert message["text"].startswith("PyTorch is not installed in the Python that QGIS uses")
    assert message["buttons"] == ["Details…"]
    assert "-m pip install --user" in seen["details"] and '"torch>=2.3"' in seen["details"]
    assert seen["details"].rstrip().endswith("Then restart QGIS.")


def test_the_menu_copies_the_shipped_models_to_the_users_models_where_the_designer_edits_them(display, tmp_path):
    """QGIS edits only its Models and Project providers' models: the copies list under Models, valid, with Edit
    Model… offered and the Model Designer opening them; copied again, a copy edited since is left as it is."""
    seen = desktop_session(display, "models", tmp_path)["models"]
    # Processing's default models folder, in the profile of the session's user (HOME is under tmp_path).
    folder = Path(seen["settings"]) / "processing" / "models"
    assert seen["folder"] == str(folder) and folder.is_relative_to(tmp_path / "home")
    first = seen["first"]
    assert first["message"]["text"] == "The land-cover models were copied to your models."
    assert first["message"]["buttons"] == ["Details…"]
    assert "Models > Land-cover classification: right-click one > Edit Model…" in first["details"]
    copies = {str(folder / "imagette_landcover.model3"), str(folder / "imagette_landcover_assessed.model3")}
    assert set(first["details"].split("\n")) >= copies
    assert {model["file"] for model in seen["listed"].values()} == copies
    assert set(seen["listed"]) == {
        "model:Land-cover map from polygons",
        "model:Land-cover map from polygons, assessed against reference data",
    }
    for model in seen["listed"].values():
        assert model["valid"] == [True, []] and model["editable"] and model["designer_file"] == model["file"]
        assert {"sample", "train", "classify"} <= set(model["designer_steps"])
    assert seen["shipped_editable"] is False  # why the copy: the toolbox offers no Edit Model… for Imagette's
    second = seen["second"]
    assert second["message"]["text"] == "Your models already hold the land-cover models, left as they are."
    assert "rename or delete its copy first" in second["details"] and seen["kept_edit"]
