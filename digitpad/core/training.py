"""The training loop: plain generators, used by the CLI (tqdm) and the GUI (a QThread).

`train()` yields small records (records.py) and checks its TrainControl between batches, so the
caller decides how to show progress and when to stop or pause. Its shape follows torchvision's
references/classification/train.py: set up, then per epoch `train_one_epoch()` (a generator,
used with `yield from`) and `end_epoch()` (evaluate, keep the best weights), then `finish()`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import replace

import torch

from digitpad.core.augment import augment_batch
from digitpad.core.calibration import calibrate
from digitpad.core.config import TrainConfig
from digitpad.core.control import TrainControl
from digitpad.core.datasets import Dataset
from digitpad.core.devices import start_on
from digitpad.core.distributed.world import World, lost_touch
from digitpad.core.evaluation import evaluate, normalise
from digitpad.core.explain.watch import Watch
from digitpad.core.not_digit_training import (
    batch_preparer,
    fit_decline,
    mix_in,
    prepare,
    scored_on_test,
    vary_aspect,
)
from digitpad.core.records import (
    DataProgress,
    EpochEnd,
    Finished,
    Notice,
    Paused,
    Record,
    Step,
)
from digitpad.core.resume_state import ResumeState
from digitpad.core.resume_training import Snapshots
from digitpad.core.training_report import divergence_advice, run_metadata
from digitpad.core.training_setup import (
    LoadingStopped,
    Run,
    load_data,
    set_up,
    started_record,
)
from digitpad.core.training_state import EpochTally, TrainState, time_left

__all__ = ["MISTAKES_KEPT", "Record", "divergence_advice", "time_left", "train",
           "train_one_epoch"]
MISTAKES_KEPT = 32
LOADING_STOPPED = "Stopped while the dataset was loading; nothing to save."


def train(
    config: TrainConfig,
    control: TrainControl | None = None,
    *,
    dataset: Dataset | None = None,
    progress: Callable[[DataProgress], None] | None = None,
    resume: ResumeState | None = None,
    world: World | None = None,
) -> Iterator[Record]:
    """Train a model as `config` says, yielding records; the last one is always `Finished`.

    `dataset` skips loading (tests, benchmarks); `progress` gets a DataProgress while the data
    set is read or downloaded. `resume` (resume_state.read_resume) goes on from where a saved
    run stopped, `config` then being resume_training.config_to_continue's. `world`: one of the
    processes of a distributed run (distributed/world.py); only its leader evaluates, and the
    others' Finished has no model. Raises DigitpadError
    (before any step) for unusable settings or data. Yields Notice…, Started, then Step…
    (Paused when a pause takes effect) and EpochEnd per epoch, then Finished.
    """
    config = config.resolved()
    control = control or TrainControl()
    started = time.perf_counter()
    device, fallback = start_on(config.device, config.threads)
    if fallback:
        yield Notice(fallback)
    if world is not None:
        device = world.connect(device)
    if dataset is None:
        yield Notice(f"Loading {config.dataset}…")
        try:
            dataset = load_data(config, control, progress)
        except LoadingStopped:
            yield Finished("stopped", LOADING_STOPPED, 0, {}, time.perf_counter() - started)
            return
    yield Notice(dataset.description)
    if config.not_digits:
        yield Notice(f"Generating {config.not_digits:,} not-a-digit images to learn to decline…")
    dataset, not_digits = prepare(config, dataset, device)
    run, state = set_up(config, dataset, device, started, not_digits, world)
    for notice in (getattr(run.model, "notice", ""), run.notice, run.precision.notice()):
        if notice:
            yield Notice(notice)
    snapshots = Snapshots(run, state, resume)  # a snapshot per epoch, to resume from later
    if notice := snapshots.start():
        yield Notice(notice)
    # the first layer and a fixed image's activations, looked at by the leader only
    watch = Watch(run) if world is None or world.leader else None
    yield Watch.started(started_record(run), watch, run.model)

    reason, message = "completed", ""
    for epoch in range(state.epoch + 1, config.epochs + 1):
        tally = yield from train_one_epoch(run, state, control, epoch)
        if tally.diverged:
            reason, message = "diverged", tally.diverged
            break  # weights that gave a non-finite loss are not evaluated nor kept
        if tally.stopped:
            reason = "stopped"
            # Stop rules (the only place they are decided): a stop ends the run after the
            # current batch. The epoch it cut short is evaluated only when nothing would be
            # kept otherwise (no best weights yet) and it took at least one step, so a run
            # stopped during its first epoch can still be saved; else its partial epoch is
            # dropped and the best epoch so far is what the run keeps.
            if state.best_state is not None or tally.seen == 0:
                break
        record = end_epoch(run, state, epoch, tally, watch)
        if record is not None:  # None: a process of a distributed run other than the leader
            snapshots.take(record)
            yield record
        if tally.stopped:
            break
    yield from finish(run, state, reason, message, snapshots.latest)
    if run.threads:
        run.threads.restore()


def train_one_epoch(run: Run, state: TrainState, control: TrainControl,
                    epoch: int) -> Generator[Record, None, EpochTally]:
    """One pass over the shuffled training split, a Step per batch; returns the epoch's tally
    (ended early on a stop request or a non-finite loss)."""
    config, batch, n = run.config, run.batch or run.config.batch_size, len(run.images)
    (run.trained or run.model).train()
    if run.shard is not None:  # this process's part of the order all processes share
        order = run.shard.order(epoch, run.device)
    else:
        order = torch.randperm(n, generator=state.generator).to(run.device)
    tally, epoch_start = EpochTally(), time.perf_counter()
    extra = run.not_digits
    if extra is not None:
        prepare_extra = batch_preparer(run.dataset.augment_style, config.augment, run.mean,
                                       run.std, state.generator)
    for step in range(1, run.steps_per_epoch + 1):
        # Pause rule: a pause takes effect here, between batches; Paused is yielded first, so
        # the caller hears of it before the loop blocks. Stop also ends a pause.
        if control.paused:
            yield Paused(epoch, state.global_step, run.total_steps)
            control.wait_while_paused()
        if control.stop_requested and run.world is None:  # (processes stop together, below)
            tally.stopped = True
            break
        threads = run.threads.before_step() if run.threads else 0
        t0 = time.perf_counter()
        idx = order[(step - 1) * batch : step * batch]
        x = run.images[idx].float().div_(255)
        if config.augment:
            x = augment_batch(x, run.dataset.augment_style, state.generator)
            if extra is not None:  # widened digits are digits too, as the threshold assumes
                x = vary_aspect(x, state.generator)
        x, y = normalise(x, run.mean, run.std), run.labels[idx]
        if extra is not None:  # non-digits after the digits; the tally counts digits only
            x, y = mix_in(extra, x, y, state.generator, prepare_extra)
        try:
            loss_value, outputs, oom_notice = run.stepper.step(x, y)
            correct, seen = int((outputs[: len(idx)].argmax(1) == y[: len(idx)]).sum()), len(idx)
            if run.world is not None:  # the whole batch's figures; any stop request stops all
                tally.stopped, loss_value, correct, seen = run.world.share_step(
                    control.stop_requested, loss_value, correct, seen)
        except RuntimeError as exc:  # a collective failed: another process is gone
            if run.world is None:
                raise
            yield Notice(lost_touch(exc))
            tally.stopped = True
            break
        if run.per_step_scheduler and state.scheduler is not None:
            state.scheduler.step()
        state.global_step += 1
        step_time = time.perf_counter() - t0
        if run.threads:
            run.threads.after_step(step_time, len(idx))
        state.train_time += step_time
        tally.train_time += step_time
        if oom_notice:
            yield Notice(oom_notice)
        if not math.isfinite(loss_value):
            tally.diverged = divergence_advice(config, loss_value, epoch, step)
            break
        tally.seen += seen
        tally.loss_sum += loss_value * seen
        tally.correct += correct
        rate = tally.seen / max(1e-9, time.perf_counter() - epoch_start)
        lr = state.optimizer.param_groups[0]["lr"]
        eta = time_left(state, run.total_steps, config.epochs - epoch + 1)
        yield Step(epoch, step, run.steps_per_epoch, state.global_step, run.total_steps,
                   loss_value, lr, rate, eta, threads)
        if tally.stopped:
            break
    return tally


def end_epoch(run: Run, state: TrainState, epoch: int, tally: EpochTally,
              watch: Watch | None = None) -> EpochEnd | None:
    """Evaluate on the validation split, keep the weights if they are the best so far, step an
    epoch-wise scheduler; the epoch's record (also kept in state.history), with what `watch`
    sees of the model (counted as evaluation time, so the time left includes it). In a
    distributed run the processes other than the leader only step the scheduler: None."""
    if run.world is not None and not run.world.leader:
        if not run.per_step_scheduler and state.scheduler is not None:
            state.scheduler.step()
        state.epoch = epoch
        return None
    data = run.dataset
    t0 = time.perf_counter()
    result = evaluate(run.model, data.val, data.mean, data.std, len(data.class_names),
                      device=run.device, keep_mistakes=MISTAKES_KEPT)
    look = None if watch is None else watch.look(run.model)
    state.eval_time += time.perf_counter() - t0
    state.evaluations += 1
    is_best = result.accuracy > state.best_accuracy
    if is_best:
        state.best_accuracy, state.best_epoch = result.accuracy, epoch
        state.best_state = {k: v.detach().clone() for k, v in run.model.state_dict().items()}
    if not run.per_step_scheduler and state.scheduler is not None:
        state.scheduler.step()
    state.epoch = epoch
    eta = 0.0 if tally.stopped else time_left(state, run.total_steps, run.config.epochs - epoch)
    seen = max(1, tally.seen)
    record = EpochEnd(
        epoch, run.config.epochs, state.global_step, tally.loss_sum / seen, tally.correct / seen,
        result.loss, result.accuracy, result.confusion, time.perf_counter() - run.started, eta,
        tally.images_per_s(), is_best, result.misclassified,
        None if look is None else look.first_layer, [] if look is None else look.probe,
    )
    # the history keeps the numbers only: a long MLP run would otherwise hold ~0.4 MB an epoch
    state.history.append(replace(record, first_layer=None, probe=[]))
    return record


def finish(run: Run, state: TrainState, reason: str, message: str,
           resume: ResumeState | None = None) -> Iterator[Record]:
    """Put the best weights back, score them on the test split, and yield Finished (with
    `resume`, the last epoch's snapshot, for the saved file)."""
    config, data = run.config, run.dataset
    if run.world is not None and not run.world.leader:  # the leader evaluates and saves
        yield Finished(reason, message, 0, {}, time.perf_counter() - run.started)
        return
    if state.best_state is None:
        yield Finished(reason, message or "Stopped before any weights were worth keeping.",
                       0, {}, time.perf_counter() - run.started)
        return
    model = run.model.to(memory_format=torch.contiguous_format)  # as a model file holds it
    model.load_state_dict(state.best_state)
    best_acc, best_epoch = state.best_accuracy, state.best_epoch
    metrics = {"val_accuracy": best_acc, "best_epoch": best_epoch,
               "train_seconds": state.train_time}
    if data.test is not None and config.val_split > 0:
        yield Notice("Evaluating the best weights on the test set…")
        test = evaluate(model, data.test, data.mean, data.std, len(data.class_names),
                        device=run.device)
        metrics["test_accuracy"] = test.accuracy
    elif data.test is not None:
        metrics["test_accuracy"], metrics["selected_on_test"] = best_acc, True
    calibration = None
    if config.val_split > 0 and len(data.val):
        calibration = calibrate(model, data.val, data.mean, data.std, device=run.device)
        metrics.update(calibration)
    if not message:
        verb = {"completed": "Finished", "stopped": "Stopped"}[reason]
        message = f"{verb}: best validation accuracy {best_acc:.2%} (epoch {best_epoch})."
    decline = None
    if run.not_digits is not None and len(data.val):
        yield Notice("Fitting the not-a-digit threshold on held-out images…")
        decline, figures = fit_decline(
            model, run.not_digits, config, data.val, data.mean, data.std,
            None if calibration is None else calibration["temperature"], run.device)
        metrics.update(figures)
        if "test_accuracy" in metrics and not metrics.get("selected_on_test"):
            metrics.update(scored_on_test(
                model, run.not_digits, data.test, data.mean, data.std,
                None if calibration is None else calibration["temperature"], decline,
                run.device))
    meta = run_metadata(config, data, model, metrics)
    if calibration is not None:
        meta["temperature"] = calibration["temperature"]
    if decline is not None:
        meta["decline"] = decline
    if run.not_digits is not None:
        meta["not_digits"] = run.not_digits.recipe
    yield Finished(reason, message, best_epoch, metrics, time.perf_counter() - run.started,
                   model.cpu().eval(), meta, resume=resume)
