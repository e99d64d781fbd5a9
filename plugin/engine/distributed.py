"""Runs the blocks of a classification (blocks.py) on a Dask cluster, then assembles the map.

Dask is optional: it is imported only here, when a run asks for a cluster, and the QGIS plugin never
imports this module. A local cluster (`workers`) has single-threaded worker processes; an existing
one is reached at `scheduler` (started by `dask scheduler`/`dask worker`, dask-jobqueue,
dask-kubernetes...). Every block is one task, submitted with retries: a block that fails is tried
again (twice), a worker lost costs only the blocks it held (Dask runs them elsewhere), and blocks
whose part file exists are not submitted, so a stopped run started again finishes the rest.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .blocks import (
    DEFAULT_BLOCK,
    VRT_THRESHOLD,
    BlockPlan,
    assemble,
    classify_block,
    parts_folder,
    plan_blocks,
    prepare_parts,
    remove_parts,
    write_vrt,
)
from .errors import ImagetteError
from .inference import InferenceConfig
from .progress import Progress

RETRIES = 2  # a failed block is tried this many more times before the run fails
INSTALL_HINT = 'pip install "dask[distributed]"'


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _sentence(error: Exception) -> str:
    """The error's type and message as one sentence, ending with a single full stop whether or not it had one."""
    return f"{type(error).__name__}: {str(error).rstrip().removesuffix('.')}."


@dataclass
class DistributedResult:
    """What a distributed run did; output_path is None when it stopped before the end (stop_after)."""

    output_path: Path | None
    confidence_path: Path | None
    vrt: bool
    blocks: int
    skipped: int  # blocks found done in the parts folder
    classified: int  # blocks this run classified
    block: int  # output pixels per block side
    plan: BlockPlan
    seconds: float = 0.0  # the whole run
    cluster_seconds: float = 0.0  # starting or reaching the cluster
    block_seconds: float = 0.0  # summed over the blocks, in the workers
    blocks_wall_seconds: float = 0.0  # from the first submit to the last block done
    assembly_seconds: float = 0.0
    pixel_counts: dict[int, int] = field(default_factory=dict)


def import_distributed() -> Any:
    """dask.distributed, or an error that says how to install it. Its log is cut to warnings, workers' too."""
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # read by worker processes as they start
    try:
        import distributed
    except ImportError as error:
        raise ImagetteError(
            "Classifying on a Dask cluster (--workers, --scheduler) needs Dask's distributed scheduler, which is not "
            f"installed in this Python. Install it with: {INSTALL_HINT}"
        ) from error
    logging.getLogger("distributed").setLevel(logging.WARNING)
    return distributed


def run_block(plan: BlockPlan, parts: str, index: int) -> float:
    """The Dask task: one block, on one core of the worker (Dask's nanny sets OMP_NUM_THREADS=1 too)."""
    return classify_block(plan, parts, index, threads=0 if plan.device == "cuda" else 1)


def _connect(distributed: Any, workers: int, scheduler: str | None) -> tuple[Any, Any]:
    if scheduler:
        try:
            return distributed.Client(scheduler, timeout="30s"), None
        except (OSError, TimeoutError) as error:
            raise ImagetteError(
                f"Cannot reach the Dask scheduler at '{scheduler}': {error}. Check the address (tcp://host:8786) and "
                "that the scheduler is running."
            ) from error
    # A block whose worker dies is run again elsewhere as many times as one that fails (Dask's allowed-failures).
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"allowed_failures": RETRIES},
    )
    return distributed.Client(cluster), cluster


def classify_distributed(
    config: InferenceConfig,
    *,
    workers: int = 0,
    scheduler: str | None = None,
    block: int = DEFAULT_BLOCK,
    vrt: bool = False,
    keep_parts: bool = False,
    stop_after: int = 0,
    progress: Progress | None = None,
    echo: Callable[[str], None] = print,
) -> DistributedResult:
    """Classifies config's raster block by block on a local (workers) or existing (scheduler) Dask cluster.

    The parts go to `<output>.parts/`; once all are there they are assembled into the output GeoTIFF
    (and confidence), styled, and the folder is removed (kept with keep_parts). With vrt, or when the map
    has more than VRT_THRESHOLD pixels, `<output stem>.vrt` over the parts is written instead and the parts stay.
    stop_after > 0 stops once this run has classified that many blocks (the rest is left for a later run).

    Raises:
        ImagetteError: bad inputs, no Dask, no scheduler, or a block that failed every attempt.
    """
    started = time.perf_counter()
    progress = progress or Progress()
    distributed = import_distributed()
    plan, model = plan_blocks(config, block, progress)
    grid = plan.output_grid
    output_path = Path(config.output_path)
    confidence_path = Path(config.confidence_path) if config.confidence_path else None
    vrt = vrt or grid.width * grid.height > VRT_THRESHOLD
    parts = parts_folder(output_path)
    todo = prepare_parts(plan, parts)
    total = len(plan.blocks())
    result = DistributedResult(None, None, vrt, total, total - len(todo), 0, plan.block, plan)
    echo(
        f"Output {grid.width} x {grid.height} px (stride {plan.stride}, {plan.method}), in {total} block(s) of up to "
        f"{plan.block} x {plan.block} px ({plan.tile} px tiles); {result.skipped} done already in '{parts}', "
        f"{len(todo)} to classify."
    )
    if todo:
        connecting = time.perf_counter()
        client, cluster = _connect(distributed, workers, scheduler)
        result.cluster_seconds = time.perf_counter() - connecting
        try:
            submitted = time.perf_counter()
            token = secrets.token_hex(4)  # task keys unique to this run, so a rerun never reuses old results
            futures = {
                client.submit(
                    run_block, plan, str(parts), index, key=f"imagette-block-{index}-{token}", retries=RETRIES
                ): index
                for index in todo
            }
            for future in distributed.as_completed(list(futures)):
                try:
                    result.block_seconds += future.result()
                except ImagetteError:
                    raise
                except Exception as error:
                    raise ImagetteError(
                        f"Block {futures[future]} failed {_times(RETRIES + 1)}: {_sentence(error)} The blocks done are "
                        "kept: run the same command again to resume."
                    ) from error
                result.classified += 1
                echo(f"blocks {result.skipped + result.classified}/{total}")
                if stop_after and result.classified >= stop_after and result.skipped + result.classified < total:
                    echo(
                        f"Stopped after {result.classified} block(s), as asked: run the same command again to classify "
                        f"the {total - result.skipped - result.classified} left."
                    )
                    break
            result.blocks_wall_seconds = time.perf_counter() - submitted
            client.cancel(list(futures))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        if result.skipped + result.classified < total:
            result.seconds = time.perf_counter() - started
            return result
    assembling = time.perf_counter()
    if vrt:
        result.output_path = write_vrt(plan, parts, output_path.with_suffix(".vrt"), model.classes)
        if confidence_path is not None:
            result.confidence_path = write_vrt(
                plan, parts, confidence_path.with_suffix(".vrt"), model.classes, confidence=True
            )
        echo(f"Wrote the VRT '{result.output_path}' over the block files in '{parts}' (keep them together).")
    else:
        result.pixel_counts = assemble(plan, parts, output_path, confidence_path, model.classes)
        result.output_path, result.confidence_path = output_path, confidence_path
        if not keep_parts:
            remove_parts(parts)
    result.assembly_seconds = time.perf_counter() - assembling
    result.seconds = time.perf_counter() - started
    return result
