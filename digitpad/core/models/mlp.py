"""The 784-128-64-10 multilayer perceptron of the classic PyTorch MNIST tutorial."""

from torch import nn

ACTIVATIONS = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "leakyrelu": nn.LeakyReLU,
}


class MLP(nn.Module):
    """Two hidden layers; ends in LogSoftmax so it trains with NLLLoss, as the tutorial does."""

    def __init__(self, num_classes: int, in_features: int, activation: str = "relu") -> None:
        super().__init__()
        act = ACTIVATIONS[activation]
        self.layers = nn.Sequential(
            nn.Flatten(),
            nn.Linear(in_features, 128),
            act(),
            nn.Linear(128, 64),
            act(),
            nn.Linear(64, num_classes),
            nn.LogSoftmax(dim=1),
        )

    def forward(self, x):  # noqa: ANN001, ANN201
        return self.layers(x)
