"""Fine-tune a digit model on a person's own handwriting, in seconds, without forgetting MNIST.

`fine_tune()` is a generator of the core's records (records.py), like training.train(), so the
CLI shows it with tqdm and the app on the Train tab's QThread machinery. It starts from a saved
digit model (the bundled one by default) and takes a hundred small steps on batches whose
digits are one fifth the person's samples (augmented as drawings are in training) and four
fifths MNIST training images (replay: it keeps reading everyone else's writing). Measured with
`digitpad bench personal` (six simulated writers, seed 0): half and half lost up to 0.51 points
of MNIST test accuracy for one writer (whose 2s look like 7s); one fifth lost at most 0.08, and
every writer's unseen drawings were still all read right. A model that declines non-digits
with an extra output also sees generated non-digits, so it keeps declining them. Batch norm's
running statistics stay as the base model learned them on 60,000 digits: estimated again from
batches partly made of a few dozen drawings they would drift toward those few.

A share of each digit's samples is held out and never trained on; the person's accuracy on
them, before and after, and the MNIST test accuracy before and after, are what the report says.
The weights kept are the last step's: choosing among steps by the held-out samples would make
their score a selected one, not a measured one.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Iterator

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from digitpad.core.augment import augment_batch
from digitpad.core.checkpoint import load_model
from digitpad.core.control import TrainControl
from digitpad.core.datasets import load_dataset
from digitpad.core.decline import reject_index
from digitpad.core.devices import start_on
from digitpad.core.errors import DigitpadError
from digitpad.core.evaluation import normalise
from digitpad.core.model_library import resolve_model
from digitpad.core.models.registry import get_spec
from digitpad.core.personal.fine_tune_scores import Scorer, fine_tuned_meta, recorded_mnist_score
from digitpad.core.personal.finetune_config import (  # default_out: re-exported
    FineTuneConfig,
    default_out,  # noqa: F401
)
from digitpad.core.personal.personal_data import load_samples, split_held_out
from digitpad.core.records import EpochEnd, Finished, Notice, Paused, Record, Started, Step
from digitpad.core.safe_text import printable

DIGITS = [str(d) for d in range(10)]
NOT_DIGITS_REPLAYED = 512  # generated non-digits mixed in for a model that declines them
NOT_DIGIT_SHARE = 0.25  # of a batch, on top of its digits, for such a model
STOPPED = "Stopped before the fine-tune ended: nothing was saved, the model in use is unchanged."


def fine_tune(config: FineTuneConfig, control: TrainControl | None = None) -> Iterator[Record]:
    """Fine-tune as `config` says, yielding Notice…, Started, Step… and an EpochEnd per
    chunk, then Finished (metrics: personal_before/after, mnist_before/after, the counts and
    train_seconds). DigitpadError, before any step, for unusable settings, models or samples."""
    config.check()
    control = control or TrainControl()
    started = time.perf_counter()
    device, fallback = start_on(config.device, config.threads)
    if fallback:
        yield Notice(fallback)
    base_path = resolve_model(config.base)
    model, meta = load_model(base_path)
    reject = reject_index(meta)
    names = list(meta["class_names"])
    digits = names if reject is None else names[:reject] + names[reject + 1 :]
    if digits != DIGITS or reject not in (None, len(DIGITS)) or (
            meta["preprocess"].get("mode") != "digit"):
        raise DigitpadError(f"{printable(base_path.name)} is not a model of the ten digits "
                            "(0 … 9) prepared as drawings are; fine-tune a digit model.")
    samples = load_samples(config.samples, names, meta["preprocess"])
    if samples.skipped:
        yield Notice(f"{len(samples.skipped):,} file(s) left out: {samples.skipped[0]}")
    learn, held = split_held_out(samples, config.held_out, config.seed)
    yield Notice("Loading MNIST for replay and the before/after test…")
    mnist = load_dataset("mnist", data_dir=config.data_dir, val_split=0.0, seed=config.seed)
    model.to(device)
    scorer = Scorer(model, meta, mnist.test, held, device)
    recorded = recorded_mnist_score(meta, len(mnist.test))
    if recorded is None:
        yield Notice("Scoring the model on MNIST before fine-tuning…")
    before = scorer.scores(recorded)
    not_digits = None
    if reject is not None:
        yield Notice("Drawing non-digits so that it keeps declining them…")
        not_digits = torch.from_numpy(_not_digits(config.seed, config.data_dir).copy()).to(device)

    steps_per_chunk = math.ceil(config.steps / config.chunks)
    chunks = math.ceil(config.steps / steps_per_chunk)
    yield Started(tuple(names), len(learn), len(held), len(mnist.test),
                  "your held-out samples" if len(held) else "your samples",
                  f"your {len(samples)} samples + MNIST replay", meta["architecture"],
                  sum(p.numel() for p in model.parameters()), str(device),
                  torch.get_num_threads(), chunks, steps_per_chunk, chunks * steps_per_chunk)
    loop = _Loop(config, model, meta, learn, mnist.train, not_digits, reject, device)
    for chunk in range(1, chunks + 1):
        tally_loss, tally_n, chunk_start = 0.0, 0, time.perf_counter()
        for step in range(1, steps_per_chunk + 1):
            if control.paused:
                yield Paused(chunk, loop.done, chunks * steps_per_chunk)
                control.wait_while_paused()
            if control.stop_requested:
                yield Finished("stopped", STOPPED, 0, {}, time.perf_counter() - started)
                return
            loss = loop.step(chunks * steps_per_chunk)
            if not math.isfinite(loss):
                raise DigitpadError("The fine-tune diverged (the loss is not a number); try a "
                                    "lower learning rate.")
            tally_loss, tally_n = tally_loss + loss, tally_n + 1
            rate = tally_n * config.batch_size / max(1e-9, time.perf_counter() - chunk_start)
            left = loop.seconds / loop.done * (chunks * steps_per_chunk - loop.done)
            yield Step(chunk, step, steps_per_chunk, loop.done, chunks * steps_per_chunk, loss,
                       loop.lr, rate, left)
        check = scorer.personal(held if len(held) else learn)
        yield EpochEnd(chunk, chunks, loop.done, tally_loss / tally_n, loop.accuracy(),
                       check.loss, check.accuracy, check.confusion, time.perf_counter() - started,
                       loop.seconds / loop.done * (chunks * steps_per_chunk - loop.done),
                       config.batch_size * tally_n / max(1e-9, time.perf_counter() - chunk_start),
                       chunk == chunks)
    model.eval()
    yield Notice("Scoring the fine-tuned model…")
    after = scorer.scores()
    metrics = {
        "personal_before": before.personal, "personal_after": after.personal,
        "personal_held_out": len(held), "personal_trained": len(learn),
        "personal_held_out_share": config.held_out,
        "mnist_before": before.mnist, "mnist_after": after.mnist,
        "mnist_before_recorded": recorded is not None,
        "train_seconds": loop.seconds, "steps": loop.done,
    }
    message = (f"Fine-tuned on {len(learn)} of your samples in {loop.seconds:.1f} s: "
               + (f"your held-out samples {before.personal:.0%} → {after.personal:.0%}, "
                  if len(held) else "")
               + f"MNIST test {before.mnist:.2%} → {after.mnist:.2%}.")
    new_meta = fine_tuned_meta(meta, base_path, config, metrics, after, len(samples))
    yield Finished("completed", message, chunks, dict(new_meta["metrics"]),
                   time.perf_counter() - started, model.cpu().eval(), new_meta)


@functools.lru_cache(maxsize=2)
def _not_digits(seed: int, data_dir: str | None) -> np.ndarray:
    """NOT_DIGITS_REPLAYED generated non-digits, uint8 (n, 1, 28, 28), drawn once a process
    (a second fine-tune in the app, or the benchmark's next writer, saves the second or two)."""
    from digitpad.core.not_digits import generate  # Pillow drawing: only when needed

    images = generate(NOT_DIGITS_REPLAYED, seed, data_dir=data_dir).images[:, None]
    images.setflags(write=False)
    return images


class _Loop:
    """The steps: optimizer, schedule, and the mixed batches."""

    def __init__(self, config: FineTuneConfig, model: nn.Module, meta: dict,
                 learn: object, replay: object, not_digits: torch.Tensor | None,
                 reject: int | None, device: torch.device) -> None:
        self.config, self.model, self.device = config, model, device
        self.learn, self.replay, self.not_digits, self.reject = learn, replay, not_digits, reject
        self.mean = torch.tensor(meta["mean"], dtype=torch.float32, device=device)
        self.std = torch.tensor(meta["std"], dtype=torch.float32, device=device)
        self.log_probs = get_spec(meta["architecture"]).outputs == "log_probs"
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=0)
        self.generator = torch.Generator().manual_seed(config.seed)
        torch.manual_seed(config.seed)
        self.done, self.seconds, self.lr = 0, 0.0, config.lr
        self._right, self._seen = 0, 0

    def step(self, total: int) -> float:
        t0 = time.perf_counter()
        config, g = self.config, self.generator
        own = max(1, round(config.batch_size * config.personal_share))
        mine = torch.randint(len(self.learn), (own,), generator=g)
        theirs = torch.randint(len(self.replay), (config.batch_size - own,), generator=g)
        images = torch.cat([self.learn.images[mine], self.replay.images[theirs]])
        labels = torch.cat([self.learn.labels[mine], self.replay.labels[theirs]])
        if self.not_digits is not None:
            count = max(1, round(config.batch_size * NOT_DIGIT_SHARE))
            pick = torch.randint(len(self.not_digits), (count,), generator=g)
            images = torch.cat([images, self.not_digits[pick].cpu()])
            labels = torch.cat([labels, torch.full((count,), self.reject, dtype=torch.int64)])
        x = augment_batch(images.float().div_(255), "digit", g).to(self.device)
        y = labels.to(self.device)
        # cosine decay to a tenth over the run: big steps first, then settle
        self.lr = config.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * self.done / total)))
        for group in self.optimizer.param_groups:
            group["lr"] = self.lr
        self.model.train()
        for module in self.model.modules():  # keep the base's running statistics (see above)
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                module.eval()
        outputs = self.model(normalise(x, self.mean, self.std))
        loss = (F.nll_loss if self.log_probs else F.cross_entropy)(outputs, y)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self._right += int((outputs[:own].argmax(1) == y[:own]).sum())
        self._seen += own
        self.done += 1
        self.seconds += time.perf_counter() - t0
        return loss.item()

    def accuracy(self) -> float:
        """The share of its own samples (augmented) it got right in training since last asked."""
        value = self._right / max(1, self._seen)
        self._right, self._seen = 0, 0
        return value

