"""What every Imagette algorithm shares: naming, help, the feedback adapter and error translation."""

from __future__ import annotations

import importlib.util
import platform
import sys
import traceback

from qgis.core import Qgis, QgsProcessingAlgorithm, QgsProcessingException

from ..plugin import deps, guide, i18n
from ..plugin.compat import FLAG_ADVANCED
from ..plugin.engine import sigterm
from ..plugin.engine.errors import ImagetteError
from ..plugin.engine.progress import Progress
from ..plugin.engine.versions import package_version, plugin_version

GROUP_ID = "landcover"  # every Imagette algorithm and shipped model is in this group


class FeedbackProgress(Progress):
    """Forwards the engine's progress, messages and cancel checks to a QgsProcessingFeedback."""

    def __init__(self, feedback) -> None:
        self.feedback = feedback

    def set_percent(self, percent: float) -> None:
        self.feedback.setProgress(percent)

    def info(self, message: str) -> None:
        self.feedback.pushInfo(message)

    def warning(self, message: str) -> None:
        self.feedback.pushWarning(message)

    def is_canceled(self) -> bool:
        return self.feedback.isCanceled()


def module_version(name: str, load: bool) -> str:
    """The version of a module for the log, or "not importable (why)".

    load: import it to be sure (a run that needs it imports it anyway); otherwise a module not imported yet is
    only looked up (importing torch takes seconds), which finds a missing module but not a broken one.
    """
    module = sys.modules.get(name)
    if module is None and load:
        problem = deps.import_problem(name)
        if problem:
            return i18n.tr("not importable ({problem})").format(problem=problem)
        module = sys.modules[name]
    if module is None:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError) as error:  # a finder that refuses it, or a module left half-imported
            return i18n.tr("not importable ({problem})").format(problem=f"{type(error).__name__}: {error}")
        if not found:
            problem = f"ModuleNotFoundError: No module named {name!r}"
            return i18n.tr("not importable ({problem})").format(problem=problem)
        return package_version(name) or i18n.tr("installed, version unknown")
    return str(getattr(module, "__version__", None) or package_version(name) or i18n.tr("version unknown"))


def version_line(load_torch: bool = False, load_rasterio: bool = False) -> str:
    """One line naming the software a run used; starts every algorithm's log.

    A module that cannot be imported is named with the reason, so a log of a failed run says what was missing.
    """
    return (
        f"Imagette {plugin_version()} · QGIS {Qgis.QGIS_VERSION} · Python {platform.python_version()} · "
        f"torch {module_version('torch', load_torch)} · rasterio {module_version('rasterio', load_rasterio)} · "
        f"numpy {module_version('numpy', True)}"
    )


def unexpected_error_message(tool: str, error: BaseException) -> str:
    """One sentence for an error the engine did not explain: what went wrong and what to try."""
    what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if isinstance(error, MemoryError) or "out of memory" in str(error).lower():
        message = i18n.tr(
            "'{tool}' ran out of memory ({what}). Close other programs, choose a smaller batch size or patch size, "
            "or run on the CPU, then run again."
        )
    elif isinstance(error, OSError):
        message = i18n.tr(
            "'{tool}' could not read or write a file ({what}). Check that the files exist, that the disk has free "
            "space and that you may write to the output folders, then run again."
        )
    else:
        message = i18n.tr(
            "'{tool}' stopped on an unexpected error ({what}). Check the inputs and run again; if it happens again, "
            "report it as a bug to Imagette {version} with the details from the log."
        )
    return message.format(tool=tool, what=what, version=plugin_version())


