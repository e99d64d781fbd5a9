"""The `imagette` command: the engine without QGIS, on one machine or a Dask cluster.

    imagette classify INPUT MODEL OUTPUT [--stride N] [--method dense|patch] [--device auto|cpu|cuda] [--batch-size N]
                      [--engine auto|pytorch|onnxruntime] [--confidence PATH]
                      [--workers N | --scheduler ADDRESS] [--block-size PX]

Installed by `pip install ".[torch]"` (or ".[onnx]") from the plugin folder (console script `imagette`), or run as
`python3 -m imagette` with the plugin folder's parent on the path. Imports neither QGIS nor, unless
asked for a cluster, Dask. Errors are the engine's messages, on stderr, with exit status 2. Everything it prints, its
help and argparse's errors included, is in the system locale's language (engine/i18n.use_locale).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from .engine.choices import ENGINES, method_name
from .engine.i18n import tr, tr_noop, use_locale

EXIT_ERROR = 2
METHOD_NAMES = {"dense": "dense", "patch": "per_patch"}

DESCRIPTION = tr_noop(
    "Imagette without QGIS: classify a raster with a model file written by the QGIS plugin's 'Train patch "
    "classifier', on this machine or on a Dask cluster. The outputs are those of the Processing algorithm "
    "imagette:classifyraster: a GeoTIFF of class codes with its colour table, category names (.aux.xml) and "
    "QGIS style (.qml)."
)

CLASSIFY_HELP = tr_noop("""\
Classifies INPUT (any GDAL raster, a VRT over many tiles included) with MODEL and writes OUTPUT (.tif).

Without --workers or --scheduler the raster is classified in this process, tile by tile, as in QGIS.
With them, the output grid is cut into blocks of --block-size output pixels (rounded to whole tiles); each
block is one Dask task that reads its window plus halo and writes OUTPUT.parts/<block>.tif; the parts are
then assembled into OUTPUT. The map is the same, pixel for pixel, as the one-process map. A failed block
is retried twice; a run that stops (Ctrl+C, a job's time limit, --stop-after) is resumed by running the
same command again: finished blocks are not redone. Maps over 10^10 output pixels, or with --vrt, are
written as OUTPUT's name with .vrt over the part files (kept) instead of one GeoTIFF.
Dask is optional: pip install "dask[distributed]".
""")

# argparse's own words for the errors it prints (a missing or unknown argument, a bad choice or value), which argparse
# looks up through gettext, whose catalogues for argparse Imagette does not ship: _argparse_words() has argparse look
# them up in Imagette's translation instead. The texts are argparse's (Python 3.9 to 3.13), %-fields included.
ARGPARSE_WORDS = (
    tr_noop("%(prog)s: error: %(message)s\n"),
    tr_noop("the following arguments are required: %s"),
    tr_noop("unrecognized arguments: %s"),
    tr_noop("argument %(argument_name)s: %(message)s"),
    tr_noop("invalid choice: %(value)r (choose from %(choices)s)"),
    tr_noop("invalid %(type)s value: %(value)r"),
    tr_noop("not allowed with argument %s"),
    tr_noop("expected one argument"),
    tr_noop("ignored explicit argument %r"),
    tr_noop("ambiguous option: %(option)s could match %(matches)s"),
)


@contextmanager
def _argparse_words() -> Iterator[None]:
    """While the command line is parsed, argparse's words (ARGPARSE_WORDS) in the command's language: argparse reads
    them through its module's `_` (gettext's), which points at tr() meanwhile; English again afterwards."""
    english = argparse._
    argparse._ = tr
    try:
        yield
    finally:
        argparse._ = english


class _Formatter(argparse.HelpFormatter):
    """argparse's help with its own "usage:" in the command's language: argparse takes it from gettext, whose
    catalogues for argparse Imagette does not ship."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, tr("usage: ") if prefix is None else prefix)


class _RawFormatter(_Formatter, argparse.RawDescriptionHelpFormatter):
    """The same, keeping the description's own line breaks."""


