"""Dense evaluation of a patch classifier: every patch of a tile in one forward pass.

The network is converted for the stride ("a trous": strided layers that the stride cannot absorb
run with stride 1 and the following layers are dilated instead), evaluated once over the tile, and
each output pixel averages the feature positions that its patch's global pool would average. Work
shared by overlapping patches is done once. The result equals the per-patch one except for zero
padding: a patch evaluated alone sees zeros beyond its border, the dense evaluation sees the real
neighbouring pixels. Tiles are read with the network's receptive field around them, so the dense
result does not depend on where tiles start (no seams).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import torch
from torch import Tensor, nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

from .dense_plan import DenseGeometry
from .errors import ImagetteError
from .i18n import tr
from .models import Network, PatchClassifier

AnyNetwork = TypeVar("AnyNetwork", bound=Network)
ACTIVATION_COPIES = 4  # tensors of the widest layer alive at once (input, output, residual, temporaries)


def _geometry(module: nn.Module) -> tuple[int, int, int, int]:
    """kernel, stride, padding, dilation of a square Conv2d or MaxPool2d."""

    def first(value) -> int:
        return int(value[0] if isinstance(value, tuple) else value)

    return first(module.kernel_size), first(module.stride), first(module.padding), first(module.dilation)


def _set_geometry(module: nn.Conv2d | nn.MaxPool2d, stride: int, padding: int, dilation: int) -> None:
    if isinstance(module, nn.Conv2d):  # Conv2d keeps pairs, MaxPool2d plain ints
        module.stride, module.padding, module.dilation = (stride, stride), (padding, padding), (dilation, dilation)
    else:
        module.stride, module.padding, module.dilation = stride, padding, dilation


def _replace(root: nn.Module, name: str, new: nn.Module) -> None:
    parent_name, _, child = name.rpartition(".")
    setattr(root.get_submodule(parent_name) if parent_name else root, child, new)


def inference_copy(network: AnyNetwork) -> AnyNetwork:
    """A copy for inference, in eval mode, with each batch norm folded into the convolution before it.

    Same results up to rounding, one pass over the data less per layer (a fifth of the CPU time).
    A BatchNorm2d registered right after a Conv2d normalises that convolution's output in every
    Imagette network.
    """
    fused = copy.deepcopy(network)
    fused.eval()
    previous: tuple[str, nn.Module] | None = None
    for name, module in list(fused.named_modules()):
        if isinstance(module, nn.BatchNorm2d) and previous is not None and isinstance(previous[1], nn.Conv2d):
            _replace(fused, previous[0], fuse_conv_bn_eval(previous[1], module))
            _replace(fused, name, nn.Identity())
        if isinstance(module, (nn.Conv2d, nn.BatchNorm2d)):
            previous = (name, module)
    return fused


@dataclass
class DenseNetwork(DenseGeometry):
    """A network converted for dense evaluation at one output stride (network, in eval mode), and how to read it."""

    network: PatchClassifier


def to_dense(network: PatchClassifier, patch_size: int, stride: int, in_channels: int) -> DenseNetwork:
    """Converts a patch classifier for dense evaluation at `stride`, leaving `network` untouched.

    Walks the modules in registration order, which for Imagette's networks is the order they run:
    a strided layer stays strided while the real stride so far, times its stride, divides `stride`;
    otherwise it runs with stride 1 and it and every later layer are dilated by the stride it gave
    up. A strided 1x1 convolution is a residual shortcut parallel to the last strided 3x3/7x7
    convolution, and follows that convolution's decision. The same walk measures the receptive
    field, the widest activations and the work, to size tiles and choose between the methods.
    """
    dense = inference_copy(network)
    real, multiplier, last_kept = 1, 1, True
    jump, low, high = 1, 0, 0  # per-patch: cell u of the current map sees input [jump*u + low, jump*u + high]
    peak_dense, peak_patch = float(in_channels), float(in_channels * patch_size**2)
    macs_dense = macs_patch = largest_dense = largest_patch = 0.0
    for name, module in list(dense.named_modules()):
        if not isinstance(module, (nn.Conv2d, nn.MaxPool2d)):
            continue
        kernel, layer_stride, padding, dilation = _geometry(module)
        if layer_stride > 1 and kernel == 1:  # shortcut: parallel to the last strided layer, already counted
            if not last_kept:
                _set_geometry(module, 1, 0, 1)
        else:
            low -= jump * padding
            high += jump * (dilation * (kernel - 1) - padding)
            jump *= layer_stride
            if layer_stride > 1 and multiplier == 1 and stride % (real * layer_stride) == 0:
                real *= layer_stride
                last_kept = True
            else:
                _set_geometry(module, 1, padding * multiplier, dilation * multiplier)
                if isinstance(module, nn.MaxPool2d) and padding:
                    # max_pool2d refuses padding over half the kernel; pad with -inf as it would.
                    _set_geometry(module, 1, 0, dilation * multiplier)
                    _replace(dense, name, nn.Sequential(nn.ConstantPad2d(padding * multiplier, float("-inf")), module))
                if layer_stride > 1:
                    multiplier *= layer_stride
                    last_kept = False
        if isinstance(module, nn.Conv2d):
            cells = math.ceil(patch_size / jump) ** 2
            peak_dense = max(peak_dense, module.out_channels / real**2)
            peak_patch = max(peak_patch, module.out_channels * cells)
            macs = module.in_channels // module.groups * module.out_channels * kernel**2
            macs_dense += macs / real**2
            macs_patch += macs * cells
            largest_dense = max(largest_dense, macs / real**2)
            largest_patch = max(largest_patch, macs * cells)
    with torch.no_grad():
        weight = network.head.weight
        probe = network.forward_features(
            torch.zeros(1, in_channels, patch_size, patch_size, dtype=weight.dtype, device=weight.device)
        )
    feature_size = int(probe.shape[-1])
    if feature_size < 1:
        raise ImagetteError(
            tr("The model's patch size ({patch} px) leaves no feature map; the model file is damaged.").format(
                patch=patch_size
            )
        )
    bytes_per_value = 4 * ACTIVATION_COPIES
    return DenseNetwork(
        network=dense,
        stride=stride,
        patch_size=patch_size,
        real_stride=real,
        dilation=multiplier,
        feature_size=feature_size,
        margin_before=max(0, -low),
        margin_after=max(0, jump * (feature_size - 1) + high - (patch_size - 1)),
        bytes_per_pixel=peak_dense * bytes_per_value,
        bytes_per_patch=peak_patch * bytes_per_value,
        macs_per_pixel=macs_dense,
        macs_per_patch=macs_patch,
        largest_macs_per_pixel=largest_dense,
        largest_macs_per_patch=largest_patch,
    )


def dense_variants(network: PatchClassifier, patch_size: int, in_channels: int) -> list[DenseNetwork]:
    """The network converted at each real stride it can run at, from 1 to its whole downsampling (where nothing is
    converted: the network as it is), for an exported file to serve every output stride.

    The conversion for an output stride is the one at the largest of these real strides that divides it (to_dense
    keeps strided layers while their product divides the stride). Imagette's networks downsample by 2 at a time, so
    doubling the stride finds them all; a network with another layer stride would run at a smaller real stride
    instead, slower but with the same classes.
    """
    variants = [to_dense(network, patch_size, 1, in_channels)]
    while variants[-1].real_stride == variants[-1].stride:
        following = to_dense(network, patch_size, 2 * variants[-1].stride, in_channels)
        if following.real_stride == variants[-1].real_stride:
            break
        variants.append(following)
    return variants


def dense_logits(dense: DenseNetwork, region: Tensor, top: int, left: int, rows: int, cols: int) -> Tensor:
    """Class logits of a rows x cols block of patches, evaluated densely over one region.

    Args:
        dense: the converted network.
        region: normalised input (1, bands, H, W) holding every patch of the block.
        top, left: top-left pixel, in the region, of the block's first patch; multiples of dense.real_stride.
        rows, cols: patches per column and per row, dense.stride pixels apart.

    Returns:
        Logits (classes, rows, cols) in float32.
    """
    real = dense.real_stride
    features = dense.network.forward_features(region)[:, :, top // real :, left // real :]
    head = dense.network.head
    # The head is linear, so it commutes with the global average: apply it at every position first
    # (fewer channels to average), then average the h x h positions of each patch, dilation apart.
    # Both in float32 whatever the autocast, as the per-patch head pools in float32 too.
    with torch.autocast(region.device.type, enabled=False):
        logits = torch.einsum("nchw,kc->nkhw", features.float(), head.weight.float())
        classes, size = logits.shape[1], dense.feature_size
        kernel = torch.full((classes, 1, size, size), 1.0 / size**2, device=logits.device)
        pooled = nn.functional.conv2d(
            logits, kernel, stride=dense.stride // real, dilation=dense.dilation, groups=classes
        )
    pooled = pooled[0, :, :rows, :cols]
    if pooled.shape[1:] != (rows, cols):
        raise RuntimeError(f"Dense evaluation gave {tuple(pooled.shape[1:])} patches for a block of {(rows, cols)}.")
    return pooled + head.bias.float()[:, None, None]


def patch_logits(
    network: PatchClassifier, region: Tensor, tops: np.ndarray, lefts: np.ndarray, patch_size: int
) -> Tensor:
    """Class logits (N, classes) of the patches with top-left pixels (tops, lefts) in region (bands, H, W)."""
    windows = region.unfold(1, patch_size, 1).unfold(2, patch_size, 1)  # (bands, H', W', P, P), a view
    index_rows = torch.as_tensor(tops, device=region.device)
    index_cols = torch.as_tensor(lefts, device=region.device)
    patches = windows[:, index_rows, index_cols].permute(1, 0, 2, 3).contiguous(memory_format=torch.channels_last)
    return network(patches).float()
