"""What differs between QGIS 3.22 and QGIS 4.x (Qt6), owned here so the rest of the plugin is written once.

Two kinds of difference, each taken from where the running QGIS has it:
- enums that QGIS moved into `Qgis` (3.30 to 3.36) and that QGIS 4 no longer answers to at their old home
  (`QgsProcessing.TypeVectorPolygon` raises AttributeError there): the new home where it exists, else the
  3.22 one, both in their scoped form;
- field types: `QMetaType.Type` from QGIS 3.38 on (PyQt6 has no `QVariant.Int`), `QVariant.Type` before.

Everything else (Qt enums in their scoped form, `exec()`, `qgis.PyQt` imports) is the same on every version and
is written directly; tests/plugin/test_qt6.py checks the plugin's code against PyQt6 and the running QGIS.
"""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsColorRampShader,
    QgsProcessing,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType, QVariant

# Processing: Qgis.Processing* from QGIS 3.36.
if hasattr(Qgis, "ProcessingSourceType"):
    SOURCE_VECTOR = Qgis.ProcessingSourceType.Vector
    SOURCE_POINT = Qgis.ProcessingSourceType.VectorPoint
    SOURCE_POLYGON = Qgis.ProcessingSourceType.VectorPolygon
    FLAG_ADVANCED = Qgis.ProcessingParameterFlag.Advanced
    FLAG_OPTIONAL = Qgis.ProcessingParameterFlag.Optional
    BEHAVIOR_FILE = Qgis.ProcessingFileParameterBehavior.File
    BEHAVIOR_FOLDER = Qgis.ProcessingFileParameterBehavior.Folder
    NUMBER_INTEGER = Qgis.ProcessingNumberParameterType.Integer
    NUMBER_DOUBLE = Qgis.ProcessingNumberParameterType.Double
else:
    SOURCE_VECTOR = QgsProcessing.SourceType.TypeVector
    SOURCE_POINT = QgsProcessing.SourceType.TypeVectorPoint
    SOURCE_POLYGON = QgsProcessing.SourceType.TypeVectorPolygon
    FLAG_ADVANCED = QgsProcessingParameterDefinition.Flag.FlagAdvanced
    FLAG_OPTIONAL = QgsProcessingParameterDefinition.Flag.FlagOptional
    BEHAVIOR_FILE = QgsProcessingParameterFile.Behavior.File
    BEHAVIOR_FOLDER = QgsProcessingParameterFile.Behavior.Folder
    NUMBER_INTEGER = QgsProcessingParameterNumber.Type.Integer
    NUMBER_DOUBLE = QgsProcessingParameterNumber.Type.Double

# Geometry types: Qgis.WkbType from QGIS 3.30.
if hasattr(Qgis, "WkbType"):
    WKB_POLYGON = Qgis.WkbType.Polygon
    WKB_NO_GEOMETRY = Qgis.WkbType.NoGeometry
else:
    WKB_POLYGON = QgsWkbTypes.Type.Polygon
    WKB_NO_GEOMETRY = QgsWkbTypes.Type.NoGeometry

# Colour ramps: Qgis.ShaderInterpolationMethod from QGIS 3.30.
if hasattr(Qgis, "ShaderInterpolationMethod"):
    RAMP_LINEAR = Qgis.ShaderInterpolationMethod.Linear
else:
    RAMP_LINEAR = QgsColorRampShader.Type.Interpolated

# Field types: QgsField takes and returns QMetaType.Type from QGIS 3.38; QGIS 4 (PyQt6) has no QVariant.Type.
if Qgis.QGIS_VERSION_INT >= 33800:
    FIELD_INT = QMetaType.Type.Int
    FIELD_LONGLONG = QMetaType.Type.LongLong
    FIELD_DOUBLE = QMetaType.Type.Double
    FIELD_STRING = QMetaType.Type.QString
    INTEGER_FIELD_TYPES = (
        QMetaType.Type.Int,
        QMetaType.Type.UInt,
        QMetaType.Type.LongLong,
        QMetaType.Type.ULongLong,
    )
else:
    FIELD_INT = QVariant.Int
    FIELD_LONGLONG = QVariant.LongLong
    FIELD_DOUBLE = QVariant.Double
    FIELD_STRING = QVariant.String
    INTEGER_FIELD_TYPES = (QVariant.Int, QVariant.UInt, QVariant.LongLong, QVariant.ULongLong)
