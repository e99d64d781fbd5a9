"""What an accuracy assessment is asked and what it found: the ground the assessment, its report and the
algorithm share."""

from __future__ import annotations

from dataclasses import dataclass, field

from .area_estimates import Z_95
from .geometry import Geometry
from .map_classes import MapClass
from .reference_counts import ReferenceCounts


@dataclass
class AssessmentConfig:
    """What to assess.

    features: (geometry in the classification's CRS, reference class code); all points or all polygons.
    reference_names: names of reference codes the map does not name (shown in the report).
    """

    classification_path: str
    features: list[tuple[Geometry, int]]
    report_path: str | None = None
    reference_names: dict[int, str] = field(default_factory=dict)
    reference_description: str = ""
    z: float = Z_95
    count_unclassified: bool = True  # reference on map nodata counts against the map (see unclassified_scores)


@dataclass
class AssessmentResult:
    """What assess_accuracy found, and where it wrote the report."""

    classes: list[MapClass]  # rows and columns of the matrix, in code order
    counts: ReferenceCounts
    scores: dict  # the headline: unclassified_scores, or mapped_scores when config.count_unclassified is False
    mapped_scores: dict  # classification_scores of the matrix alone: the mapped area only
    coverage: float  # share of the counted reference on which the map gives a class
    map_pixels: dict[int, int]  # pixels of each class code over the whole map
    map_nodata_pixels: int
    points: bool
    estimates: dict | None  # stratified_estimates, for points
    notes: list[str]
    outside: int  # reference features wholly outside the map
    pixel_area: float
    area_unit: str
    report_path: str | None = None
