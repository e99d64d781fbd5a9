"""Faults injected into Dask worker processes by the tests, from outside Imagette's code: a Dask worker preload.

A worker started with this file as a preload (`LocalCluster(preload=[WORKER_FAULTS])` for a cluster the tests
start, DASK_DISTRIBUTED__WORKER__PRELOAD for the workers `imagette classify --workers` starts) runs the block
task wrapped: a file `.fail-once-<index>` in the parts folder makes the next attempt at block <index> raise, and
`.lose-worker-once-<index>` ends the worker process at once, as a node that dies would. The attempt that finds a
file removes it, so the next attempt runs as usual. `.fail-always-<index>` makes every attempt raise, each adding a
line to the file, so a test can count the attempts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

WORKER_FAULTS = str(Path(__file__).resolve())
FAIL_ONCE, LOSE_WORKER_ONCE, FAIL_ALWAYS = ".fail-once-", ".lose-worker-once-", ".fail-always-"


def preload_env() -> dict[str, str]:
    """Environment that makes the workers a process starts (its Dask nannies read it) load this preload."""
    return {"DASK_DISTRIBUTED__WORKER__PRELOAD": json.dumps([WORKER_FAULTS])}


def _consumed(path: Path) -> bool:
    """Removes path; whether it was there (one attempt only takes it, even across processes)."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def dask_setup(worker) -> None:
    """Wraps the task function in this worker: tasks name it by module and name, and find the wrapper."""
    from imagette.plugin.engine import distributed as tasks

    run_block = tasks.run_block

    def run_block_with_faults(plan, parts: str, index: int) -> float:
        if _consumed(Path(parts) / f"{LOSE_WORKER_ONCE}{index}"):
            os._exit(1)
        if _consumed(Path(parts) / f"{FAIL_ONCE}{index}"):
            raise RuntimeError(f"Block {index} failed on purpose ({FAIL_ONCE}{index}, tests/worker_faults.py).")
        always = Path(parts) / f"{FAIL_ALWAYS}{index}"
        if always.exists():
            with always.open("a", encoding="utf-8") as attempts:
                attempts.write("attempt\n")
            raise RuntimeError(f"Block {index} failed on purpose ({FAIL_ALWAYS}{index}, tests/worker_faults.py).")
        return run_block(plan, parts, index)

    tasks.run_block = run_block_with_faults
