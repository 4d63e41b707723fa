"""`digitpad train`'s arguments (cli.py builds the parser) and the run they ask for: a new one,
or one resumed from a model file with --resume, whose data and settings come from the file."""

from __future__ import annotations

import argparse
from typing import Any

from digitpad.cli_args import (
    add_data_args,
    count,
    finite_float,
    key_value,
    positive_float,
    positive_int,
    seed,
)
from digitpad.core.config import PRECISIONS
from digitpad.core.errors import DigitpadError

TRAIN_HELP = (
    "Train a model and save it (the best weights, and what is needed to train it further). "
    "--resume FILE continues a saved run where it stopped, with the data and settings it was "
    "trained with; --epochs N then gives the new total. A file without resume state (older, "
    "or saved with --no-resume-state) is fine-tuned instead: a new schedule from its weights."
)
# Settings that a new run takes when they are not given (the parser leaves them None, so that
# --resume can tell what was given: those decide the data or the model, and come from the file)
NEW_RUN_DEFAULTS: dict[str, Any] = {
    "dataset": "mnist", "model": "digitnet", "option": [], "loss": "auto", "no_augment": False,
    "seed": 0, "val_split": 0.1, "device": "auto", "threads": 0, "precision": "auto",
    "not_digits": 0,
    "not_digit_method": "uniform", "decline_score": "auto", "not_digit_weight": 0.5,
}
FIXED_BY_RESUME = {
    "dataset": "--dataset", "limit": "--limit", "model": "--model", "option": "--option",
    "optimizer": "--optimizer", "lr": "--lr", "batch_size": "--batch-size",
    "scheduler": "--scheduler", "step_size": "--step-size", "gamma": "--gamma",
    "momentum": "--momentum", "weight_decay": "--weight-decay",
    "label_smoothing": "--label-smoothing", "loss": "--loss",
    "no_augment": "--no-augment", "seed": "--seed", "val_split": "--val-split",
    "image_size": "--image-size", "not_digits": "--not-digits",
    "not_digit_method": "--not-digit-method", "decline_score": "--decline-score",
    "not_digit_weight": "--not-digit-weight",
}


