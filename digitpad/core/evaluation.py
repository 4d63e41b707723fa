"""Evaluating a model on an in-memory split: loss, accuracy, confusion matrix, worst mistakes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F

from digitpad.core.records import Misclassified
from digitpad.core.splits import Split


@dataclass
class Evaluation:
    """Metrics of one pass over a split."""

    loss: float
    accuracy: float  # 0..1
    confusion: list[list[int]]  # rows: true class, columns: predicted class
    misclassified: list[Misclassified] = field(default_factory=list)

    @property
    def per_class(self) -> list[float]:
        """Accuracy of each true class (0..1; 0 for a class absent from the split)."""
        return [row[i] / max(1, sum(row)) for i, row in enumerate(self.confusion)]


def normalise(batch: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """uint8 or [0,1] float (N, C, H, W) -> normalised float32 with per-channel mean/std."""
    if batch.dtype == torch.uint8:
        batch = batch.float().div_(255)
    return (batch - mean.view(1, -1, 1, 1)) / std.view(1, -1, 1, 1)


def evaluate(
    model: nn.Module,
    split: Split,
    mean: Sequence[float],
    std: Sequence[float],
    num_classes: int,
    *,
    device: torch.device | str = "cpu",
    batch_size: int = 1000,
    keep_mistakes: int = 0,
) -> Evaluation:
    """Loss (cross-entropy on the outputs' log-softmax), accuracy and confusion of a split."""
    device = torch.device(device)
    mean_t = torch.tensor(mean, dtype=torch.float32, device=device)
    std_t = torch.tensor(std, dtype=torch.float32, device=device)
    was_training = model.training
    model.eval()
    total_loss, confusion = 0.0, torch.zeros(num_classes * num_classes, dtype=torch.long)
    wrong: list[tuple[float, int, int, int]] = []  # (confidence, index, true, predicted)
    with torch.inference_mode():
        for start in range(0, len(split), batch_size):
            images = split.images[start : start + batch_size].to(device)
            labels = split.labels[start : start + batch_size].to(device)
            log_probs = F.log_softmax(model(normalise(images, mean_t, std_t)).float(), dim=1)
            total_loss += F.nll_loss(log_probs, labels, reduction="sum").item()
            confidence, predicted = log_probs.exp().max(dim=1)
            confusion += torch.bincount(
                (labels * num_classes + predicted).cpu(), minlength=num_classes * num_classes
            )
            if keep_mistakes:
                bad = (predicted != labels).nonzero().flatten().cpu().tolist()
                conf, pred, true = confidence.cpu(), predicted.cpu(), labels.cpu()
                wrong += [(conf[i].item(), start + i, true[i].item(), pred[i].item()) for i in bad]
    model.train(was_training)
    matrix = confusion.view(num_classes, num_classes).tolist()
    n = max(1, len(split))
    correct = sum(matrix[i][i] for i in range(num_classes))
    mistakes = [
        _mistake(split.images[index], true, pred, conf)
        for conf, index, true, pred in sorted(wrong, reverse=True)[:keep_mistakes]
    ]
    return Evaluation(total_loss / n, correct / n, matrix, mistakes)


def _mistake(image: torch.Tensor, true: int, predicted: int, confidence: float) -> Misclassified:
    array = image.permute(1, 2, 0).numpy() if image.shape[0] == 3 else image[0].numpy()
    array = array.copy()  # its own memory, not a view that keeps the whole split alive
    array.flags.writeable = False  # the record is frozen: so are its pixels
    return Misclassified(array, true, predicted, confidence)
