"""imagette:assessaccuracy: scores a classification against reference polygons or points."""

from __future__ import annotations

import json

from qgis.core import (
    NULL,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterRasterLayer,
)

from ..plugin.compat import (
    FIELD_DOUBLE,
    FIELD_INT,
    FIELD_LONGLONG,
    FIELD_STRING,
    SOURCE_POINT,
    SOURCE_POLYGON,
    SOURCE_VECTOR,
    WKB_NO_GEOMETRY,
)
from ..plugin.engine.i18n import tr_noop
from .base import ImagetteAlgorithm
from .labels import check_class_field, class_rows, resolve_layers


class AssessAccuracy(ImagetteAlgorithm):
    NAME = "assessaccuracy"
    NEEDS_RASTERIO = True
    DISPLAY_NAME = tr_noop("Assess map accuracy")
    SHORT_DESCRIPTION = tr_noop(
        "Scores a classification against reference polygons or points, with area-adjusted estimates."
    )
    TAGS = tr_noop("accuracy,assessment,validation,confusion matrix,kappa,f1,area,olofsson,stratified,reference,map")
    HELP = tr_noop(
        "Compares a classification raster with reference polygons or points and writes an HTML report: the confusion "
        "matrix (rows reference, columns map), producer's and user's accuracy and F1 of every class, overall accuracy, "
        "macro-F1 and kappa.\n\n"
        "Polygons count the pixels whose centre lies inside them; a point counts the pixel under it. Reference on map "
        "nodata (0, or the raster's nodata value) counts against the map, as unclassified: a map that gives no class "
        "there has failed there. The overall accuracy of the mapped area alone and the coverage (the share of the "
        "reference the map classifies) are given beside it. Pixels inside overlapping polygons of different classes "
        "are left out. Classes found on one side only are reported, not refused. An identifier as the class field "
        "(every feature its own class, such as fid) is refused, and a reference whose classes are mostly not the "
        "map's, or agree with it no better than chance, is warned about.\n\n"
        "With points drawn at random within each map class (stratified random sampling), the report adds the "
        "area-adjusted estimates of Olofsson et al. (2014): overall, user's and producer's accuracy and the area of "
        "each class, with 95 % confidence intervals, the map classes' shares of the whole raster serving as strata "
        "weights.\n\n"
        "Text class values are matched to the map's class names (category names in the raster or its .aux.xml, or the "
        "labels of its .qml style), exactly, accents and case included; integer values are class codes. Works on any "
        "integer classification, Imagette's or another tool's. The reference may be in any CRS."
    )

    INPUT_CLASSIFICATION = "INPUT_CLASSIFICATION"
    REFERENCE = "REFERENCE"
    CLASS_FIELD = "CLASS_FIELD"
    OUTPUT_REPORT = "OUTPUT_REPORT"
    OUTPUT_CONFUSION = "OUTPUT_CONFUSION"
    COUNT_UNCLASSIFIED = "COUNT_UNCLASSIFIED"
    OVERALL_ACCURACY = "OVERALL_ACCURACY"
    OVERALL_ACCURACY_MAPPED = "OVERALL_ACCURACY_MAPPED"
    COVERAGE = "COVERAGE"
    MACRO_F1 = "MACRO_F1"
    KAPPA = "KAPPA"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_parameter(
            QgsProcessingParameterRasterLayer(self.INPUT_CLASSIFICATION, self.tr("Classification")),
            "The map to assess: a raster of integer class codes (band 1), such as the output of 'Classify raster'. "
            "0, or the raster's nodata value, means no class.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.REFERENCE,
                self.tr("Reference polygons or points"),
                [SOURCE_POLYGON, SOURCE_POINT],
            ),
            "The ground truth, in any CRS (reprojected to the map's). Points drawn at random within each map class "
            "also give area-adjusted accuracy and class areas. Polygons must not be the training polygons.",
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.CLASS_FIELD, self.tr("Reference class field"), parentLayerParameterName=self.REFERENCE
            ),
            "Field holding each reference feature's class: integers are the map's class codes; text is matched to the "
            "map's class names exactly. Features with an empty class are skipped.",
        )
        self.add_parameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_REPORT, self.tr("Accuracy report"), self.tr("HTML files (*.html)")
            ),
            "HTML report: confusion matrix, per-class scores and, for points, area-adjusted estimates.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_CONFUSION,
                self.tr("Confusion matrix table"),
                SOURCE_VECTOR,
                optional=True,
                createByDefault=False,
            ),
            "Optional table without geometry: one row per reference class, a column of counts per map class "
            "(map_<code>), the reference on nodata (unclassified), producer's and user's accuracy and F1 (as the "
            "headline scores count them).",
        )
        self.add_parameter(
            QgsProcessingParameterBoolean(
                self.COUNT_UNCLASSIFIED, self.tr("Count reference on map nodata as unclassified"), defaultValue=True
            ),
            "On: reference pixels or points where the map gives no class count against the map (a column "
            "'unclassified' of the confusion matrix), in overall accuracy, macro-F1, kappa and producer's accuracy. "
            "Off: they are left out, and the scores describe the mapped area only. Either way the mapped-area-only "
            "overall accuracy and the coverage are given.",
            advanced=True,
        )
        for name, label in (
            (self.OVERALL_ACCURACY, self.tr("Overall accuracy")),
            (self.MACRO_F1, self.tr("Macro-F1")),
            (self.KAPPA, self.tr("Kappa")),
            (self.OVERALL_ACCURACY_MAPPED, self.tr("Overall accuracy, mapped area only")),
            (self.COVERAGE, self.tr("Coverage: share of the reference the map classifies")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, label))

    def execute(self, parameters, context, feedback, progress):
        from ..plugin.engine.assessment import assess_accuracy
        from ..plugin.engine.assessment_result import AssessmentConfig
        from ..plugin.engine.map_classes import map_classes, match_reference_values

        field_name = self.parameterAsString(parameters, self.CLASS_FIELD, context)
        raster, source, field_index = resolve_layers(
            self,
            parameters,
            context,
            self.INPUT_CLASSIFICATION,
            self.REFERENCE,
            self.CLASS_FIELD,
            self.tr("The classification"),
        )
        labelled, _, skipped = class_rows(context, source, field_index, raster.crs())
        check_class_field(source, field_index, [value for _, value, _ in labelled])
        rows = [(value, json.loads(geometry.asJson())) for _, value, geometry in labelled]
        if skipped:
            feedback.pushWarning(
                self.tr("{count} reference feature(s) with an empty class or no geometry were skipped.").format(
                    count=skipped
                )
            )
        table = map_classes(raster.source())
        codes = match_reference_values(
            (value for value, _ in rows),
            table,
            field_name,
            self.tr("the classification '{name}'").format(name=raster.name()),
        )
        names = {codes[value]: str(value) for value, _ in rows if isinstance(value, str)}
        features = [(geometry, codes[value]) for value, geometry in rows]
        progress.info(
            self.tr("{features} reference feature(s) in {classes} class(es); the map names {named} class(es).").format(
                features=len(features),
                classes=len(set(codes.values())),
                named=len([c for c in table.values() if c.name]),
            )
        )
        report_path = self.parameterAsFileOutput(parameters, self.OUTPUT_REPORT, context)
        config = AssessmentConfig(
            classification_path=raster.source(),
            features=features,
            report_path=report_path,
            reference_names=names,
            reference_description=f"{source.sourceName()}, field '{field_name}' ({len(features)} features)",
            count_unclassified=self.parameterAsBool(parameters, self.COUNT_UNCLASSIFIED, context),
        )
        result = assess_accuracy(config, progress)
        scores = result.scores
        unclassified = result.counts.nodata_pixels if config.count_unclassified else 0
        if result.points:
            headline = self.tr(
                "Overall accuracy {accuracy}, macro-F1 {f1}, kappa {kappa} on {count} reference point(s)"
            )
        else:
            headline = self.tr(
                "Overall accuracy {accuracy}, macro-F1 {f1}, kappa {kappa} on {count} reference pixel(s)"
            )
        headline = headline.format(
            accuracy=self.percent(scores["overall_accuracy"]),
            f1=self.fixed(scores["macro_f1"]),
            kappa=self.fixed(scores["kappa"]),
            count=int(result.counts.confusion.sum()) + unclassified,
        )
        if unclassified:
            headline += self.tr(", {count} of them unclassified by the map").format(count=unclassified)
        mapped = self.tr("; on the mapped area only, overall accuracy {accuracy}; coverage {coverage}.").format(
            accuracy=f"{result.mapped_scores['overall_accuracy']:.2%}", coverage=f"{result.coverage:.2%}"
        )
        progress.info(headline + mapped)
        for entry, per_class in zip(result.classes, scores["per_class"]):
            progress.info(
                self.tr(
                    "Class {code} '{name}': producer's accuracy {producer}, user's accuracy {user}, F1 {f1}."
                ).format(
                    code=entry.code,
                    name=entry.label,
                    producer=self.percent(per_class["recall"]),
                    user=self.percent(per_class["precision"]),
                    f1=self.fixed(per_class["f1"]),
                )
            )
        if result.estimates is not None:
            estimates = result.estimates
            interval = estimates["overall_accuracy_ci"]
            progress.info(
                self.tr("Area-adjusted overall accuracy {accuracy}").format(
                    accuracy=self.percent(estimates["overall_accuracy"])
                )
                + ("" if interval is None else f" ± {interval:.1%} (95 %)")
                + self.tr("; class areas and their intervals are in the report.")
            )
        outputs = {
            self.OUTPUT_REPORT: report_path,
            self.OVERALL_ACCURACY: scores["overall_accuracy"],
            self.MACRO_F1: scores["macro_f1"],
            self.KAPPA: scores["kappa"],
            self.OVERALL_ACCURACY_MAPPED: result.mapped_scores["overall_accuracy"],
            self.COVERAGE: result.coverage,
        }
        sink_id = self.write_confusion(parameters, context, result)
        if sink_id is not None:
            outputs[self.OUTPUT_CONFUSION] = sink_id
        return outputs

    def percent(self, value):
        return self.tr("n/a") if value is None else f"{value:.1%}"

    def fixed(self, value):
        return self.tr("n/a") if value is None else f"{value:.3f}"

    def write_confusion(self, parameters, context, result):
        """Writes the optional confusion table; returns its id, or None when it was not asked for."""
        if parameters.get(self.OUTPUT_CONFUSION) is None:
            return None
        fields = QgsFields()
        fields.append(QgsField("reference_code", FIELD_INT))
        fields.append(QgsField("reference_class", FIELD_STRING))
        for entry in result.classes:
            field = QgsField(f"map_{entry.code}", FIELD_LONGLONG)
            field.setAlias(entry.label)
            fields.append(field)
        for name, kind in (
            ("on_nodata", FIELD_LONGLONG),
            ("total", FIELD_LONGLONG),
            ("producers_accuracy", FIELD_DOUBLE),
            ("users_accuracy", FIELD_DOUBLE),
            ("f1", FIELD_DOUBLE),
        ):
            fields.append(QgsField(name, kind))
        sink, sink_id = self.parameterAsSink(parameters, self.OUTPUT_CONFUSION, context, fields, WKB_NO_GEOMETRY)
        if sink is None:
            return None
        mapped = result.counts.confusion.sum(axis=0)
        for index, (entry, scores) in enumerate(zip(result.classes, result.scores["per_class"])):
            row = result.counts.confusion[index]
            feature = QgsFeature(fields)
            feature.setAttributes(
                [entry.code, entry.label]
                + [int(value) for value in row]
                + [int(result.counts.on_nodata[index]), int(row.sum())]
                + [
                    NULL if scores["recall"] is None else scores["recall"],
                    scores["precision"] if mapped[index] else NULL,
                    NULL if scores["f1"] is None else scores["f1"],
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        return sink_id
