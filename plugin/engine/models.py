"""The networks, of two kinds.

Patch classifiers (a small CNN trained from scratch, ResNet-18/34/50 with torchvision's parameter
names) give one class per patch: forward_features() maps patches to a feature map, and the
prediction is the linear `head` applied to that map's global average. Inference relies on this
split to evaluate a network densely over a whole tile (see dense.py).

Segmentation networks (U-Nets, from scratch or on a ResNet encoder with torchvision's names)
give one class per pixel: logits (N, classes, H, W) for patches (N, bands, H, W) of any size.

Every network names the layers a pretrained backbone does not provide (NEW_LAYERS, name prefixes):
they start from random weights and stay trainable when the backbone is frozen.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from .choices import ARCHITECTURES

SMALL_STEM_BELOW = 64  # patches smaller than this get a ResNet stem without downsampling


class PatchClassifier(nn.Module):
    """A network that classifies a patch from the global average of its feature map."""

    head: nn.Linear
    NEW_LAYERS: tuple[str, ...] = ("head.",)

    def forward_features(self, x: Tensor) -> Tensor:
        raise NotImplementedError

    def forward(self, x: Tensor) -> Tensor:
        return self.head(torch.flatten(self.pool_features(x), 1))

    def pool_features(self, x: Tensor) -> Tensor:
        return nn.functional.adaptive_avg_pool2d(self.forward_features(x), 1)


def _conv_bn_relu(in_channels: int, out_channels: int) -> list[nn.Module]:
    return [
        nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    ]


class SmallCNN(PatchClassifier):
    """Three blocks of two conv-BN-ReLU and a 2x2 max pool, global average pooling, dropout, linear head.

    Fully convolutional, so it takes any band count and any patch size of at least 8 pixels.
    """

    def __init__(self, in_channels: int, num_classes: int, width: int = 32, dropout: float = 0.2) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = in_channels
        for factor in (1, 2, 4):
            layers += _conv_bn_relu(channels, width * factor) + _conv_bn_relu(width * factor, width * factor)
            layers.append(nn.MaxPool2d(2))
            channels = width * factor
        self.features = nn.Sequential(*layers)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(channels, num_classes)

    def forward_features(self, x: Tensor) -> Tensor:
        return self.features(x)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.dropout(torch.flatten(self.pool_features(x), 1)))


def _conv3x3(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


def _conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None) -> None:
        super().__init__()
        self.conv1 = _conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = _conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """torchvision's ResNet v1.5 bottleneck: the stride sits on the 3x3 convolution."""

    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None) -> None:
        super().__init__()
        self.conv1 = _conv1x1(inplanes, planes)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = _conv3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = _conv1x1(planes, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class ResNet(PatchClassifier):
    """ResNet with torchvision's module names, so torchvision checkpoints load as they are.

    small_stem keeps the 7x7 stem convolution (and its weights) but with stride 1 and no max pool:
    the network then downsamples 8 times instead of 32, so a 32 px patch still ends on a 4 x 4 map
    instead of a single pixel. This replaces blowing small patches up to ImageNet sizes.
    """

    def __init__(
        self,
        block: type[BasicBlock | Bottleneck],
        layers: Sequence[int],
        in_channels: int = 3,
        num_classes: int = 1000,
        small_stem: bool = False,
    ) -> None:
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(in_channels, 64, kernel_size=7, stride=1 if small_stem else 2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool: nn.Module = nn.Identity() if small_stem else nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")

    NEW_LAYERS = ("fc.",)

    @property
    def head(self) -> nn.Linear:  # type: ignore[override]
        return self.fc

    def _make_layer(
        self, block: type[BasicBlock | Bottleneck], planes: int, blocks: int, stride: int = 1
    ) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                _conv1x1(self.inplanes, planes * block.expansion, stride), nn.BatchNorm2d(planes * block.expansion)
            )
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward_features(self, x: Tensor) -> Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))


RESNET_LAYOUTS: dict[str, tuple[type[BasicBlock | Bottleneck], tuple[int, ...]]] = {
    "resnet18": (BasicBlock, (2, 2, 2, 2)),
    "resnet34": (BasicBlock, (3, 4, 6, 3)),
    "resnet50": (Bottleneck, (3, 4, 6, 3)),
}


class Segmenter(nn.Module):
    """A network that gives class logits for every pixel: (N, bands, H, W) -> (N, classes, H, W).

    Inputs of any size work: they are padded to a multiple of `divisor` (the total downsampling)
    with zeros, the training mean after normalisation, and the logits cropped back.
    """

    divisor = 1
    head: nn.Conv2d
    NEW_LAYERS: tuple[str, ...] = ("head.",)

    def forward_padded(self, x: Tensor) -> Tensor:
        raise NotImplementedError

    def forward(self, x: Tensor) -> Tensor:
        height, width = x.shape[-2:]
        pad_h, pad_w = -height % self.divisor, -width % self.divisor
        if pad_h or pad_w:
            x = nn.functional.pad(x, (0, pad_w, 0, pad_h))
        return self.forward_padded(x)[..., :height, :width]


