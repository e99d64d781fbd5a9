"""Imagette in French: QGIS's language setting gives French dialogs, help and messages, the engine's words follow,
every text has its translation, and English stays as it was by default."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio
from imagette.algorithms.base import ImagetteAlgorithm
from imagette.plugin import i18n as plugin_i18n
from imagette.plugin.engine import candidates, i18n
from imagette.plugin.engine.classes import ClassEntry
from qgis.core import QgsApplication, QgsProcessingException, QgsProcessingParameterEnum, QgsSettings
from qgis.PyQt.QtCore import QSettings
from rasterio.transform import from_origin

from scripts.translations import problems, read_entries
from tests.headless import PLUGIN_DIR, REPO, QgisProcess
from tests.model_files import write_random_model
from tests.plugin.conftest import RecordingFeedback, run_algorithm
from tests.scenes import CLASS_COLORS, CLASSES, sampling_parameters

FRENCH = REPO / "i18n" / "imagette_fr.ts"


@pytest.fixture
def french():
    """The plugin in French for one test, as QGIS set to French gives it; English again afterwards."""
    assert FRENCH.with_suffix(".qm").is_file(), "i18n/imagette_fr.qm is built by `make test` (lrelease)"
    assert plugin_i18n.install_translation("fr_FR")
    yield read_ts_translations()
    plugin_i18n.install_translation()


def read_ts_translations() -> dict[str, str]:
    return i18n.read_ts(FRENCH)


def test_every_text_has_a_french_translation():
    """New text in a tr() cannot slip in untranslated: `python3 scripts/translations.py update` adds it to the .ts
    (unfinished), and this fails until it is translated; text gone from the code must leave the .ts too."""
    assert problems() == []


def test_a_text_built_at_run_time_is_refused_by_the_extraction(tmp_path):
    (tmp_path / "algorithms").mkdir()
    (tmp_path / "plugin").mkdir()
    (tmp_path / "algorithms" / "bad.py").write_text('tr(f"{count} patches")\n', encoding="utf-8")
    assert problems(tmp_path) == [
        "algorithms/bad.py:1: tr() of a text built at run time cannot be translated: pass a literal template and fill "
        "it with .format()"
    ]


def shown_texts(algorithm) -> list[str]:
    """Every text the toolbox, the dialog and its help panel show for an algorithm."""
    texts = [algorithm.displayName(), algorithm.group(), algorithm.shortDescription(), algorithm.shortHelpString()]
    for parameter in algorithm.parameterDefinitions():
        texts += [parameter.description(), parameter.help()]
        if isinstance(parameter, QgsProcessingParameterEnum):
            texts += parameter.options()
    return texts + [output.description() for output in algorithm.outputDefinitions()]


def imagette_algorithms() -> list[str]:
    """Imagette's own algorithms (the shipped graphical models are QGIS's to translate)."""
    provider = QgsApplication.processingRegistry().providerById("imagette")
    return sorted(algorithm.id() for algorithm in provider.algorithms() if isinstance(algorithm, ImagetteAlgorithm))


def test_every_text_of_every_algorithm_is_translated(french):
    """A label or help left out of tr() would show in English in a French dialog: every text differs from its English
    one unless the translation itself keeps it (ResNet-18, Kappa)."""
    registry = QgsApplication.processingRegistry()
    ids = imagette_algorithms()
    in_french = {name: shown_texts(registry.createAlgorithmById(name)) for name in ids}
    plugin_i18n.install_translation("en")
    untranslated = []
    for name in ids:
        for english, shown in zip(shown_texts(registry.createAlgorithmById(name)), in_french[name]):
            if english and english == shown and french.get(english) != english:
                untranslated.append(f"{name}: {english[:80]!r}")
    assert untranslated == []
    assert "imagette:samplepatches" in ids and len(ids) >= 6


def test_qgis_process_set_to_french_shows_french_labels_and_help(tmp_path):
    """QGIS's own language setting (Settings > Options > General: override the system locale), in a throw-away
    profile, makes `qgis_process help` French; ids and parameter names stay."""
    qgis = QgisProcess(tmp_path / "home")
    profile = tmp_path / "home" / ".local" / "share" / "QGIS" / "QGIS3" / "profiles" / "default" / "QGIS"
    settings = QSettings(str(profile / "QGIS3.ini"), QSettings.Format.IniFormat)
    assert settings.value("PythonPlugins/imagette") in (True, "true"), "the profile qgis_process uses"
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "fr_FR")
    settings.sync()
    shown = qgis.call("help", "imagette:samplepatches")
    for french in (
        "Échantillonner des imagettes d'entraînement",
        "Découpe des imagettes d'entraînement carrées dans un raster",
        "Taille des imagettes (pixels)",
        "Polygones ou points étiquetés",
        "Dossier du jeu de données",
    ):
        assert french in shown
    assert "PATCH_SIZE" in shown and "OUTPUT_DATASET" in shown
    assert "Patch size (pixels)" not in shown


def test_english_is_the_default(scene):
    """The test session's QGIS has a throw-away profile set to English (tests/plugin/conftest.py), whatever the
    developer's own QGIS settings and system locale: English, as before."""
    profile = Path(QgsApplication.qgisSettingsDirPath()).resolve()
    assert Path(QgsSettings().fileName()).resolve().is_relative_to(profile)
    assert any(folder.name.startswith("imagette-tests-profile-") for folder in (profile, *profile.parents))
    assert plugin_i18n.qgis_locale() == "en_US"
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("imagette:samplepatches")
    assert algorithm.displayName() == "Sample training patches"
    assert algorithm.parameterDefinition("PATCH_SIZE").description() == "Patch size (pixels)"
    assert i18n.tr("Confusion matrix") == "Confusion matrix"


