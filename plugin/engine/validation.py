"""Map-level validation: the scores of the map a person gets, on the validation polygons.

Validation patches are the easy cases (mostly inside one class, away from borders); the map is used
everywhere. So the headline scores of a training run are those of the map: every pixel of the map
whose centre lies in a validation feature (borders included), classified by the same tile classifier,
grid and defaults as 'Classify raster', against the feature's class. Map pixels that are nodata
(input nodata, patches that cannot be formed) are left out and counted. Only windows around the
validation features are read and classified, so memory stays bounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from rasterio.errors import RasterioIOError

from . import dataset as ds
from .errors import CanceledError, ImagetteError
from .geometry import geometry_bounds
from .i18n import tr
from .inference import classify_extents
from .io import open_raster
from .modelfile import ModelFile
from .progress import Progress
from .reference_counts import ReferenceCounts, reference_confusion


@dataclass
class MapValidation:
    """What map-level validation measured, or why it could not.

    counts: the sum over the features; per_feature: each feature's confusion matrix (features, K, K) and
    feature_codes its class, which a bootstrap over features resamples.
    """

    counts: ReferenceCounts | None
    features: int
    reason: str = ""  # why counts is None, in the person's language (it ends up in a warning)
    per_feature: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0), dtype=np.int64))
    feature_codes: list[int] = field(default_factory=list)

    def __add__(self, other: MapValidation) -> MapValidation:
        """Both scorings together (of one model's classes), as if their features had been scored at once."""
        if self.counts is None or other.counts is None:
            return other if self.counts is None else self
        counts = ReferenceCounts.empty(self.counts.codes)
        counts += self.counts
        counts += other.counts
        return MapValidation(
            counts,
            self.features + other.features,
            "",
            np.concatenate([self.per_feature, other.per_feature]),
            self.feature_codes + other.feature_codes,
        )


def validate_map(model: ModelFile, dataset: ds.Dataset, device: torch.device, progress: Progress) -> MapValidation:
    """Scores the model's map on the dataset's validation features; counts is None when it cannot."""
    features = dataset.features(ds.VALIDATION)
    if not features:
        reason = (
            tr("the dataset has no validation features")
            if dataset.metadata["format_version"] >= 2
            else tr("the dataset was sampled by an earlier version of Imagette, which did not keep its polygons")
        )
        return MapValidation(None, 0, reason)
    return score_features(model, dataset.metadata["raster"], features, device, progress)


def score_features(
    model: ModelFile, raster: str, features: list[tuple[dict, int]], device: torch.device, progress: Progress
) -> MapValidation:
    """Scores the model's map of the raster on the given (geometry, class code) features, each on its own.

    Progress moves from 0 to 100 % over the features.
    """
    codes = [entry.code for entry in model.classes]
    try:
        with open_raster(raster) as src:
            counts = ReferenceCounts.empty(codes)
            per_feature = []
            extents = [geometry_bounds(geometry) for geometry, _ in features]
            classified = zip(features, classify_extents(model, src, extents, device, progress))
            for (geometry, code), (classes, transform) in progress.iterate(classified, len(features)):
                feature_counts = reference_confusion(classes, transform, [(geometry, code)], codes)
                per_feature.append(feature_counts.confusion)
                counts += feature_counts
    except CanceledError:
        return MapValidation(None, len(features), tr("the run was canceled"))
    except (ImagetteError, RasterioIOError, OSError) as error:
        reason = tr("the source raster '{raster}' cannot be read any more ({problem})").format(
            raster=raster, problem=error
        )
        return MapValidation(None, len(features), reason)
    return MapValidation(counts, len(features), "", np.stack(per_feature), [code for _, code in features])
