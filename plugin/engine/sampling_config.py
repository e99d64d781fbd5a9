"""What to sample: the labelled features and the sampling run's configuration, checked before anything is read."""

from __future__ import annotations

from dataclasses import dataclass, field

from .choices import MIN_PATCH_SIZE
from .classes import ClassEntry
from .errors import ImagetteError
from .i18n import tr


@dataclass
class LabelledFeature:
    """A polygon or point with its class, in the raster's CRS."""

    feature_id: int
    code: int
    geometry: dict  # GeoJSON-like: Polygon, MultiPolygon, Point or MultiPoint
    bounds: tuple[float, float, float, float]  # xmin, ymin, xmax, ymax

    @property
    def is_point(self) -> bool:
        return self.geometry["type"] in ("Point", "MultiPoint")


@dataclass
class SamplingConfig:
    """What to sample; sizes and spacings are in raster pixels."""

    raster_path: str
    features: list[LabelledFeature]
    classes: list[ClassEntry]
    output_dir: str
    patch_size: int = 32
    stride: int = 0  # spacing of the patch centres (the public STRIDE's name); 0: half the patch size
    min_class_share: float = 0.5
    nodata_tolerance: float = 0.0
    max_per_class: int = 0  # 0: no cap
    point_radius: int = 0  # a point labels the pixels within this many pixels of its own (0: its pixel only)
    validation_fraction: float = 0.2
    seed: int = 42
    provenance: dict = field(default_factory=dict)  # written as is into the metadata

    @property
    def grid_spacing(self) -> int:
        return self.stride or max(1, self.patch_size // 2)


def check_config(config: SamplingConfig) -> None:
    """Refuses a configuration that cannot be sampled, before the raster is opened."""
    if config.patch_size < MIN_PATCH_SIZE:
        raise ImagetteError(
            tr(
                "The patch size must be at least {least} pixels (got {size}): every network halves its input 3 "
                "times, so smaller patches cannot be trained on. Choose a patch size of {least} or more (16 to 64 "
                "suits most imagery)."
            ).format(least=MIN_PATCH_SIZE, size=config.patch_size)
        )
    if not 0 <= config.validation_fraction < 1:
        raise ImagetteError(
            tr("The validation fraction must be between 0 and 1 (got {fraction}).").format(
                fraction=config.validation_fraction
            )
        )
    if not 0 <= config.min_class_share <= 1 or not 0 <= config.nodata_tolerance <= 1:
        raise ImagetteError(tr("The minimum class share and the nodata tolerance are fractions between 0 and 1."))
    if not config.features:
        raise ImagetteError(
            tr("The vector layer has no feature with a class. Check the layer, the class field and the selection.")
        )
