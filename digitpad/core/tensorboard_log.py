"""TensorBoard logs of a training run, written from the records `train()` yields.

The CLI (`digitpad train --log-dir DIR`) and the GUI's training worker both hand every record
to a `TensorBoardLog`, on the thread that runs the generator, so the log sees exactly what the
run reports: the loss and learning rate per step, the train/validation loss and accuracy and
images/s per epoch, the confusion matrix as an image per epoch, and the run's hyperparameters
with its final metrics (TensorBoard's HPARAMS tab). Each run is one subfolder of DIR, named by
its start time and model, so that DIR collects runs to compare side by side.

torch.utils.tensorboard (which needs the `tensorboard` package, the optional extra
`digitpad[tensorboard]`) is imported only when a log is opened; `missing()` tells without
importing torch whether it can be, for the GUI.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from digitpad.core.errors import DigitpadError
from digitpad.core.records import EpochEnd, Finished, Started, Step, Steps
from digitpad.core.safe_text import printable
from digitpad.core.saving import check_writable

INSTALL = "pip install 'digitpad[tensorboard]'"
NOT_INSTALLED = f"TensorBoard logging needs the tensorboard package: {INSTALL}"
CELL = 28  # pixels per confusion-matrix cell
MARGIN = 30  # room for the class names along the top and the left


def missing() -> str:
    """Why TensorBoard logs cannot be written here ("" when they can), without importing torch:
    the `tensorboard` package must be installed, and torch.utils.tensorboard bundled (the
    standalone bundle leaves it out)."""
    try:
        torch_spec = importlib.util.find_spec("torch")
        found = importlib.util.find_spec("tensorboard") is not None and torch_spec is not None
    except (ImportError, ValueError):
        found = False
    if found and torch_spec is not None and torch_spec.submodule_search_locations:
        found = any((Path(p) / "utils" / "tensorboard").is_dir()
                    for p in torch_spec.submodule_search_locations)
    return "" if found else NOT_INSTALLED


def run_folder_name(model: str, when: datetime | None = None) -> str:
    """The subfolder one run writes to: its start time, then its model (20261202-165012-cnn)."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)[:60]
    return f"{stamp}-{safe}"


def confusion_image(confusion: list[list[int]], class_names: tuple[str, ...] | list[str]
                    ) -> np.ndarray:
    """The confusion matrix (rows: true class, columns: predicted) as an HWC uint8 image: each
    cell shaded by its share of its row, its count written in it, the class names along the
    top and the left."""
    counts = np.asarray(confusion, dtype=np.int64)
    n = counts.shape[0]
    rows = counts.sum(axis=1, keepdims=True)
    share = counts / np.maximum(rows, 1)
    size = MARGIN + n * CELL
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    for i in range(n):
        for j in range(n):
            level = float(share[i, j])
            # white to blue for the diagonal (right), white to red elsewhere (mistakes)
            shade = (int(255 * (1 - level)), int(255 * (1 - 0.6 * level)), 255) if i == j \
                else (255, int(255 * (1 - level)), int(255 * (1 - level)))
            x, y = MARGIN + j * CELL, MARGIN + i * CELL
            draw.rectangle([x, y, x + CELL - 1, y + CELL - 1], fill=shade, outline=(200,) * 3)
            if counts[i, j]:
                ink = "white" if level > 0.6 else "black"
                draw.text((x + CELL / 2, y + CELL / 2), str(counts[i, j]), fill=ink, anchor="mm")
    for k, name in enumerate(class_names[:n]):
        label = printable(name, 4)
        draw.text((MARGIN + k * CELL + CELL / 2, MARGIN / 2), label, fill="black", anchor="mm")
        draw.text((MARGIN / 2, MARGIN + k * CELL + CELL / 2), label, fill="black", anchor="mm")
    return np.asarray(image, dtype=np.uint8)