def _options(parser: argparse.ArgumentParser):
    """The group of a parser's options, titled in the command's language, with -h: argparse's own would be titled and
    explained by gettext, in English. Created after the positional arguments' group, so listed after it."""
    options = parser.add_argument_group(tr("options"))
    options.add_argument("-h", "--help", action="help", help=tr("show this help message and exit"))
    return options


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(tr("must be a whole number, not {value}").format(value=repr(text))) from None
    if value < 1:
        raise argparse.ArgumentTypeError(tr("must be 1 or more, not {value}").format(value=value))
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command's arguments, their help in the language use_locale() chose."""
    parser = argparse.ArgumentParser(
        prog="imagette", description=tr(DESCRIPTION), formatter_class=_Formatter, add_help=False
    )
    commands = parser.add_subparsers(title=tr("positional arguments"), dest="command", metavar="COMMAND", required=True)
    _options(parser).add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {_version()}",
        help=tr("show program's version number and exit"),
    )
    classify = commands.add_parser(
        "classify",
        help=tr("classify a raster with a model file into a styled GeoTIFF of class codes"),
        description=tr(CLASSIFY_HELP),
        formatter_class=_RawFormatter,
        add_help=False,
    )
    inputs = classify.add_argument_group(tr("positional arguments"))
    options = _options(classify)
    inputs.add_argument("input", metavar="INPUT", help=tr("raster to classify (any GDAL raster or VRT)"))
    inputs.add_argument(
        "model",
        metavar="MODEL",
        help=tr(
            "model file (.pt) written by training, run with PyTorch; or an ONNX file (.onnx) exported from one in the "
            "Imagette format, run with ONNX Runtime (PyTorch then need not be installed, on Dask workers neither)"
        ),
    )
    inputs.add_argument("output", metavar="OUTPUT", help=tr("GeoTIFF of class codes to write (.tif)"))
    options.add_argument(
        "--stride",
        type=int,
        default=0,
        metavar="N",
        help=tr("output pixel size in input pixels (default 0: an eighth of the patch; 1 for segmentation networks)"),
    )
    options.add_argument(
        "--method",
        choices=sorted(METHOD_NAMES),
        default="dense",
        help=tr("dense (fast, default) or patch (each patch alone, as in training: the exact reference, slow)"),
    )
    options.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help=tr("where the network runs (default auto)"),
    )
    options.add_argument(
        "--batch-size",
        type=_positive,
        default=0,
        metavar="N",
        help=tr("patches per batch (default: sized to the device's memory)"),
    )
    options.add_argument(
        "--engine",
        choices=ENGINES,
        default=ENGINES[0],
        help=tr(
            "what runs the network (default auto: pytorch for a model file .pt, onnxruntime for an .onnx file); "
            "choosing one refuses a model it cannot run"
        ),
    )
    options.add_argument("--confidence", metavar="PATH", help=tr("also write the top-class probability (.tif)"))
    where = options.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help=tr("start a local Dask cluster of N single-threaded worker processes"),
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help=tr("use the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786)"),
    )
    options.add_argument(
        "--block-size",
        type=_positive,
        default=None,
        metavar="PX",
        help=tr("output pixels per block side, rounded down to whole tiles (default 1024; with Dask only)"),
    )
    options.add_argument(
        "--vrt", action="store_true", help=tr("with Dask: write a VRT over the block files instead of one GeoTIFF")
    )
    options.add_argument(
        "--keep-parts", action="store_true", help=tr("with Dask: keep OUTPUT.parts/ after assembling the GeoTIFF")
    )
    options.add_argument(
        "--stop-after",
        type=_positive,
        metavar="N",
        default=0,
        help=tr(
            "with Dask: stop once this run has classified N blocks (to fit a job's time limit); run again to resume"
        ),
    )
    return parser


def _version() -> str:
    from .engine.versions import plugin_version

    return plugin_version()


class _Printer:
    """Progress to stderr: log lines, and percentages every 10 %."""

    def __init__(self) -> None:
        from .engine.progress import Progress

        class Printed(Progress):
            last = -10.0

            def info(self, message: str) -> None:
                print(message, file=sys.stderr, flush=True)

            def warning(self, message: str) -> None:
                print(tr("Warning: {message}").format(message=message), file=sys.stderr, flush=True)

            def set_percent(self, percent: float) -> None:
                if percent >= self.last + 10 or percent >= 100 > self.last:
                    self.last = percent
                    print(f"{percent:.0f} %", file=sys.stderr, flush=True)

        self.progress = Printed()