def _double_conv(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(*_conv_bn_relu(in_channels, out_channels), *_conv_bn_relu(out_channels, out_channels))


class _UpBlock(nn.Module):
    """Doubles the resolution, joins the encoder's map of that resolution, and convolves."""

    def __init__(self, in_channels: int, skip_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv = _double_conv(in_channels + skip_channels, out_channels)

    def forward(self, x: Tensor, skip: Tensor | None) -> Tensor:
        x = nn.functional.interpolate(x, scale_factor=2.0, mode="nearest")
        return self.conv(x if skip is None else torch.cat([x, skip], dim=1))


class UNet(Segmenter):
    """A compact U-Net trained from scratch: `depth` poolings, widths doubling from `width`.

    The defaults (16 to 64 filters, two poolings: about 0.12 M parameters, a receptive field of a few
    dozen pixels) were chosen on the real-imagery benchmark (bench/bench_real.py): against three
    poolings they raised the held-out map macro-F1 from 0.64 to 0.79 on Landsat and from 0.41 to 0.45 on
    Sentinel-2 (one split, seed 42: single splits vary by 0.2 on Landsat, see the README's table over several),
    and they keep full-resolution maps fast on a CPU. Doubling the widths cost three times
    the training time for a mixed gain.
    """

    NEW_LAYERS = ("",)  # nothing comes from a pretrained backbone

    def __init__(self, in_channels: int, num_classes: int, width: int = 16, depth: int = 2) -> None:
        super().__init__()
        self.divisor = 2**depth
        widths = [width * 2**level for level in range(depth + 1)]
        self.encoder = nn.ModuleList(
            [_double_conv(in_channels, widths[0])] + [_double_conv(a, b) for a, b in zip(widths, widths[1:])]
        )
        self.decoder = nn.ModuleList(
            [_UpBlock(widths[level + 1], widths[level], widths[level]) for level in reversed(range(depth))]
        )
        self.head = nn.Conv2d(widths[0], num_classes, kernel_size=1)

    def forward_padded(self, x: Tensor) -> Tensor:
        skips = []
        for level, block in enumerate(self.encoder):
            x = block(x if level == 0 else nn.functional.max_pool2d(x, 2))
            skips.append(x)
        x = skips.pop()
        for block in self.decoder:
            x = block(x, skips.pop())
        return self.head(x)


class ResNetUNet(Segmenter):
    """A U-Net whose encoder is a torchvision ResNet, under torchvision's names (conv1, bn1, layer1..4).

    ImageNet checkpoints load into the encoder as they do into the ResNet classifiers; the
    decoder joins the encoder's maps at 1/16, 1/8, 1/4 and 1/2 of the input, then upsamples once
    more to full resolution.
    """

    NEW_LAYERS = ("decoder.", "head.")
    DECODER_WIDTHS = (256, 128, 64, 32, 16)
    divisor = 32

    def __init__(self, block: type[BasicBlock], layers: Sequence[int], in_channels: int, num_classes: int) -> None:
        super().__init__()
        encoder = ResNet(block, layers, in_channels)
        self.conv1, self.bn1, self.relu, self.maxpool = encoder.conv1, encoder.bn1, encoder.relu, encoder.maxpool
        self.layer1, self.layer2, self.layer3, self.layer4 = (
            encoder.layer1,
            encoder.layer2,
            encoder.layer3,
            encoder.layer4,
        )
        skips = (256, 128, 64, 64, 0)  # layer3, layer2, layer1, stem, none at full resolution
        inputs = (512, *self.DECODER_WIDTHS[:-1])
        self.decoder = nn.ModuleList([_UpBlock(i, s, o) for i, s, o in zip(inputs, skips, self.DECODER_WIDTHS)])
        self.head = nn.Conv2d(self.DECODER_WIDTHS[-1], num_classes, kernel_size=1)

    def forward_padded(self, x: Tensor) -> Tensor:
        stem = self.relu(self.bn1(self.conv1(x)))
        quarter = self.layer1(self.maxpool(stem))
        eighth = self.layer2(quarter)
        sixteenth = self.layer3(eighth)
        x = self.layer4(sixteenth)
        for block, skip in zip(self.decoder, (sixteenth, eighth, quarter, stem, None)):
            x = block(x, skip)
        return self.head(x)


Network = PatchClassifier | Segmenter


def build_model(architecture: str, in_channels: int, num_classes: int, patch_size: int) -> Network:
    """Builds an untrained network; the same call rebuilds a saved one before its weights load."""
    if architecture == "small_cnn":
        return SmallCNN(in_channels, num_classes)
    if architecture in RESNET_LAYOUTS:
        block, layers = RESNET_LAYOUTS[architecture]
        return ResNet(block, layers, in_channels, num_classes, small_stem=patch_size < SMALL_STEM_BELOW)
    if architecture == "unet":
        return UNet(in_channels, num_classes)
    if architecture.startswith("unet_") and architecture.removeprefix("unet_") in RESNET_LAYOUTS:
        block, layers = RESNET_LAYOUTS[architecture.removeprefix("unet_")]
        return ResNetUNet(block, layers, in_channels, num_classes)  # type: ignore[arg-type]
    raise ValueError(f"Unknown architecture {architecture!r}; expected one of {', '.join(ARCHITECTURES)}.")


def encoder_architecture(architecture: str) -> str:
    """The ResNet whose ImageNet weights fit the architecture's backbone ('' for none)."""
    name = architecture.removeprefix("unet_")
    return name if name in RESNET_LAYOUTS else ""
