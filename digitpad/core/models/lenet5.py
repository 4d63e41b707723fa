"""LeNet-5 (LeCun et al. 1998) as usually written in PyTorch, for 28x28 inputs."""

from torch import nn


class LeNet5(nn.Module):
    """conv5-pool-conv5-pool then 120-84-classes, with the original tanh-era shape but ReLU."""

    def __init__(self, num_classes: int, in_channels: int = 1) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, 5, padding=2),  # 28 -> 28 (the paper padded 28 to 32)
            nn.ReLU(),
            nn.MaxPool2d(2),  # 14
            nn.Conv2d(6, 16, 5),  # 10
            nn.ReLU(),
            nn.MaxPool2d(2),  # 5
            nn.AdaptiveAvgPool2d(5),  # identity at 28x28; lets image folders use other sizes
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120),
            nn.ReLU(),
            nn.Linear(120, 84),
            nn.ReLU(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x):  # noqa: ANN001, ANN201
        return self.classifier(self.features(x))