def _echo(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def classify(args: argparse.Namespace) -> int:
    from .engine.errors import ImagetteError
    from .engine.inference import InferenceConfig, classify_raster
    from .engine.qml import write_style

    config = InferenceConfig(
        raster_path=args.input,
        model_path=args.model,
        output_path=args.output,
        confidence_path=args.confidence,
        device=args.device,
        stride=args.stride,
        method=METHOD_NAMES[args.method],
        batch_size=args.batch_size,
        engine=args.engine,
    )
    progress = _Printer().progress
    distributed = bool(args.workers or args.scheduler)
    if not distributed:
        for option, given in (
            ("--block-size", args.block_size),
            ("--vrt", args.vrt),
            ("--stop-after", args.stop_after),
        ):
            if given:
                raise ImagetteError(
                    tr("{option} applies to Dask runs only: add --workers N or --scheduler ADDRESS.").format(
                        option=option
                    )
                )
        result = classify_raster(config, progress, style=write_style)
        _echo(
            tr("Wrote '{path}' ({width} x {height} px, method {method}).").format(
                path=result.output_path, width=result.width, height=result.height, method=method_name(result.method)
            )
        )
        return 0
    from .engine.blocks import DEFAULT_BLOCK
    from .engine.distributed import classify_distributed

    run = classify_distributed(
        config,
        workers=args.workers or 0,
        scheduler=args.scheduler,
        block=args.block_size or DEFAULT_BLOCK,
        vrt=args.vrt,
        keep_parts=args.keep_parts,
        stop_after=args.stop_after,
        progress=progress,
        echo=_echo,
    )
    if run.output_path is not None:
        _echo(
            tr("Wrote '{path}': {classified} block(s) classified, {skipped} found done, in {seconds} s.").format(
                path=run.output_path, classified=run.classified, skipped=run.skipped, seconds=f"{run.seconds:.1f}"
            )
        )
    return 0


class Terminated(BaseException):
    """SIGTERM (kill, a job's time limit, a container stopping) turned into an exception, so that the engine's
    clean-up runs: temporary files are removed and earlier outputs stay as they were."""


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


@contextmanager
def _sigterm_stops_cleanly() -> Iterator[None]:
    """While the command runs, SIGTERM raises Terminated instead of ending the process on the spot.

    Only here, in the command: the plugin never sets signal handlers in QGIS's process. A process killed
    without a chance to clean up (SIGKILL, qgis_process stopped) leaves hidden `.partial` files; the next
    run writing the same output removes them (io.remove_stale_partials).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command; returns the exit status (0, 2 for an error whose message is printed, 130 after Ctrl+C,
    143 after SIGTERM)."""
    use_locale()  # the help and the engine's words in the system's language (LANG), English without its .ts
    with _argparse_words():
        args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    from .engine.errors import ImagetteError, sentence  # imports nothing else (but engine.i18n)

    try:
        with _sigterm_stops_cleanly():
            return classify(args)
    except ImagetteError as error:
        print(tr("imagette: error: {message}").format(message=error), file=sys.stderr)
        return EXIT_ERROR
    except ModuleNotFoundError as error:
        if error.name not in ("numpy", "rasterio", "torch"):
            raise
        missing = tr(
            "{problem} The engine needs numpy and rasterio, and torch>=2.3 for model files (.pt): {command} (from the "
            "plugin folder: {extras}, or {onnx} for ONNX Runtime alone, which runs exported .onnx models)"
        ).format(
            problem=sentence(error),
            command="pip install numpy rasterio torch",
            extras='pip install ".[torch]"',
            onnx='".[onnx]"',
        )
        print(tr("imagette: error: {message}").format(message=missing), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(tr("imagette: stopped. Run the same command again to resume a Dask run."), file=sys.stderr)
        return 130
    except Terminated:
        print(
            tr(
                "imagette: stopped by SIGTERM; no output was replaced. Run the same command again to resume a Dask run."
            ),
            file=sys.stderr,
        )
        return 128 + signal.SIGTERM


if __name__ == "__main__":
    sys.exit(main())
