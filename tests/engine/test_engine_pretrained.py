"""Pretrained weights: torchvision-layout checkpoints, band adaptation, the hub cache, and refusing unsafe files."""

from __future__ import annotations

import http.server
import threading

import pytest
import torch
from imagette.plugin.engine import pretrained
from imagette.plugin.engine.errors import ImagetteError
from imagette.plugin.engine.modelfile import load_model
from imagette.plugin.engine.models import build_model
from imagette.plugin.engine.pretrained import (
    adapt_first_conv,
    find_rgb_bands,
    hub_checkpoint_path,
    load_pretrained,
    read_checkpoint,
)
from imagette.plugin.engine.training import TrainingConfig, train_classifier

from tests.training_data import Recorder, small_dataset


def imagenet_like(architecture: str = "resnet18") -> dict:
    """A ResNet state_dict in torchvision's layout: 3 input bands, 1000 classes, 224 px stem."""
    torch.manual_seed(0)
    return build_model(architecture, 3, 1000, 224).state_dict()


@pytest.fixture
def hub(tmp_path, monkeypatch):
    """An empty torch hub cache of our own (TORCH_HOME moves it, as for users)."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    return tmp_path / "torch" / "hub" / "checkpoints"


@pytest.fixture(scope="module")
def four_bands(tmp_path_factory):
    """Bands named blue, green, red, nir (tests/scenes.py descriptions)."""
    return small_dataset(tmp_path_factory.mktemp("four"), bands=4)


class Evil:
    """A pickle payload that would create a file when unpickled."""

    def __init__(self, marker) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_hub_file_names_are_torchvisions(hub):
    assert hub_checkpoint_path("resnet18") == hub / "resnet18-f37072fd.pth"
    assert hub_checkpoint_path("resnet34").name == "resnet34-b627a593.pth"
    assert hub_checkpoint_path("resnet50").name == "resnet50-0676ba61.pth"


def test_rgb_bands_are_recognised_by_name():
    assert find_rgb_bands(["blue", "green", "red", "nir"]) == (2, 1, 0)
    assert find_rgb_bands(["B02", "B03", "B04", "B08", "B11"]) == (2, 1, 0)
    assert find_rgb_bands(["Rouge", "Vert", "Bleu", "PIR"]) == (0, 1, 2)
    assert find_rgb_bands(["R", "G", "B"]) == (0, 1, 2)
    assert find_rgb_bands(["Band 4 (red)", "Band 3 (green)", "Band 2 (blue)"]) == (0, 1, 2)
    assert find_rgb_bands(["band 1", "band 2", "band 3"]) is None
    assert find_rgb_bands(["red", "red edge red", "green", "blue"]) is None  # ambiguous: two reds


def test_rgb_kernels_go_to_their_bands_and_keep_the_scale():
    weight = torch.randn(64, 3, 7, 7)
    adapted = adapt_first_conv(weight, 5, (2, 1, 0))
    scale = 3 / 5
    assert adapted.shape == (64, 5, 7, 7)
    assert torch.allclose(adapted[:, 2], weight[:, 0] * scale)  # red
    assert torch.allclose(adapted[:, 1], weight[:, 1] * scale)  # green
    assert torch.allclose(adapted[:, 0], weight[:, 2] * scale)  # blue
    assert torch.allclose(adapted[:, 3], weight.mean(1) * scale) and torch.allclose(adapted[:, 4], adapted[:, 3])
    # An image equally bright in every band gives the first layer the same response as an RGB one.
    rgb = torch.nn.functional.conv2d(torch.ones(1, 3, 9, 9), weight)
    five = torch.nn.functional.conv2d(torch.ones(1, 5, 9, 9), adapted)
    assert torch.allclose(rgb, five, atol=1e-5)
    assert torch.equal(adapt_first_conv(weight, 3, (0, 1, 2)), weight)


def test_torchvision_checkpoint_loads_with_the_key_check(tmp_path):
    path = tmp_path / "resnet18-f37072fd.pth"
    torch.save(imagenet_like(), path)
    network = build_model("resnet18", 4, 5, 32)
    progress = Recorder()
    report = load_pretrained(network, read_checkpoint(path), ["blue", "green", "red", "nir"], None, progress)
    source = imagenet_like()
    assert report.head_dropped and report.adapted_first_layer and report.rgb_bands == (2, 1, 0)
    assert report.unexpected == [] and report.loaded == len(source) - 2
    state = network.state_dict()
    assert torch.equal(state["layer4.1.conv2.weight"], source["layer4.1.conv2.weight"])
    assert torch.equal(state["bn1.running_var"], source["bn1.running_var"])
    assert torch.allclose(state["conv1.weight"][:, 2], source["conv1.weight"][:, 0] * 0.75)
    assert state["fc.weight"].shape == (5, 512)


def test_wrapped_checkpoint_with_extra_keys_loads_and_reports_them(tmp_path):
    weights = {f"module.{k}": v for k, v in imagenet_like().items()}
    weights["module.aux_head.weight"] = torch.zeros(2)
    path = tmp_path / "lightning.ckpt"
    torch.save({"state_dict": weights, "epoch": 3}, path)
    progress = Recorder()
    report = load_pretrained(
        build_model("resnet18", 3, 1000, 224), read_checkpoint(path), ["r", "g", "b"], None, progress
    )
    assert report.unexpected == ["aux_head.weight"] and not report.head_dropped
    assert any("aux_head.weight" in w for w in progress.warnings)


def test_checkpoint_of_another_architecture_is_refused(tmp_path):
    path = tmp_path / "resnet18.pth"
    torch.save(imagenet_like("resnet18"), path)
    with pytest.raises(ImagetteError, match="lack .* tensors.*another architecture"):
        load_pretrained(build_model("resnet34", 3, 5, 32), read_checkpoint(path), ["r", "g", "b"], None, Recorder())
    torch.save(imagenet_like("resnet50"), path)
    with pytest.raises(ImagetteError, match="do not fit this network"):
        load_pretrained(build_model("resnet18", 3, 5, 32), read_checkpoint(path), ["r", "g", "b"], None, Recorder())


def test_malicious_pickle_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "resnet18-f37072fd.pth"
    torch.save({"conv1.weight": torch.zeros(1), "payload": Evil(marker)}, path)
    with pytest.raises(ImagetteError, match="weights file.*so that no code from it runs"):
        read_checkpoint(path)
    with pytest.raises(ImagetteError, match="refused for safety"):
        load_model(path)
    assert not marker.exists()
    torch.load(path, weights_only=False)  # the payload is live: unpickling it for real creates the file
    assert marker.exists()


def test_missing_imagenet_weights_offline_say_which_file_to_put_where(hub, four_bands, tmp_path, monkeypatch):
    monkeypatch.setattr(pretrained, "DOWNLOAD_URL", "http://127.0.0.1:9/")  # nothing listens there: offline
    config = TrainingConfig(str(four_bands), str(tmp_path / "model.pt"), architecture="resnet18", device="cpu")
    with pytest.raises(ImagetteError) as error:
        train_classifier(config, Recorder())
    message = str(error.value)
    assert "resnet18-f37072fd.pth" in message and str(hub) in message and "TORCH_HOME" in message
    assert not (tmp_path / "model.pt").exists()


def test_damaged_download_leaves_nothing_in_the_cache(hub, tmp_path, monkeypatch):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "resnet18-f37072fd.pth").write_bytes(b"not the weights")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path / "site"), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(pretrained, "DOWNLOAD_URL", f"http://127.0.0.1:{server.server_address[1]}/")
        with pytest.raises(ImagetteError, match="checksum"):
            pretrained.imagenet_checkpoint("resnet18", Recorder())
    finally:
        server.shutdown()
    assert not hub.exists() or list(hub.iterdir()) == []


def test_imagenet_weights_from_the_hub_cache_fine_tune(hub, four_bands, tmp_path):
    hub.mkdir(parents=True)
    torch.save(imagenet_like(), hub / "resnet18-f37072fd.pth")
    progress = Recorder()
    # Batches of 4 (an epoch takes MIN_STEPS_PER_EPOCH steps) and no cross-validation, which would fine-tune again
    # for each fold: what counts here is where the weights came from.
    options = {"architecture": "resnet18", "epochs": 1, "batch_size": 4, "device": "cpu", "cross_validation": "off"}
    result = train_classifier(TrainingConfig(str(four_bands), str(tmp_path / "model.pt"), **options), progress)
    info = load_model(result.model_path).metadata["training"]["pretrained"]
    assert (
        info["source"] == str(hub / "resnet18-f37072fd.pth") and info["rgb_bands"] == [2, 1, 0] and info["head_dropped"]
    )
    assert any("torch hub cache" in line for line in progress.lines)


def test_frozen_backbone_trains_only_the_head(four_bands, tmp_path):
    path = tmp_path / "weights.pth"
    torch.save(imagenet_like(), path)
    config = TrainingConfig(
        str(four_bands),
        str(tmp_path / "model.pt"),
        architecture="resnet18",
        weights_file=str(path),
        pretrained_mode="frozen",
        epochs=1,
        batch_size=16,
        device="cpu",
    )
    result = train_classifier(config, Recorder())
    trained = load_model(result.model_path).network.state_dict()
    torch.manual_seed(config.seed)  # as training seeds it: the network training started from, head included
    reference = build_model("resnet18", 4, 3, 8)
    load_pretrained(reference, read_checkpoint(path), ["blue", "green", "red", "nir"], None, Recorder())
    before = reference.state_dict()
    for key, value in before.items():
        if not key.startswith("fc."):
            assert torch.equal(trained[key], value), key  # weights and BatchNorm statistics untouched
    # The head training started from, moved by its steps: changed, yet nearer its start than another random head.
    another = build_model("resnet18", 4, 3, 8).state_dict()
    for key in ("fc.weight", "fc.bias"):
        assert not torch.equal(trained[key], before[key]), key
        moved = (trained[key] - before[key]).abs().max()
        assert moved < (another[key] - before[key]).abs().max() / 2, key


def test_imagette_model_file_as_starting_weights(four_bands, tmp_path):
    first = train_classifier(
        TrainingConfig(str(four_bands), str(tmp_path / "a.pt"), epochs=1, batch_size=16, device="cpu"), Recorder()
    )
    progress = Recorder()
    again = TrainingConfig(
        str(four_bands),
        str(tmp_path / "b.pt"),
        weights_file=str(first.model_path),
        epochs=1,
        batch_size=16,
        device="cpu",
    )
    train_classifier(again, progress)
    info = load_model(tmp_path / "b.pt").metadata["training"]["pretrained"]
    assert not info["adapted_first_layer"] and not info["head_dropped"]  # same bands and classes: loaded as they are