def test_a_refused_input_says_why_in_french_through_processing_run(french, scene, tmp_path):
    parameters = {
        "INPUT_RASTER": str(scene.raster),
        "INPUT_VECTOR": str(scene.vector),
        "CLASS_FIELD": "no_such_field",
        "OUTPUT_DATASET": str(tmp_path / "dataset"),
        "OUTPUT_FOOTPRINTS": str(tmp_path / "footprints.gpkg"),
    }
    with pytest.raises(QgsProcessingException) as refusal:
        run_algorithm("samplepatches", parameters)
    # French typography: non-breaking spaces inside « » and before the colon.
    french = (
        "Le champ de classe «\u00a0no_such_field\u00a0» n'existe pas dans la couche vecteur. Ses champs sont\u00a0:"
    )
    assert french in str(refusal.value)


@pytest.mark.slow
def test_the_training_report_in_french_through_qt_and_from_the_ts(french, tmp_path):
    """The engine's words follow the plugin's translation (Qt's .qm) and, without Qt, the command line's (the .ts)."""
    from imagette.plugin.engine.report import render_report
    from imagette.plugin.engine.training import TrainingConfig, train_classifier

    from tests.training_data import Recorder, small_dataset

    dataset = small_dataset(tmp_path, bands=3)
    report = tmp_path / "rapport.html"
    config = TrainingConfig(
        str(dataset),
        str(tmp_path / "model.pt"),
        output_report=str(report),
        epochs=1,
        batch_size=8,
        device="cpu",
        cross_validation="off",
    )
    progress = Recorder()
    metadata = train_classifier(config, progress).metadata
    through_qt = html.unescape(report.read_text(encoding="utf-8"))
    headings = ("<h1>Rapport d'entraînement Imagette</h1>", "<h2>Matrice de confusion</h2>", "<h2>Paramètres</h2>")
    for heading in headings + ('<html lang="fr">', "Précision globale", "Courbes d'apprentissage"):
        assert heading in through_qt
    # One word per concept, the assessment report's: accuracy is "précision globale" (the chart's legend too), the
    # per-class precision and recall are the user's and the producer's accuracy.
    assert "exactitude de l'utilisateur" in through_qt and "exactitude du producteur" in through_qt
    assert not re.search(r"(?i)précision(?! globale| mixte)|rappel", through_qt)
    assert any(line.startswith("Époque 1/1\u00a0: perte d'entraînement ") for line in progress.lines)
    # The last line, the phases' durations included, is French from end to end.
    duration = progress.lines[-1]
    assert (
        duration.startswith("Durée ")
        and "préparation" in duration
        and "pour écrire le modèle et le rapport." in duration
    )
    assert not re.search(r"\b(Duration|training|preparing|then|writing|about|left)\b", duration)

    i18n.use_locale("fr_FR.UTF-8")  # what the command line does with LANG=fr_FR.UTF-8
    from_ts = html.unescape(render_report(metadata))
    assert all(heading in from_ts for heading in headings)
    i18n.use_locale("de_DE")  # a language without its .ts: English
    assert "<h2>Confusion matrix</h2>" in render_report(metadata)


