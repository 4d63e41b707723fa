"""Softmax regression: one linear layer, as in the d2l.ai Fashion-MNIST tutorial."""

from torch import nn


class SoftmaxRegression(nn.Module):
    """Flatten the image and map it linearly to class scores (logits)."""

    def __init__(self, num_classes: int, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, num_classes)
        # The tutorial's initialisation: W ~ N(0, 0.01), b = 0.
        nn.init.normal_(self.linear.weight, mean=0.0, std=0.01)
        nn.init.zeros_(self.linear.bias)

    def forward(self, x):  # noqa: ANN001, ANN201 - nn.Module convention
        return self.linear(x.flatten(1))
