"""imagette:trainclassifier: trains a small CNN or a ResNet on a dataset from 'Sample training patches'."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..plugin.compat import BEHAVIOR_FOLDER, NUMBER_DOUBLE, NUMBER_INTEGER
from ..plugin.engine.choices import (
    ARCHITECTURE_LABELS,
    ARCHITECTURES,
    CROSS_VALIDATION_LABELS,
    CROSS_VALIDATION_MODES,
    DEFAULT_ARCHITECTURE,
    DEVICE_LABELS,
    DEVICES,
    PRETRAINED_LABELS,
    PRETRAINED_MODES,
)
from ..plugin.engine.choices import (
    FOLDS as DEFAULT_FOLDS,
)
from ..plugin.engine.choices import (
    PATCHES_PER_EPOCH as DEFAULT_PATCHES_PER_EPOCH,
)
from ..plugin.engine.i18n import tr_noop
from ..plugin.i18n import tr
from .base import ImagetteAlgorithm


def parse_rgb_bands(text: str) -> tuple[int, int, int] | None:
    """'3,2,1' (1-based red, green, blue band numbers) as 0-based indices; empty text gives None."""
    text = text.strip()
    if not text:
        return None
    try:
        bands = tuple(int(part) - 1 for part in text.replace(";", ",").split(","))
    except ValueError:
        bands = ()
    if len(bands) != 3 or min(bands) < 0 or len(set(bands)) != 3:
        raise QgsProcessingException(
            tr(
                "RGB bands '{bands}' are not understood: give three different band numbers for red, green and blue, "
                "separated by commas, e.g. 3,2,1."
            ).format(bands=text)
        )
    return bands[0], bands[1], bands[2]


class TrainClassifier(ImagetteAlgorithm):
    NAME = "trainclassifier"
    NEEDS_RASTERIO = True
    DISPLAY_NAME = tr_noop("Train patch classifier")
    SHORT_DESCRIPTION = tr_noop(
        "Trains a CNN that classifies patches or segments pixels, from a dataset of labelled patches."
    )
    TAGS = tr_noop(
        "train,classifier,cnn,resnet,u-net,unet,segmentation,deep learning,pytorch,land cover,patch,imagette,gpu,"
        "fine-tune,pretrained"
    )
    NEEDS_TORCH = True
    HELP = tr_noop(
        "Trains a convolutional network on the dataset written by 'Sample training patches' and saves one model file "
        "for 'Classify raster', with an HTML report.\n\n"
        "The default, the U-Net (from scratch), gave the best maps on real imagery: see below. "
        "Small CNN: trained from scratch, fast on a CPU, any band count; one class per patch, for patches of 16 to "
        "64 px and a few thousand patches. ResNet-18/34/50: larger networks, fine-tuned from ImageNet weights by "
        "default; worth it with many patches, subtle classes, RGB or RGB+NIR images, and a GPU. Their first layer is "
        "fitted to your bands (red, green and blue found by band name, or set 'RGB bands'); for patches under 64 px "
        "the stem does not downsample, instead of blowing patches up.\n\n"
        "U-Nets are segmentation networks: they learn from every labelled pixel of a patch (the polygons' masks) "
        "and give one class per pixel, so class boundaries and parcels narrower than a patch are mapped at the "
        "image's resolution. The plain U-Net trains from scratch and is fast on a CPU; the ResNet-18/34 encoders load "
        "ImageNet weights like the ResNets. Keep 32 px patches on 10 to 30 m imagery (64 px did worse there on "
        "real scenes); larger ones (64 to 256 px) pay off on sub-metre imagery, where a pixel needs wider "
        "context. Their patch-level scores count the labelled pixels of the validation patches.\n\n"
        "ImageNet weights come from the 'Pretrained weights file', else from the torch hub cache (downloaded there "
        "when online). Offline, the error message says which file to copy where.\n\n"
        "Defaults need no tuning: AdamW with warm-up and cosine decay, class-weighted loss, flips and rotations, "
        "early stopping on validation macro-F1 (the best epoch is kept).\n\n"
        "The scores say how good the map will be: the map is classified, as 'Classify raster' would, around the "
        "validation polygons, and every pixel whose centre lies in one is scored against its class, borders "
        "included: overall accuracy, macro-F1 (every class counts the same) and kappa; the log warns when a class has "
        "an F1 below 0.5. The macro-F1 comes with its 95 % interval over the validation polygons: with only a few "
        "polygons per class the score is rough, and the log says so; then, on small datasets, the training polygons are also scored by cross-validation (one more training per fold, see 'Cross-validation'). The scores on the validation patches follow "
        "in the report (they are easier, and choose the epoch). Canceling after the first epoch keeps the best model so far.\n\n"
        "The same seed on the CPU gives the same model. On a CUDA GPU, mixed precision is used and the batch is "
        "halved if the GPU runs out of memory. The Imagette menu also starts training as a background task."
    )

    DATASET = "DATASET"
    ARCHITECTURE = "ARCHITECTURE"
    WEIGHTS_FILE = "WEIGHTS_FILE"
    EPOCHS = "EPOCHS"
    BATCH_SIZE = "BATCH_SIZE"
    LEARNING_RATE = "LEARNING_RATE"
    DEVICE = "DEVICE"
    SEED = "SEED"
    OUTPUT_MODEL = "OUTPUT_MODEL"
    OUTPUT_REPORT = "OUTPUT_REPORT"
    PRETRAINED_MODE = "PRETRAINED_MODE"
    CLASS_WEIGHTING = "CLASS_WEIGHTING"
    PATIENCE = "PATIENCE"
    AUGMENTATION = "AUGMENTATION"
    JITTER = "JITTER"
    RGB_BANDS = "RGB_BANDS"
    OVERALL_ACCURACY = "OVERALL_ACCURACY"
    MACRO_F1 = "MACRO_F1"
    KAPPA = "KAPPA"
    MACRO_F1_LOW = "MACRO_F1_LOW"
    MACRO_F1_HIGH = "MACRO_F1_HIGH"
    CROSS_VALIDATION = "CROSS_VALIDATION"
    FOLDS = "FOLDS"
    PATCHES_PER_EPOCH = "PATCHES_PER_EPOCH"

    def initAlgorithm(self, config=None):  # noqa: N802
        number = QgsProcessingParameterNumber
        self.add_parameter(
            QgsProcessingParameterFile(self.DATASET, self.tr("Dataset folder"), behavior=BEHAVIOR_FOLDER),
            "The folder written by 'Sample training patches' (it holds dataset.json).",
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.ARCHITECTURE,
                self.tr("Network"),
                [self.tr(o) for o in ARCHITECTURE_LABELS],
                defaultValue=DEFAULT_ARCHITECTURE,
            ),
            "U-Net (default): one class per pixel, from scratch, fast, any bands; the best maps on real imagery. "
            "Small CNN: one class per patch, from scratch, fast, any bands. ResNets: bigger, fine-tuned from ImageNet "
            "weights; best with many patches and a GPU. U-Nets on ResNet encoders: the same weights, per pixel.",
        )
        self.add_parameter(
            QgsProcessingParameterFile(
                self.WEIGHTS_FILE,
                self.tr("Pretrained weights file"),
                optional=True,
                fileFilter=self.tr("PyTorch weights (*.pth *.pt *.ckpt);;All files (*.*)"),
            ),
            "Weights to start from: a torchvision ResNet checkpoint (e.g. resnet18-f37072fd.pth) or an Imagette model "
            "file. Empty: ImageNet weights from the torch hub cache for ResNets.",
        )
        self.add_parameter(
            number(self.EPOCHS, self.tr("Epochs"), NUMBER_INTEGER, 30, minValue=1, maxValue=10000),
            "Maximum passes over the training patches; early stopping usually ends sooner.",
        )
        self.add_parameter(
            number(self.BATCH_SIZE, self.tr("Batch size"), NUMBER_INTEGER, 64, minValue=2, maxValue=4096),
            "Patches per optimisation step. 32 to 128 suits most cases; on a GPU, larger batches are faster.",
        )
        self.add_parameter(
            number(self.LEARNING_RATE, self.tr("Learning rate"), NUMBER_DOUBLE, 0.001, minValue=1e-7, maxValue=1.0),
            "Peak learning rate of AdamW. 0.001 for training from scratch; 0.0003 is often better when fine-tuning.",
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.DEVICE, self.tr("Device"), [self.tr(o) for o in DEVICE_LABELS], defaultValue=0
            ),
            "Auto takes a CUDA GPU, then an Apple GPU, then the CPU, and the log says which. CUDA fails clearly when "
            "there is none.",
        )
        self.add_parameter(
            number(self.SEED, self.tr("Random seed"), NUMBER_INTEGER, 42, minValue=0),
            "Seed of weights, batch order and augmentation: on the CPU, the same seed gives the same model.",
        )
        self.add_parameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_MODEL, self.tr("Model file"), self.tr("Imagette model (*.pt)")
            ),
            "The trained model (.pt): weights, class table, bands, normalisation, scores, for 'Classify raster'.",
        )
        self.add_parameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_REPORT, self.tr("Training report"), self.tr("HTML files (*.html)")
            ),
            "HTML report: learning curves, confusion matrix, per-class precision, recall and F1, parameters.",
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.PRETRAINED_MODE,
                self.tr("Use of pretrained weights"),
                [self.tr(o) for o in PRETRAINED_LABELS],
                defaultValue=0,
            ),
            "Fine-tune: every layer learns. Frozen backbone: only the last layer learns (fast, for few patches). "
            "No pretraining: random start, no weights file needed.",
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterBoolean(self.CLASS_WEIGHTING, self.tr("Weight classes by rarity"), defaultValue=True),
            "Rare classes weigh as much as frequent ones in the loss, so the model cannot ignore them.",
            advanced=True,
        )
        self.add_parameter(
            number(self.PATIENCE, self.tr("Early stopping patience (epochs, 0 = off)"), NUMBER_INTEGER, 8, minValue=0),
            "Training stops after this many epochs without a better validation macro-F1; the best epoch is kept.",
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterBoolean(self.AUGMENTATION, self.tr("Flip and rotate patches"), defaultValue=True),
            "Random flips and 90° rotations of training patches: land cover seen from above has no up or down.",
            advanced=True,
        )
        self.add_parameter(
            number(self.JITTER, self.tr("Radiometric jitter"), NUMBER_DOUBLE, 0.0, minValue=0.0, maxValue=1.0),
            "Random brightness gain and offset per band (0.1 = ±10 %), for images with varying illumination. 0 = off.",
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterString(
                self.RGB_BANDS, self.tr("RGB bands for pretrained weights (e.g. 3,2,1)"), optional=True
            ),
            "Band numbers of red, green and blue, which receive the ImageNet colour filters. Empty: recognised from "
            "band names (red/rouge/R, B04...).",
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.CROSS_VALIDATION,
                self.tr("Cross-validation over the training polygons"),
                [self.tr(o) for o in CROSS_VALIDATION_LABELS],
                defaultValue=0,
            ),
            "Also scores the map on every training polygon, each with a network trained without it (one more "
            "training per fold): steadier scores when validation polygons are few. The model is the same either way.",
            advanced=True,
        )
        self.add_parameter(
            number(
                self.FOLDS, self.tr("Cross-validation folds"), NUMBER_INTEGER, DEFAULT_FOLDS, minValue=2, maxValue=20
            ),
            "Groups the training polygons are dealt into, class by class; each costs one training.",
            advanced=True,
        )
        self.add_parameter(
            number(
                self.PATCHES_PER_EPOCH,
                self.tr("Patches per epoch (0 = every patch)"),
                NUMBER_INTEGER,
                DEFAULT_PATCHES_PER_EPOCH,
                minValue=0,
            ),
            "A larger dataset trains on a new random part of its patches this size each epoch, so epochs stay short "
            "and early stopping checks the validation score as often; over the epochs every patch is seen.",
            advanced=True,
        )
        for name, label in (
            (self.OVERALL_ACCURACY, self.tr("Overall accuracy (map, validation polygons)")),
            (self.MACRO_F1, self.tr("Macro-F1 (map, validation polygons)")),
            (self.KAPPA, self.tr("Kappa (map, validation polygons)")),
            (self.MACRO_F1_LOW, self.tr("Macro-F1, low end of its 95 % interval over validation polygons")),
            (self.MACRO_F1_HIGH, self.tr("Macro-F1, high end of its 95 % interval over validation polygons")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, label))

    def execute(self, parameters, context, feedback, progress):
        from ..plugin.engine.training import TrainingConfig, train_classifier

        config = TrainingConfig(
            dataset_path=self.parameterAsFile(parameters, self.DATASET, context),
            output_model=self.parameterAsFileOutput(parameters, self.OUTPUT_MODEL, context),
            output_report=self.parameterAsFileOutput(parameters, self.OUTPUT_REPORT, context),
            architecture=ARCHITECTURES[self.parameterAsEnum(parameters, self.ARCHITECTURE, context)],
            weights_file=self.parameterAsFile(parameters, self.WEIGHTS_FILE, context) or None,
            pretrained_mode=PRETRAINED_MODES[self.parameterAsEnum(parameters, self.PRETRAINED_MODE, context)],
            epochs=self.parameterAsInt(parameters, self.EPOCHS, context),
            batch_size=self.parameterAsInt(parameters, self.BATCH_SIZE, context),
            learning_rate=self.parameterAsDouble(parameters, self.LEARNING_RATE, context),
            device=DEVICES[self.parameterAsEnum(parameters, self.DEVICE, context)],
            seed=self.parameterAsInt(parameters, self.SEED, context),
            class_weighting=self.parameterAsBool(parameters, self.CLASS_WEIGHTING, context),
            augmentation=self.parameterAsBool(parameters, self.AUGMENTATION, context),
            jitter=self.parameterAsDouble(parameters, self.JITTER, context),
            patience=self.parameterAsInt(parameters, self.PATIENCE, context),
            rgb_bands=parse_rgb_bands(self.parameterAsString(parameters, self.RGB_BANDS, context)),
            cross_validation=CROSS_VALIDATION_MODES[self.parameterAsEnum(parameters, self.CROSS_VALIDATION, context)],
            folds=self.parameterAsInt(parameters, self.FOLDS, context),
            patches_per_epoch=self.parameterAsInt(parameters, self.PATCHES_PER_EPOCH, context),
        )
        result = train_classifier(config, progress)
        low, high = result.metrics.get("macro_f1_interval") or (None, None)  # only map-level scores have one
        return {
            self.OUTPUT_MODEL: str(result.model_path),
            self.OUTPUT_REPORT: str(result.report_path),
            self.OVERALL_ACCURACY: result.metrics["overall_accuracy"],
            self.MACRO_F1: result.metrics["macro_f1"],
            self.KAPPA: result.metrics["kappa"],
            self.MACRO_F1_LOW: low,
            self.MACRO_F1_HIGH: high,
        }
