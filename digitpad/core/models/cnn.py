"""The small CNN of the PyTorch examples: two 3x3 convolutions and a linear layer.

The original tutorial shrank its inputs to 8x8; `input_size=8` does the same inside the
model (area resampling), so data and preprocessing stay 28x28 for every model.
"""

from torch import nn
from torch.nn import functional as F


class SmallCNN(nn.Module):
    """conv 1->32 3x3, conv 32->64 3x3, 2x2 max-pool, dropout, linear -> classes."""

    def __init__(self, num_classes: int, in_channels: int = 1, input_size: int = 28) -> None:
        super().__init__()
        self.input_size = input_size
        self.conv1 = nn.Conv2d(in_channels, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.dropout = nn.Dropout(0.25)
        side = (input_size - 4) // 2
        self.fc = nn.Linear(64 * side * side, num_classes)

    def forward(self, x):  # noqa: ANN001, ANN201
        if x.shape[-1] != self.input_size:
            x = F.interpolate(x, size=(self.input_size, self.input_size), mode="area")
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        return self.fc(self.dropout(x).flatten(1))
