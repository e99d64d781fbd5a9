"""imagette:samplepatches: cuts training patches from a raster inside labelled polygons or at points."""

from __future__ import annotations

import json

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)

from ..plugin import styling
from ..plugin.compat import (
    FIELD_INT,
    FIELD_STRING,
    NUMBER_DOUBLE,
    NUMBER_INTEGER,
    SOURCE_POINT,
    SOURCE_POLYGON,
    WKB_POLYGON,
)
from ..plugin.engine.choices import MIN_PATCH_SIZE
from ..plugin.engine.classes import ClassEntry, check_code, codes_for_names, palette_color
from ..plugin.engine.i18n import tr_noop
from .base import ImagetteAlgorithm
from .labels import check_class_field, class_rows, resolve_layers

MAX_PATCH_SIZE = 1024


class SamplePatches(ImagetteAlgorithm):
    NAME = "samplepatches"
    NEEDS_RASTERIO = True
    DISPLAY_NAME = tr_noop("Sample training patches")
    SHORT_DESCRIPTION = tr_noop(
        "Cuts labelled training patches (imagettes) from a raster inside polygons or at points."
    )
    TAGS = tr_noop("sample,patch,imagette,training,dataset,label,polygon,split,validation,deep learning,cnn")
    HELP = tr_noop(
        "Cuts square training patches (imagettes) out of a raster wherever labelled polygons or points are, "
        "and writes a dataset folder for 'Train patch classifier'.\n\n"
        "Inside polygons, patch centres lie on a grid (the stride); at points, one patch is centred on each point, "
        "and every point near it labels its own pixel in the patch's mask. With the default stride, the grid is "
        "tightened inside polygons too small for about sixteen patches.\n\n"
        "Every patch gets its mask: the class of each pixel whose centre lies in a polygon (or under a point) of the "
        "patch's own split, 0 elsewhere. Segmentation networks (U-Nets) learn from the masks, so they use every "
        "patch: one that crosses the raster edge or holds nodata keeps those pixels unlabelled (and filled with the "
        "patch's band means). Patch classifiers learn one class per patch, so they leave out the patches that "
        "cross the raster edge, hold more nodata than tolerated, or hold too little of their own class (counted "
        "against what the patch can hold of its polygon, so polygons smaller than a patch still give patches). "
        "Only a patch centred on nodata is never cut. The log says, per class, how many features, patches and "
        "labelled pixels went to each split, and how many of the training labels some training mask holds; it "
        "names the classes left with too few patches and what to change. The default 32 px suits 10 to 30 m "
        "imagery for every network; on sub-metre imagery, 64 to 256 px give a U-Net the wider context a pixel "
        "needs there, and 16 to 64 px suit patch classifiers.\n\n"
        "Validation is split by feature before any patch is cut: each polygon or point goes whole to training or to "
        "validation, per class and seeded, so that validation holds the asked share of the class's labelled pixels "
        "(of its points). A validation label is never a training target: training masks leave validation pixels "
        "unlabelled. Training patches may still show validation pixels as imagery around their own labels, so the "
        "network has seen the validation areas as context, never their classes; patches are not dropped for it, "
        "which on touching polygons or crowded points would cost most of the training labels.\n\n"
        "Integer class values are kept as class codes; text values get codes 1, 2, ... in alphabetical order. "
        "Class colours come from the layer's categorized style on the class field when it has one. A class "
        "field that gives nearly every feature its own class (an identifier such as fid, QGIS's first choice) is "
        "refused, and the message names the fields that look like classes. "
        "The footprints layer shows where every patch came from, in its class colour, validation patches hatched."
    )

    INPUT_RASTER = "INPUT_RASTER"
    INPUT_VECTOR = "INPUT_VECTOR"
    CLASS_FIELD = "CLASS_FIELD"
    PATCH_SIZE = "PATCH_SIZE"
    VALIDATION_FRACTION = "VALIDATION_FRACTION"
    SEED = "SEED"
    STRIDE = "STRIDE"
    MIN_CLASS_SHARE = "MIN_CLASS_SHARE"
    NODATA_TOLERANCE = "NODATA_TOLERANCE"
    MAX_PER_CLASS = "MAX_PER_CLASS"
    POINT_RADIUS = "POINT_RADIUS"
    OUTPUT_DATASET = "OUTPUT_DATASET"
    OUTPUT_FOOTPRINTS = "OUTPUT_FOOTPRINTS"
    TOTAL_PATCHES = "TOTAL_PATCHES"
    TRAINING_PATCHES = "TRAINING_PATCHES"
    VALIDATION_PATCHES = "VALIDATION_PATCHES"

    def initAlgorithm(self, config=None):  # noqa: N802
        number = QgsProcessingParameterNumber
        self.add_parameter(
            QgsProcessingParameterRasterLayer(self.INPUT_RASTER, self.tr("Input raster")),
            "The image to sample: any raster GDAL reads, any number of bands (uint8, uint16, int16 or float32).",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT_VECTOR,
                self.tr("Labelled polygons or points"),
                [SOURCE_POLYGON, SOURCE_POINT],
            ),
            "Training polygons (or points) with a class field, in any CRS: they are reprojected to the raster's CRS.",
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.CLASS_FIELD, self.tr("Class field"), parentLayerParameterName=self.INPUT_VECTOR
            ),
            "Field holding the class: integers are kept as class codes (1 and up; 0 means nodata), text gets codes "
            "1, 2, ... in alphabetical order. Features with an empty class are skipped.",
        )
        self.add_parameter(
            number(
                self.PATCH_SIZE,
                self.tr("Patch size (pixels)"),
                NUMBER_INTEGER,
                32,
                minValue=MIN_PATCH_SIZE,
                maxValue=MAX_PATCH_SIZE,
            ),
            self.tr(
                "Side of the square patch the classifier sees, in raster pixels, from {smallest} (every network "
                "halves it three times) to {largest}. Larger patches see more context but need larger polygons; "
                "16 to 64 suits most orthophotos and Sentinel-2 scenes."
            ).format(smallest=MIN_PATCH_SIZE, largest=MAX_PATCH_SIZE),
        )
        self.add_parameter(
            number(
                self.VALIDATION_FRACTION, self.tr("Validation fraction"), NUMBER_DOUBLE, 0.2, minValue=0, maxValue=0.9
            ),
            "Share of each class's patches set aside for validation, by whole polygons or points. 0 disables validation.",
        )
        self.add_parameter(
            number(self.SEED, self.tr("Random seed"), NUMBER_INTEGER, 42, minValue=0),
            "Seed of the split and the per-class cap: the same seed gives the same dataset.",
        )
        self.add_parameter(
            number(
                self.STRIDE,
                self.tr("Stride between patch centres (pixels, 0 = half the patch)"),
                NUMBER_INTEGER,
                0,
                minValue=0,
            ),
            "Distance between neighbouring patch centres inside polygons, in pixels. Smaller strides give more, "
            "more overlapping patches.",
            advanced=True,
        )
        self.add_parameter(
            number(
                self.MIN_CLASS_SHARE,
                self.tr("Minimum share of the patch inside its class"),
                NUMBER_DOUBLE,
                0.5,
                minValue=0,
                maxValue=1,
            ),
            "Patch classifiers use a patch only if at least this fraction of its pixels lies inside polygons of its own "
            "class; segmentation networks use every patch.",
            advanced=True,
        )
        self.add_parameter(
            number(
                self.NODATA_TOLERANCE,
                self.tr("Tolerated share of nodata pixels"),
                NUMBER_DOUBLE,
                0.0,
                minValue=0,
                maxValue=1,
            ),
            "Patch classifiers leave out the patches with a larger fraction of nodata pixels, and classify only where "
            "a patch holds no more; segmentation networks use every patch, its nodata pixels unlabelled. Nodata "
            "pixels are filled with the patch's band means.",
            advanced=True,
        )
        self.add_parameter(
            number(
                self.MAX_PER_CLASS, self.tr("Maximum patches per class (0 = no limit)"), NUMBER_INTEGER, 0, minValue=0
            ),
            "Caps the patches of each class, drawn at random (seeded), so that a huge class does not drown the others.",
            advanced=True,
        )
        self.add_parameter(
            number(
                self.POINT_RADIUS,
                self.tr("Radius labelled around each point (pixels)"),
                NUMBER_INTEGER,
                0,
                minValue=0,
                maxValue=16,
            ),
            "A point labels the pixel under it; with a radius, also the pixels within that many pixels of it (a "
            "disc) where no polygon lies, for segmentation networks to learn from. Use it where a point stands for "
            "a homogeneous area at least that wide.",
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterFolderDestination(self.OUTPUT_DATASET, self.tr("Dataset folder")),
            "Folder where the dataset is written (patches, labels, split and metadata), to give to 'Train patch classifier'.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT_FOOTPRINTS, self.tr("Patch footprints"), SOURCE_POLYGON),
            "One square per patch with its class code, class name and split (train or validation).",
        )
        for name, label in (
            (self.TOTAL_PATCHES, self.tr("Total patches")),
            (self.TRAINING_PATCHES, self.tr("Training patches")),
            (self.VALIDATION_PATCHES, self.tr("Validation patches")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, label))

    def execute(self, parameters, context, feedback, progress):
        from ..plugin.engine.sampling import SamplingConfig, sample_patches

        field_name = self.parameterAsString(parameters, self.CLASS_FIELD, context)
        raster, source, field_index = resolve_layers(
            self, parameters, context, self.INPUT_RASTER, self.INPUT_VECTOR, self.CLASS_FIELD, self.tr("The raster")
        )
        features, classes, skipped = self.labelled_features(parameters, context, source, field_index, raster.crs())
        if skipped:
            feedback.pushWarning(
                self.tr("{count} feature(s) with an empty class or no geometry were skipped.").format(count=skipped)
            )
        progress.info(
            self.tr("{features} labelled feature(s) in {classes} class(es).").format(
                features=len(features), classes=len(classes)
            )
        )

        output_dir = self.parameterAsFileOutput(parameters, self.OUTPUT_DATASET, context)
        config = SamplingConfig(
            raster_path=raster.source(),
            features=features,
            classes=classes,
            output_dir=output_dir,
            patch_size=self.parameterAsInt(parameters, self.PATCH_SIZE, context),
            stride=self.parameterAsInt(parameters, self.STRIDE, context),
            min_class_share=self.parameterAsDouble(parameters, self.MIN_CLASS_SHARE, context),
            nodata_tolerance=self.parameterAsDouble(parameters, self.NODATA_TOLERANCE, context),
            max_per_class=self.parameterAsInt(parameters, self.MAX_PER_CLASS, context),
            point_radius=self.parameterAsInt(parameters, self.POINT_RADIUS, context),
            validation_fraction=self.parameterAsDouble(parameters, self.VALIDATION_FRACTION, context),
            seed=self.parameterAsInt(parameters, self.SEED, context),
            provenance={"vector": source.sourceName(), "class_field": field_name},
        )
        result = sample_patches(config, progress)
        self.report(result, progress)

        sink, sink_id = self.footprint_sink(parameters, context, raster.crs())
        styling.style_when_loaded(context, sink_id, classes)  # by class colour, validation hatched
        names = {entry.code: entry.name for entry in classes}
        for xmin, ymin, xmax, ymax, code, split in result.footprints():
            feature = QgsFeature()
            feature.setGeometry(QgsGeometry.fromRect(QgsRectangle(xmin, ymin, xmax, ymax)))
            feature.setAttributes([code, names[code], split])
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        counts = result.metadata["counts"]
        training, validation = (sum(counts[name].values()) for name in ("train", "validation"))
        return {
            self.OUTPUT_DATASET: output_dir,
            self.OUTPUT_FOOTPRINTS: sink_id,
            self.TOTAL_PATCHES: training + validation,
            self.TRAINING_PATCHES: training,
            self.VALIDATION_PATCHES: validation,
        }

    def labelled_features(self, parameters, context, source, field_index, raster_crs):
        """Features reprojected to the raster CRS as GeoJSON, with class codes and the class table."""
        from ..plugin.engine.sampling import LabelledFeature

        rows, is_integer, skipped = class_rows(context, source, field_index, raster_crs)
        self.check_class_field(parameters, context, source, field_index, [value for _, value, _ in rows])
        if is_integer:
            codes = {value: value for _, value, _ in rows}
        else:
            codes = codes_for_names(value for _, value, _ in rows)
        for code in set(codes.values()):
            check_code(code)
        style = self.style_of(parameters, context, source.fields().at(field_index).name())
        classes = []
        for index, (value, code) in enumerate(sorted(codes.items(), key=lambda item: item[1])):
            label, color = style.get(str(value), (None, None))
            classes.append(ClassEntry(code, label or str(value), color or palette_color(index)))
        features = []
        for feature_id, value, geometry in rows:
            box = geometry.boundingBox()
            features.append(
                LabelledFeature(
                    feature_id,
                    codes[value],
                    json.loads(geometry.asJson()),
                    (box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()),
                )
            )
        return features, classes, skipped

    def check_class_field(self, parameters, context, source, field_index, values):
        """Refuses an identifier as the class field (labels.check_class_field), naming the style's field first."""
        check_class_field(source, field_index, values, lambda: self.categorized_field(parameters, context))

    def categorized_field(self, parameters, context):
        """The field the layer's categorized style uses (its saved default style for a file), or None."""
        layer, renderer = self.renderer_of(parameters, context, None)
        if isinstance(renderer, QgsCategorizedSymbolRenderer) and layer is not None:
            return renderer.classAttribute()
        return None

    def renderer_of(self, parameters, context, field_name):
        """(layer, renderer) of the input layer; its saved default style when the loaded one is not categorized
        on field_name (any field for None) and the layer is not in the project. Keep the layer while using the
        renderer: it owns it.

        A layer given as a file path has no style in Processing; its saved default style (a .qml beside
        it, or the GeoPackage's own) is read from a separate copy, so no shared layer is changed.
        """
        layer = self.parameterAsVectorLayer(parameters, self.INPUT_VECTOR, context)
        if layer is None:
            return None, None
        renderer = layer.renderer()
        in_project = context.project() is not None and context.project().mapLayer(layer.id()) is not None
        if not self.categorized_on(renderer, field_name) and not in_project:
            layer = QgsVectorLayer(layer.source(), layer.name(), layer.providerType())
            renderer = layer.renderer()
        return layer, renderer

    def style_of(self, parameters, context, field_name):
        """Labels and colours of the layer's categorized style on the class field, keyed by value as text."""
        layer, renderer = self.renderer_of(parameters, context, field_name)  # layer kept: it owns the renderer
        if layer is None or not self.categorized_on(renderer, field_name):
            return {}
        return {
            str(category.value()): (category.label() or None, category.symbol().color().name())
            for category in renderer.categories()
            if category.symbol() is not None
        }

    @staticmethod
    def categorized_on(renderer, field_name):
        """Whether renderer is categorized on field_name (on any field for None)."""
        return isinstance(renderer, QgsCategorizedSymbolRenderer) and field_name in (None, renderer.classAttribute())

    def footprint_sink(self, parameters, context, crs):
        fields = QgsFields()
        fields.append(QgsField("class_code", FIELD_INT))
        fields.append(QgsField("class_name", FIELD_STRING))
        fields.append(QgsField("split", FIELD_STRING))
        sink, sink_id = self.parameterAsSink(parameters, self.OUTPUT_FOOTPRINTS, context, fields, WKB_POLYGON, crs)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_FOOTPRINTS))
        return sink, sink_id

    def report(self, result, progress):
        metadata = result.metadata
        # The reasons are the dataset's English keys (candidates.py marks them for translation): shown translated.
        for reason, count in metadata["rejected"].items():
            if count:
                progress.info(self.tr("Rejected: {count} × {reason}.").format(count=count, reason=self.tr(reason)))
        for reason, count in metadata["not_classifiable"].items():
            if count:
                progress.info(
                    self.tr(
                        "Kept for segmentation networks only (patch classifiers leave it out): {count} × {reason}."
                    ).format(count=count, reason=self.tr(reason))
                )
