"""ResNet-18 transfer learning, as in the PyTorch tutorial: ImageNet weights, new final layer.

Weights are never downloaded at run time: they are taken from a local file (the
DIGITPAD_RESNET18_WEIGHTS variable, or torch's hub cache where torchvision would have put
them) and otherwise the network trains from scratch, with a notice saying so.
"""

import os
from pathlib import Path

import torch
from torch import nn

# torchvision.models is imported where it is used: importing it costs ~1.2 s, which every
# prediction-only start (the window, `digitpad predict`) would otherwise pay for nothing.


def imagenet_weights_file() -> Path | None:
    """The local ImageNet ResNet-18 weights file, or None when there is none on this machine."""
    explicit = os.environ.get("DIGITPAD_RESNET18_WEIGHTS")
    if explicit:
        return Path(explicit) if Path(explicit).is_file() else None
    from torchvision.models import ResNet18_Weights

    name = Path(ResNet18_Weights.IMAGENET1K_V1.url).name
    cached = Path(torch.hub.get_dir()) / "checkpoints" / name
    return cached if cached.is_file() else None


class ResNet18(nn.Module):
    """torchvision's ResNet-18 with its last layer replaced and 1-channel inputs adapted.

    adapter="repeat" copies a grayscale channel three times (keeps the pretrained first layer);
    adapter="conv1" swaps in a 1-channel first layer whose weights are the pretrained RGB ones
    summed over colour (cheaper, same response to gray images).
    """

    def __init__(
        self, num_classes: int, in_channels: int = 3, adapter: str = "repeat",
        pretrained: bool = True,
    ) -> None:
        from torchvision.models import resnet18

        super().__init__()
        self.net = resnet18(weights=None)
        self.notice = ""
        weights = imagenet_weights_file() if pretrained else None
        if weights is not None:
            self.net.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
            self.notice = f"Fine-tuning from the ImageNet weights in {weights}."
        elif pretrained:
            self.notice = (
                "No ImageNet weights for ResNet-18 on this machine (set DIGITPAD_RESNET18_WEIGHTS "
                "to a resnet18-f37072fd.pth file to use them): training from scratch."
            )
        self.repeat_gray = in_channels == 1 and adapter == "repeat"
        if in_channels == 1 and adapter == "conv1":
            old = self.net.conv1
            self.net.conv1 = nn.Conv2d(1, 64, 7, stride=2, padding=3, bias=False)
            with torch.no_grad():
                self.net.conv1.weight.copy_(old.weight.sum(dim=1, keepdim=True))
        self.net.fc = nn.Linear(self.net.fc.in_features, num_classes)

    def forward(self, x):  # noqa: ANN001, ANN201
        if self.repeat_gray:
            x = x.expand(-1, 3, -1, -1)
        return self.net(x)
