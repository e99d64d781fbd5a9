"""Batches for training: what a network learns from each patch, augmentation, and reading ahead.

Two kinds of targets, one per kind of network:
- PatchTargets: one class per patch (the class of the feature at its centre), for patch classifiers;
- PixelTargets: one class per pixel from the patch's mask (-1 where unlabelled), for segmentation.
Both give output indices (classes sorted by code) and count them for the class weights; the
training loop and the validation ask them and need not know which kind they hold.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from . import dataset as ds
from .errors import ImagetteError
from .i18n import tr

PREFETCH = 3  # batches prepared ahead of the network
UNLABELLED = -1  # target of a pixel no feature labels: ignored by the loss and the scores
COUNT_BATCH = 256  # masks counted at once for the class weights
PIXEL_BATCH_PATCH = 32  # a segmentation batch holds as many pixels as batch_size patches of this side


def batch_patches(batch_size: int, patch_size: int, segmentation: bool) -> int:
    """Patches per batch: batch_size, or for segmentation as many pixels as batch_size patches of 32 px.

    Segmentation patches are large (64 to 256 px); counting pixels keeps a step's cost and memory
    comparable across patch sizes, and the default batch usable on a CPU.
    """
    if not segmentation:
        return batch_size
    return max(2, batch_size * PIXEL_BATCH_PATCH**2 // patch_size**2)


class PatchTargets:
    """The output index of each patch's class."""

    spatial = False
    unit = "patches"

    def __init__(self, dataset: ds.Dataset) -> None:
        codes = np.array([entry.code for entry in dataset.classes])
        targets = np.searchsorted(codes, dataset.labels)
        if dataset.labels.size and (targets.max() >= codes.size or not np.array_equal(codes[targets], dataset.labels)):
            raise ImagetteError(
                tr("The dataset '{path}' has labels missing from its class table. Sample the patches again.").format(
                    path=dataset.path
                )
            )
        self.targets = targets.astype(np.int64)

    def __call__(self, indices: np.ndarray) -> np.ndarray:
        return self.targets[indices]

    def counts(self, indices: np.ndarray, num_classes: int) -> np.ndarray:
        return np.bincount(self.targets[indices], minlength=num_classes)


class PixelTargets:
    """The output index of each pixel's class, from the masks; UNLABELLED where no feature of the split lies."""

    spatial = True
    unit = "labelled pixels"

    def __init__(self, dataset: ds.Dataset) -> None:
        if dataset.masks is None:
            raise ImagetteError(
                tr(
                    "The dataset '{path}' was sampled by an earlier version of Imagette and has no per-pixel masks, "
                    "which segmentation networks learn from. Sample the patches again with 'Sample training patches' "
                    "(or choose a patch classifier)."
                ).format(path=dataset.path)
            )
        self.masks = dataset.masks
        codes = [entry.code for entry in dataset.classes]
        self.lookup = np.full(max(codes) + 1, UNLABELLED, dtype=np.int64)
        self.lookup[codes] = np.arange(len(codes))

    def __call__(self, indices: np.ndarray) -> np.ndarray:
        masks = np.asarray(self.masks[indices])
        if masks.size and masks.max() >= self.lookup.size:
            raise ImagetteError(tr("The dataset's masks hold class codes missing from its class table. Sample again."))
        return self.lookup[masks]

    def counts(self, indices: np.ndarray, num_classes: int) -> np.ndarray:
        total = np.zeros(num_classes, dtype=np.int64)
        for start in range(0, indices.size, COUNT_BATCH):
            targets = self(np.sort(indices[start : start + COUNT_BATCH]))
            total += np.bincount(targets[targets >= 0], minlength=num_classes)
        return total


def dihedral(patches: np.ndarray, rng: np.random.Generator, masks: np.ndarray | None = None):
    """Each (bands, P, P) patch turned by a random multiple of 90 degrees and maybe mirrored.

    With masks (N, P, P), each mask moves with its patch; returns (patches, masks) then, else patches.
    """
    operations = rng.integers(0, 8, len(patches))
    out = np.empty_like(patches)
    out_masks = None if masks is None else np.empty_like(masks)
    for operation in range(8):
        chosen = np.flatnonzero(operations == operation)
        if chosen.size:
            turned = np.rot90(patches[chosen], operation % 4, axes=(-2, -1))
            out[chosen] = turned[..., ::-1] if operation >= 4 else turned
            if out_masks is not None and masks is not None:
                turned_masks = np.rot90(masks[chosen], operation % 4, axes=(-2, -1))
                out_masks[chosen] = turned_masks[..., ::-1] if operation >= 4 else turned_masks
    return out if out_masks is None else (out, out_masks)


def radiometric_jitter(patches: np.ndarray, strength: float, rng: np.random.Generator) -> np.ndarray:
    """Random per-patch, per-band gain (1 +- strength) and offset (std strength) on normalised values."""
    shape = (patches.shape[0], patches.shape[1], 1, 1)
    gain = rng.uniform(1 - strength, 1 + strength, shape).astype(np.float32)
    offset = rng.normal(0, strength, shape).astype(np.float32)
    return patches * gain + offset


class Prefetcher:
    """Runs make(item) for each item in a background thread, a few items ahead of the consumer.

    Used as a context manager so the thread stops when the consumer stops (a cancel, an error).
    waited is the time the consumer spent blocked waiting for the next item.
    """

    def __init__(self, make: Callable[[Any], Any], items: Sequence[Any], depth: int = PREFETCH) -> None:
        self.queue: queue.Queue = queue.Queue(maxsize=depth)
        self.stop = threading.Event()
        self.waited = 0.0
        self.thread = threading.Thread(target=self._produce, args=(make, items), name="imagette-batches", daemon=True)

    def _produce(self, make: Callable[[Any], Any], items: Sequence[Any]) -> None:
        try:
            for item in items:
                if self.stop.is_set():
                    return
                self._put((True, make(item)))
            self._put((False, None))
        except BaseException as error:  # handed to the consumer, which raises it
            self._put((False, error))

    def _put(self, entry: tuple) -> None:
        while not self.stop.is_set():
            try:
                self.queue.put(entry, timeout=0.1)
                return
            except queue.Full:
                continue

    def __enter__(self) -> Prefetcher:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        self.thread.join()

    def __iter__(self) -> Iterator[Any]:
        while True:
            start = time.perf_counter()
            ok, value = self.queue.get()
            self.waited += time.perf_counter() - start
            if not ok:
                if value is not None:
                    raise value
                return
            yield value