@pytest.mark.parametrize(
    ("environment", "locale"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr_FR"),
        ({"LANGUAGE": "fr_CA:en", "LANG": "en_US.UTF-8"}, "fr_CA"),
        ({"LC_ALL": "C.UTF-8", "LANG": "fr_FR.UTF-8"}, ""),
        ({"LC_MESSAGES": "fr_BE@euro"}, "fr_BE"),
        ({}, ""),
    ],
)
def test_the_command_line_reads_the_system_locale_as_gettext_does(environment, locale):
    assert i18n.environment_locale(environment) == locale


def test_a_region_without_its_own_file_takes_its_language():
    assert i18n.ts_path("fr_CA") == FRENCH == i18n.ts_path("fr")
    assert i18n.ts_path("pt_BR") is None and i18n.ts_path("") is None
    assert read_entries(FRENCH)["Confusion matrix"] == ("Matrice de confusion", "")


def test_sampling_logs_in_french_and_keeps_the_english_keys(french, scene, tmp_path):
    """The sampling log, the engine's lines and the reasons patches were set aside, is French; the reasons stay
    English keys in dataset.json, which scripts read whatever the language of the run."""
    feedback = RecordingFeedback()
    capped = sampling_parameters(scene, tmp_path, 32, MAX_PER_CLASS=5)  # patches over the cap are set aside
    sampled = run_algorithm("samplepatches", capped, feedback)
    log = feedback.infos + feedback.warnings
    assert any(re.match("Classe «\u00a0.+\u00a0»\u00a0: \\d+ entité\\(s\\) d'entraînement, ", line) for line in log)
    metadata = json.loads((Path(sampled["OUTPUT_DATASET"]) / "dataset.json").read_text(encoding="utf-8"))
    reasons = [
        reason for table in ("rejected", "not_classifiable") for reason, count in metadata[table].items() if count
    ]
    keys = {value for name, value in vars(candidates).items() if name.startswith(("REJECT_", "NOT_CLASSIFIABLE_"))}
    assert reasons and set(reasons) <= keys
    for reason in reasons:
        assert any(line.startswith(("Rejetées", "Gardées")) and french[reason] in line for line in log), reason


def test_the_assessment_report_in_french(french, tmp_path):
    from imagette.plugin.engine.assessment import assess_accuracy
    from imagette.plugin.engine.assessment_result import AssessmentConfig

    classes = np.ones((10, 10), dtype=np.uint8)
    classes[:, 5:] = 2
    path = tmp_path / "carte.tif"
    profile = {"driver": "GTiff", "width": 10, "height": 10, "count": 1, "dtype": "uint8", "nodata": 0}
    with rasterio.open(path, "w", crs="EPSG:32631", transform=from_origin(0, 10, 1, 1), **profile) as dst:
        dst.write(classes, 1)
    reference = [
        ({"type": "Polygon", "coordinates": [[(0, 0), (6, 0), (6, 10), (0, 10), (0, 0)]]}, 1),
        ({"type": "Polygon", "coordinates": [[(6, 0), (10, 0), (10, 10), (6, 10), (6, 0)]]}, 2),
    ]
    report = tmp_path / "rapport.html"
    assess_accuracy(AssessmentConfig(str(path), reference, str(report)))
    shown = html.unescape(report.read_text(encoding="utf-8"))
    headings = (
        "<h1>Évaluation de la précision Imagette</h1>",
        "<h2>Matrice de confusion</h2>",
        "<h2>Scores par classe</h2>",
        "<h2>Entrées</h2>",
    )
    for french_text in headings + ('<html lang="fr">', "exactitude du producteur", "exactitude de l'utilisateur"):
        assert french_text in shown
    assert not re.search("Confusion matrix|Overall accuracy|producer's accuracy|Inputs", shown)


def command_line(locale: str, *args: str) -> subprocess.CompletedProcess:
    """`imagette ARGS` in a fresh interpreter whose system locale is LANG=locale (the other locale variables unset)."""
    variables = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": locale, "PYTHONPATH": str(PLUGIN_DIR)}
    return subprocess.run(
        [sys.executable, "-m", "imagette", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **variables},
        timeout=300,
    )


def test_the_command_lines_help_follows_the_system_locale():
    """`imagette classify --help` is French with LANG=fr_FR.UTF-8, argparse's own words included; English in C."""

    def help_text(locale: str) -> str:
        shown = command_line(locale, "classify", "--help")
        assert shown.returncode == 0, shown.stderr
        return shown.stdout

    french = help_text("fr_FR.UTF-8")
    for text in (
        "utilisation\u00a0: imagette classify ",
        "arguments positionnels",
        "affiche cette aide et quitte",
        "raster à classer",
        "Dask est facultatif\u00a0: pip install",
    ):
        assert text in french
    assert "--stride" in french and "usage:" not in french and "show this help" not in french
    english = help_text("C.UTF-8")
    assert english.startswith("usage: imagette classify ") and "positional arguments" in english


