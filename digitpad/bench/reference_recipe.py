"""The PyTorch examples MNIST recipe (github.com/pytorch/examples, mnist/main.py), as written there.

Its Net, Adadelta (lr 1.0) with StepLR (step 1, gamma 0.7), batch 64, and the per-sample input
path: a `torchvision.datasets.MNIST` with ToTensor + Normalize through a shuffling DataLoader.
Used by `digitpad bench train` as the baseline digitpad's own recipe is compared with.
"""

from __future__ import annotations

import gzip
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, Subset
from torchvision import datasets, transforms

IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


class Net(nn.Module):
    """The example's network: two 3×3 convs, max-pool, dropout, two linear layers, log-softmax."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Log-probabilities of the ten digits."""
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


def torchvision_layout(idx_folder: Path, root: Path) -> Path:
    """Make `root`/MNIST/raw/ hold the four IDX files, uncompressed, as torchvision 0.29 wants
    them (it only checks that the plain files exist); returns `root`. Nothing is written to
    `idx_folder`."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name in IDX_FILES:
        plain, packed = idx_folder / name, idx_folder / f"{name}.gz"
        if plain.is_file():
            (raw / name).symlink_to(plain.absolute())
        elif packed.is_file():
            with gzip.open(packed, "rb") as src, open(raw / name, "wb") as dst:
                shutil.copyfileobj(src, dst)
        else:
            raise FileNotFoundError(f"{idx_folder} has no {name}[.gz]")
    return root


def loaders(root: Path, limit: int | None) -> tuple[DataLoader, DataLoader]:
    """The example's train (batch 64, shuffled) and test (batch 1000) loaders, num_workers 0 as
    on a CPU; `limit` keeps the first `limit` images of each split."""
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,),
                                                                                (0.3081,))])
    train = datasets.MNIST(str(root), train=True, download=False, transform=transform)
    test = datasets.MNIST(str(root), train=False, download=False, transform=transform)
    if limit is not None:
        train = Subset(train, range(min(limit, len(train))))
        test = Subset(test, range(min(limit, len(test))))
    return (DataLoader(train, batch_size=64, shuffle=True),
            DataLoader(test, batch_size=1000, shuffle=False))


def test_accuracy(model: nn.Module, loader: DataLoader) -> float:
    """The example's test(): accuracy of `model` over the loader."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for data, target in loader:
            correct += int((model(data).argmax(dim=1) == target).sum())
            total += len(target)
    return correct / max(1, total)


class ReferenceRun:
    """The example's training loop, one batch at a time, so a benchmark can stop it anywhere.

    `batches()` yields (epoch, end_of_epoch, images trained on, seconds of training); the
    clock runs only inside the generator (data loading included, the caller's work not). After
    an end-of-epoch item the caller may evaluate `model` on `test_loader`; the scheduler steps
    when the next epoch begins, after that evaluation, as in the example.
    """

    def __init__(self, root: Path, limit: int | None, seed: int = 1) -> None:
        torch.manual_seed(seed)
        self.train_loader, self.test_loader = loaders(root, limit)
        self.model = Net()
        self.optimizer = torch.optim.Adadelta(self.model.parameters(), lr=1.0)
        self.scheduler = torch.optim.lr_scheduler.StepLR(self.optimizer, step_size=1, gamma=0.7)

    def batches(self) -> Iterator[tuple[int, bool, int, float]]:
        """Train epoch after epoch until the caller stops asking."""
        seconds, images, epoch = 0.0, 0, 0
        while True:
            epoch += 1
            clock = time.perf_counter()
            if epoch > 1:
                self.scheduler.step()
            self.model.train()
            for data, target in self.train_loader:
                self.optimizer.zero_grad()
                loss = F.nll_loss(self.model(data), target)
                loss.backward()
                self.optimizer.step()
                images += len(target)
                seconds += time.perf_counter() - clock
                yield epoch, False, images, seconds
                clock = time.perf_counter()
            seconds += time.perf_counter() - clock
            yield epoch, True, images, seconds