class ImagetteAlgorithm(QgsProcessingAlgorithm):
    """Base of Imagette's algorithms.

    Subclasses set NAME, and DISPLAY_NAME, SHORT_DESCRIPTION, HELP and TAGS marked with tr_noop (translated here),
    declare parameters in initAlgorithm through add_parameter, and do their work in execute(); an ImagetteError
    raised by the engine reaches the user as a QgsProcessingException with the same message.
    """

    NAME = ""
    DISPLAY_NAME = ""
    SHORT_DESCRIPTION = ""
    HELP = ""
    TAGS = ""
    NEEDS_TORCH = False
    NEEDS_RASTERIO = False  # its engine modules read rasters: imported in execute(), after this is checked

    def tr(self, text: str) -> str:
        return i18n.tr(text)

    def createInstance(self):  # noqa: N802
        return type(self)()

    def name(self):
        return self.NAME

    def displayName(self):  # noqa: N802
        return self.tr(self.DISPLAY_NAME)

    def group(self):
        return self.tr("Land-cover classification")

    def groupId(self):  # noqa: N802
        return GROUP_ID

    def shortDescription(self):  # noqa: N802
        return self.tr(self.SHORT_DESCRIPTION)

    def shortHelpString(self):  # noqa: N802
        return self.tr(self.HELP)

    def tags(self):
        return self.tr(self.TAGS).split(",")

    def helpUrl(self):  # noqa: N802
        return guide.guide_url(self.NAME)

    def add_parameter(self, parameter, help_text: str, advanced: bool = False) -> None:
        """Adds a parameter with the help shown in its tooltip and the dialog's help panel, translated."""
        parameter.setHelp(self.tr(help_text))
        if advanced:
            parameter.setFlags(parameter.flags() | FLAG_ADVANCED)
        self.addParameter(parameter)

    def needs_torch(self, parameters, context) -> bool:
        """Whether this run needs torch: NEEDS_TORCH, unless a subclass knows better from the parameters."""
        return self.NEEDS_TORCH

    def checkParameterValues(self, parameters, context):  # noqa: N802
        """Refuses a run that needs torch where torch is missing, before it starts.

        Told here, the advice appears once: the dialog shows it in a message box and qgis_process or
        processing.run() print it once. Raised from processAlgorithm, QGIS would log it twice (runPrepared
        writes the exception to the message log, and so does the feedback's reportError).
        """
        if self.needs_torch(parameters, context) and not deps.torch_available():
            return False, deps.install_advice()
        return super().checkParameterValues(parameters, context)

    def prepareAlgorithm(self, parameters, context, feedback):  # noqa: N802
        """Imports torch here, on the main thread, before a background run uses it.

        QGIS prepares an algorithm on the thread that starts it (the dialog's, the task's constructor) and runs
        it on a worker thread. Imported there first, torch 2.6 under Python 3.13 (QGIS 3.40 on Debian 13)
        aborts the whole of QGIS when it frees its first tensor ("Fatal Python error: _PyThreadState_Attach:
        non-NULL old thread state"); imported on the main thread first, it runs on workers as it should.
        """
        if self.needs_torch(parameters, context) and "torch" not in sys.modules and deps.torch_available():
            deps.import_problem("torch")  # a broken torch is reported by the run itself
        return super().prepareAlgorithm(parameters, context, feedback)

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        needs_torch = self.needs_torch(parameters, context)
        feedback.pushInfo(version_line(load_torch=needs_torch, load_rasterio=self.NEEDS_RASTERIO))
        if needs_torch and not deps.torch_available():  # a caller that skipped checkParameterValues
            raise QgsProcessingException(deps.install_advice())
        try:
            if self.NEEDS_RASTERIO:
                deps.require_rasterio()
            with sigterm.stopping_on_sigterm():
                return self.execute(parameters, context, feedback, FeedbackProgress(feedback))
        except sigterm.Terminated:
            # qgis_process (or a script) running the algorithm on its main thread got SIGTERM: the engine's clean-up
            # has removed the temporary files, and the process now ends as SIGTERM would have ended it.
            feedback.reportError(
                self.tr("Stopped by SIGTERM: no output was replaced, and no temporary file is left."), True
            )
            sigterm.end_as_terminated()
            raise QgsProcessingException(
                self.tr("Stopped by SIGTERM.")
            ) from None  # where SIGTERM does not end the process
        except ImagetteError as error:
            raise QgsProcessingException(str(error)) from error
        except QgsProcessingException:
            raise
        except Exception as error:  # noqa: BLE001 - a bug or a fault of the machine: one sentence, details logged
            feedback.reportError(self.tr("Details for a bug report:") + "\n" + traceback.format_exc(), False)
            raise QgsProcessingException(unexpected_error_message(self.displayName(), error)) from error

    def execute(self, parameters, context, feedback, progress: Progress) -> dict:
        raise NotImplementedError