def add_train_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of `digitpad train`."""
    add_data_args(p, required=False)
    p.add_argument("--model", help="architecture (see 'digitpad models'; default: digitnet)")
    p.add_argument("--option", type=key_value, action="append", metavar="KEY=VALUE",
                   help="model option, e.g. activation=tanh for mlp or input_size=8 for cnn")
    p.add_argument("--optimizer", help="sgd, adam, adamw, adadelta, adagrad, adamax, asgd, "
                   "rmsprop, rprop or lbfgs (default: the model's recipe)")
    p.add_argument("--lr", type=positive_float, help="learning rate (default: the model's)")
    p.add_argument("--batch-size", type=positive_int)
    p.add_argument("--epochs", type=positive_int,
                   help="epochs to train (with --resume: the new total, epochs done included)")
    p.add_argument("--scheduler", choices=["none", "step", "onecycle"])
    p.add_argument("--step-size", type=positive_int, help="epochs between StepLR decays")
    p.add_argument("--gamma", type=positive_float, help="StepLR decay factor")
    p.add_argument("--momentum", type=finite_float)
    p.add_argument("--weight-decay", type=finite_float)
    p.add_argument("--label-smoothing", type=finite_float, metavar="E",
                   help="cross-entropy label smoothing in [0, 1) (default: the model's recipe; "
                   "digitnet 0.1)")
    p.add_argument("--loss", choices=["auto", "ce", "nll"], help="default: auto")
    p.add_argument("--no-augment", action="store_true", default=None,
                   help="train on the images as they are")
    p.add_argument("--seed", type=seed, help="default: 0")
    p.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"], help="default: auto")
    p.add_argument("--threads", type=count, help="CPU threads (default 0: chosen by timing the "
                   "run's own steps at 1 thread and at one per core, checked again as it goes; "
                   "a fixed N also makes runs repeat bit for bit)")
    p.add_argument("--precision", choices=PRECISIONS,
                   help="number format of the training steps (default auto: bfloat16 mixed "
                   "precision with channels-last for convolutional models on a CPU that does "
                   "bfloat16 natively, about twice as fast; fp32 elsewhere). The saved model "
                   "is float32 either way")
    p.add_argument("--val-split", type=finite_float,
                   help="fraction of training images held out for validation (0: use the test "
                   "set; default: 0.1)")
    p.add_argument("--image-size", type=positive_int, help="image side for image folders")
    p.add_argument("--not-digits", type=count, metavar="N",
                   help="also learn to decline non-digits: mix N generated letters, symbols, "
                   "scribbles, shapes and noise into training (digit data only; default 0)")
    p.add_argument("--not-digit-method", choices=["uniform", "class"],
                   help="how to learn them: Outlier Exposure to a uniform output (default) or "
                   "an extra 'not a digit' class")
    p.add_argument("--not-digit-weight", type=positive_float, metavar="W",
                   help="weight of the uniform loss on non-digits (Outlier Exposure's lambda; "
                   "default 0.5)")
    p.add_argument("--decline-score", choices=["auto", "max_probability", "energy"],
                   help="the score the decline threshold is set on (uniform method; default "
                   "auto: whichever declines more held-out non-digits)")
    p.add_argument("--nproc", type=positive_int, metavar="N",
                   help="train on N processes with torch.distributed (DistributedDataParallel; "
                   "gloo on the CPU, nccl with one GPU each on CUDA): --batch-size is the "
                   "whole batch, each process takes 1/N of it; process 0 alone prints, "
                   "evaluates and saves. For several machines use torchrun ... -m digitpad "
                   "train (see the README)")
    p.add_argument("--out", help="file to save to (default: a new file in the model library)")
    p.add_argument("--resume", metavar="FILE",
                   help="continue the run saved in FILE (or a library model's name) where it "
                   "stopped: same data, settings and schedule, the step count carries on; the "
                   "result is saved to a new file, FILE is left as it is")
    p.add_argument("--log-dir", metavar="DIR",
                   help="also write a TensorBoard log: each run in its own subfolder of DIR, "
                   "named by its start time and model (20261202-165012-digitnet), with the "
                   "loss per step, loss, accuracy, learning rate and images/s, the confusion "
                   "matrix per epoch and the hyperparameters with the final metrics; view "
                   "with 'tensorboard --logdir DIR' (needs pip install 'digitpad[tensorboard]')")
    p.add_argument("--no-resume-state", action="store_true",
                   help="save only the weights and metadata: a smaller file (as the bundled "
                   "models are) that --resume can only fine-tune")


def train_run(args: argparse.Namespace) -> tuple[Any, Any]:
    """The TrainConfig (resolved) and the resume state (None for a new run) the arguments ask
    for. DigitpadError for a flag --resume cannot take, ResumeError for a file that cannot go
    on, CheckpointError for a file that is not a usable model."""
    from digitpad.core.config import TrainConfig

    if args.resume:
        return _resumed(args)
    values = {k: (v if v is not None else NEW_RUN_DEFAULTS.get(k)) for k, v in vars(args).items()}
    return TrainConfig(
        dataset=values["dataset"], model=values["model"], model_options=dict(values["option"]),
        optimizer=args.optimizer, lr=args.lr, batch_size=args.batch_size, epochs=args.epochs,
        scheduler=args.scheduler, step_size=args.step_size, gamma=args.gamma,
        momentum=args.momentum, weight_decay=args.weight_decay,
        label_smoothing=args.label_smoothing, loss=values["loss"],
        augment=not values["no_augment"], seed=values["seed"], device=values["device"],
        threads=values["threads"], precision=values["precision"],
        val_split=values["val_split"], image_size=args.image_size,
        data_dir=args.data_dir, limit=args.limit, not_digits=values["not_digits"],
        not_digit_method=values["not_digit_method"], decline_score=values["decline_score"],
        not_digit_weight=values["not_digit_weight"],
    ).resolved(), None


FINE_TUNE_MAY_CHANGE = ("not_digits", "not_digit_method", "decline_score", "not_digit_weight",
                        "lr")


def _resumed(args: argparse.Namespace) -> tuple[Any, Any]:
    from dataclasses import replace

    from digitpad.core.model_library import resolve_model
    from digitpad.core.resume_state import read_resume
    from digitpad.core.resume_training import config_to_continue

    given = [dest for dest in FIXED_BY_RESUME if getattr(args, dest) is not None]
    state = None
    if given and set(given) <= set(FINE_TUNE_MAY_CHANGE):
        state = read_resume(resolve_model(args.resume))
    if given and (state is None or not state.fine_tune):
        flags = ", ".join(FIXED_BY_RESUME[dest] for dest in given)
        raise DigitpadError(
            f"--resume goes on with the data and settings the file was trained with, so "
            f"{flags} cannot be given with it (only --epochs, --device, --threads, "
            "--precision, --log-dir, --data-dir, --out and --no-resume-state can; a file "
            "saved without resume state, which is fine-tuned, also takes --lr and the "
            "--not-digits flags); leave out "
            "--resume to start a new run."
        )
    if state is None:
        state = read_resume(resolve_model(args.resume))  # a file, or a name in the library
    config = config_to_continue(state, epochs=args.epochs, device=args.device,
                                threads=args.threads, data_dir=args.data_dir,
                                precision=args.precision)
    changes = {dest: getattr(args, dest) for dest in given}
    if changes:  # fine-tuning with other settings: checked again
        config = replace(config, **changes).resolved()
    return config, state