def hyperparameters(config: Any) -> dict[str, bool | str | int | float]:
    """A resolved TrainConfig as the flat values TensorBoard's HPARAMS tab takes (model
    options as model_options.NAME; unset values as "none")."""
    flat: dict[str, bool | str | int | float] = {}
    for key, value in config.to_dict().items():
        if key == "model_options":
            for name, option in sorted(value.items()):
                flat[f"model_options.{name}"] = _plain(option)
        else:
            flat[key] = _plain(value)
    return flat


def _plain(value: Any) -> bool | str | int | float:
    return value if isinstance(value, (bool, str, int, float)) else str(value)


class TensorBoardLog:
    """Writes one run's TensorBoard log under `root`; `feed` it every record, in order.

    Raises DigitpadError at once (before any training) when tensorboard is not installed or
    `root` cannot be written to; the run's own folder and event file are made when Started
    arrives. Closes itself on Finished; `close()` is safe to call again (a run that raised).
    """

    def __init__(self, root: str | Path, config: Any, when: datetime | None = None) -> None:
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError:
            raise DigitpadError(NOT_INSTALLED) from None
        self._writer_class = SummaryWriter
        root = Path(root).expanduser()
        check_writable(root / "events.out.tfevents", "the TensorBoard log")
        self.folder = root / run_folder_name(config.model, when)
        self._config = config
        self._writer: Any = None
        self._class_names: tuple[str, ...] = ()
        self._last_epoch: EpochEnd | None = None

    def feed(self, record: object) -> None:
        """Log what `record` carries (records with nothing to log are passed over)."""
        if isinstance(record, Started):
            self._class_names = record.class_names
            self._writer = self._writer_class(log_dir=str(self.folder))
            self._writer.add_text("run", printable(
                f"{record.model} on {record.dataset}: {record.train_size:,} training images, "
                f"scored on {record.val_size:,} {record.scored_on} images; {record.device}", 2000))
        elif self._writer is None:
            return
        elif isinstance(record, Step):
            self._step(record)
        elif isinstance(record, Steps):
            for step in record.steps:
                self._step(step)
        elif isinstance(record, EpochEnd):
            self._epoch(record)
        elif isinstance(record, Finished):
            self._finished(record)

    def _step(self, step: Step) -> None:
        self._writer.add_scalar("step/loss", step.loss, step.global_step)
        self._writer.add_scalar("step/lr", step.lr, step.global_step)
        self._writer.add_scalar("step/images_per_s", step.images_per_s, step.global_step)

    def _epoch(self, end: EpochEnd) -> None:
        w, epoch = self._writer, end.epoch
        w.add_scalar("epoch/train_loss", end.train_loss, epoch)
        w.add_scalar("epoch/train_accuracy", end.train_accuracy, epoch)
        w.add_scalar("epoch/val_loss", end.val_loss, epoch)
        w.add_scalar("epoch/val_accuracy", end.val_accuracy, epoch)
        w.add_scalar("epoch/images_per_s", end.images_per_s, epoch)
        if end.confusion:
            w.add_image("confusion_matrix", confusion_image(end.confusion, self._class_names),
                        epoch, dataformats="HWC")
        self._last_epoch = end
        w.flush()  # an epoch is there to look at while the next one trains

    def _finished(self, done: Finished) -> None:
        from torch.utils.tensorboard.summary import hparams

        metrics = {f"hparam/{k}": float(v) for k, v in done.metrics.items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool)}
        if self._last_epoch is not None:
            metrics["hparam/final_val_loss"] = float(self._last_epoch.val_loss)
        metrics["hparam/epochs_done"] = float(self._last_epoch.epoch if self._last_epoch else 0)
        values = hyperparameters(self._config)
        values["finished"] = done.reason
        # the hparams plugin's own summaries, in this run's event file (add_hparams would put
        # them in a further subfolder, a second run in TensorBoard's list)
        for summary in hparams(values, metrics):
            self._writer.file_writer.add_summary(summary)
        for tag, value in metrics.items():
            self._writer.add_scalar(tag, value, 0)
        self.close()

    def close(self) -> None:
        """Flush and close the event file."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