def test_argparse_words_keep_their_fields_in_french(french):
    """argparse fills its words with %-fields, which the .ts check (of {placeholders}) does not see."""
    from imagette.plugin.cli import ARGPARSE_WORDS

    def fields(text: str) -> list[str]:
        return sorted(re.findall(r"%(?:\(\w+\))?[sr]", text))

    assert all(fields(french[words]) == fields(words) != [] or "%" not in words for words in ARGPARSE_WORDS)


def test_the_command_lines_messages_follow_the_system_locale(scene, tmp_path):
    """What `imagette classify` prints, in French with LANG=fr_FR.UTF-8: the engine's log, the line saying where the
    map was written, the engine's refusal of a bad input and argparse's refusal of bad arguments; in English in C, as
    before. The bad raster's GDAL message ends with its own full stop: the sentence after it gets no second one."""
    classes = [ClassEntry(code, name, CLASS_COLORS[code]) for code, name, _ in CLASSES]
    model = write_random_model(tmp_path / "modèle.pt", classes, rasterio.crs.CRS.from_string(scene.crs).to_wkt())
    not_a_raster = tmp_path / "pas_un_raster.tif"
    not_a_raster.write_text("pas un raster", encoding="utf-8")
    with pytest.raises(rasterio.errors.RasterioIOError) as refused_by_gdal:  # GDAL's words, which versions change
        rasterio.open(not_a_raster)
    gdal = str(refused_by_gdal.value)
    assert gdal.endswith("supported file format.")  # its own full stop: the message must not add a second

    carte = tmp_path / "carte.tif"
    run = command_line("fr_FR.UTF-8", "classify", str(scene.raster), str(model), str(carte), "--stride", "8")
    assert run.returncode == 0, run.stderr
    assert f"Carte écrite dans «\u00a0{carte}\u00a0» (" in run.stderr and ", méthode dense)." in run.stderr
    assert (
        f"Modèle «\u00a0modèle.pt\u00a0»\u00a0: small_cnn, {len(classes)} classes, imagettes de 32 px. Méthode dense"
        in run.stderr
    )
    assert not re.search(r"\b(Wrote|Model|Classified|Warning)\b", run.stderr)
    refused = command_line("fr_FR.UTF-8", "classify", str(not_a_raster), str(model), str(tmp_path / "autre.tif"))
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[-1] == (
        f"imagette\u00a0: erreur\u00a0: Impossible de lire le raster «\u00a0{not_a_raster}\u00a0»\u00a0: {gdal} Vérifiez "
        "que le fichier existe et que c'est un raster que GDAL peut ouvrir."
    )
    missing = command_line("fr_FR.UTF-8", "classify", str(scene.raster))
    assert missing.returncode == 2 and missing.stderr.startswith("utilisation\u00a0: imagette classify ")
    assert missing.stderr.splitlines()[-1] == (
        "imagette classify\u00a0: erreur\u00a0: les arguments suivants sont obligatoires\u00a0: MODEL, OUTPUT"
    )
    no_workers = command_line("fr_FR.UTF-8", "classify", str(scene.raster), str(model), str(carte), "--workers", "0")
    assert no_workers.stderr.splitlines()[-1] == (
        "imagette classify\u00a0: erreur\u00a0: argument --workers\u00a0: doit valoir 1 ou plus, et non 0"
    )
    assert not (tmp_path / "autre.tif").exists()

    english_map = tmp_path / "map.tif"
    run = command_line("C.UTF-8", "classify", str(scene.raster), str(model), str(english_map), "--stride", "8")
    assert run.returncode == 0, run.stderr
    assert f"Wrote '{english_map}' (" in run.stderr and ", method dense)." in run.stderr
    assert f"Model 'modèle.pt': small_cnn, {len(classes)} classes, 32 px patches. Method dense" in run.stderr
    refused = command_line("C.UTF-8", "classify", str(not_a_raster), str(model), str(tmp_path / "other.tif"))
    assert refused.stderr.splitlines()[-1] == (
        f"imagette: error: Cannot read the raster '{not_a_raster}': {gdal} Check that the file exists and is a raster "
        "GDAL can open."
    )
    missing = command_line("C.UTF-8", "classify", str(scene.raster))
    assert missing.stderr.startswith("usage: imagette classify ")
    assert (
        missing.stderr.splitlines()[-1]
        == "imagette classify: error: the following arguments are required: MODEL, OUTPUT"
    )
