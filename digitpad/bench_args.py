"""The `digitpad bench` subcommands' arguments (the benchmarks live in digitpad/bench/)."""

from __future__ import annotations

import argparse

from digitpad.cli_args import count, fraction, positive_float, positive_int, seed
from digitpad.core.config import PRECISIONS


def add_bench_parsers(sub: argparse._SubParsersAction) -> None:
    """`digitpad bench BENCHMARK …`: one parser per benchmark."""
    p = sub.add_parser("bench", help="measure speed (prints a table, --json for numbers)",
                       description="Benchmarks, each run side by side in one process.")
    bench = p.add_subparsers(dest="bench", metavar="BENCHMARK", required=True)
    b = bench.add_parser("mouse", help="accuracy on digits drawn with the mouse on the canvas",
                         description="Draws scripted digits (several styles, sizes, positions, "
                         "pens and slants) on the real canvas with mouse events and reports the "
                         "model's accuracy per digit.")
    b.add_argument("--model", help="model file or name (default: the bundled digit model)")
    b.add_argument("--per-digit", type=positive_int, default=100, help="cases per digit")
    b.add_argument("--seed", type=seed, default=0)
    b.add_argument("--save-failures", metavar="DIR", help="save what the model saw when wrong")
    b.add_argument("--json", action="store_true")
    b = bench.add_parser("open-world", help="digits and non-digits drawn with the mouse: "
                         "accuracy, declines, AUROC, ECE per model",
                         description="Draws bench mouse's digits and non-digits (the generator's "
                         "own stroke templates, held-out letters, symbols, shapes and scribbles) "
                         "on the real canvas with mouse events, scores generated non-digits of "
                         "another seed, and reports per model: digits read (declines count as "
                         "wrong), non-digits declined, AUROC and ECE (on MNIST's test set when "
                         "the data folder has it).")
    b.add_argument("--model", action="append", help="model file or name; repeat to compare "
                   "(default: the bundled digit model)")
    b.add_argument("--per-digit", type=positive_int, default=50, help="mouse digits per digit")
    b.add_argument("--per-kind", type=positive_int, default=5,
                   help="mouse drawings per non-digit template (and 5x as many scribbles)")
    b.add_argument("--generated", type=count, default=1000,
                   help="generated non-digits scored as 28x28 images")
    b.add_argument("--seed", type=seed, default=0)
    b.add_argument("--data-dir", help="folder with mnist/ for the test-set ECE and accuracy "
                   "(default: as for train; never downloads)")
    b.add_argument("--save-failures", metavar="DIR",
                   help="save what the model saw for declined digits and accepted non-digits")
    b.add_argument("--json", action="store_true")
    b = bench.add_parser("personal", help="fine-tuning on simulated writers the bundled model "
                         "misreads: their unseen digits and MNIST before and after, and the time",
                         description="Simulated writers (ordinary digits plus a quirk or two the "
                         "model misreads, in a consistent hand) draw their digits on the real "
                         "canvas with mouse events; the app's fine-tune runs on --per-digit of "
                         "each, and their --unseen other drawings are read before and after.")
    b.add_argument("--model", help="the base model file or name (default: the bundled digits "
                   "model)")
    b.add_argument("--writers", type=positive_int, help="the first N writers (default: all)")
    b.add_argument("--per-digit", type=positive_int, default=5,
                   help="drawings per digit to fine-tune on")
    b.add_argument("--unseen", type=positive_int, default=20,
                   help="other drawings per digit to test on")
    b.add_argument("--seed", type=seed, default=0)
    b.add_argument("--data-dir", help="folder with mnist/ (replay and the MNIST test; default: "
                   "as for train; never downloads)")
    b.add_argument("--threads", type=count, default=0, help="CPU threads (0: one per core)")
    b.add_argument("--json", action="store_true")
    b = bench.add_parser("gui", help="GUI smoothness while the Train tab trains",
                         description="A 10 ms timer probe on the GUI thread while the Train tab "
                         "trains, and the GUI's training speed against the command line's.")
    b.add_argument("--dataset", default="mnist", help="as for train: mnist, fashion-mnist, a "
                   "folder of IDX files, or a class-per-folder image dataset (e.g. 1000 classes)")
    b.add_argument("--data-dir", help="folder with mnist/ (default: as for train)")
    b.add_argument("--model", default="digitnet")
    b.add_argument("--epochs", type=positive_int, default=1)
    b.add_argument("--limit", type=positive_int, default=8000, help="training images used")
    b.add_argument("--timeout", type=positive_float, default=300,
                   help="stop the GUI run after this many seconds")
    b.add_argument("--busy", type=count, default=0, metavar="N",
                   help="beside N busy processes this benchmark starts and stops (e.g. one per "
                   "core but one)")
    b.add_argument("--finetune", action="store_true",
                   help="instead, the same probe while the My handwriting tab fine-tunes on 50 "
                   "digits a simulated writer drew (temporary folders; --data-dir and --timeout "
                   "apply)")
    b.add_argument("--json", action="store_true")

    b = bench.add_parser("train", help="seconds to a test accuracy: digitpad vs PyTorch's recipe",
                         description="Train digitpad's default recipe and the PyTorch examples "
                         "MNIST recipe on the same images until each reaches --target accuracy "
                         "on the MNIST test set (scored every epoch, not timed).")
    b.add_argument("--data-dir", help="folder with mnist/ (default: as for train)")
    b.add_argument("--target", type=fraction, default=0.99, help="test accuracy to reach")
    b.add_argument("--max-epochs", type=positive_int, default=15,
                   help="stop each recipe after this many epochs (digitpad's stops at its "
                   "schedule's end anyway)")
    b.add_argument("--epochs", type=positive_int, default=2,
                   help="length of digitpad's one-cycle schedule (default 2, the shortest that "
                   "reaches 99%%; 8 is what 'digitpad train' does by default)")
    b.add_argument("--precision", choices=PRECISIONS, default="auto",
                   help="digitpad's training precision, as for train (default auto)")
    b.add_argument("--max-seconds", type=positive_float, default=3600,
                   help="stop each recipe after this much training time")
    b.add_argument("--limit", type=positive_int,
                   help="use only the first N training and test images (quick runs)")
    b.add_argument("--threads", type=count, default=0, help="CPU threads (0: one per core)")
    b.add_argument("--json", action="store_true")

    b = bench.add_parser("busy", help="training quiet and beside busy programs: 1 thread, one "
                         "per core, automatic",
                         description="The same short training run of each model quiet, beside "
                         "one busy process per core but one, and beside one per core (processes "
                         "this benchmark starts and stops), pinned to 1 thread, pinned to one per "
                         "core, and with the thread count the run chooses by timing its steps.")
    b.add_argument("--models", type=lambda t: [n.strip() for n in t.split(",") if n.strip()],
                   help="comma-separated names (default: mlp,lenet5,digitnet)")
    b.add_argument("--steps", type=positive_int, default=150, help="training steps per run")
    b.add_argument("--data-dir", help="folder with mnist/ (default: as for train; never "
                   "downloads)")
    b.add_argument("--json", action="store_true")

    b = bench.add_parser("models", help="training images/s of every architecture",
                         description="A few training steps of each registry model on random "
                         "inputs of its size (resnet18 gets a tenth of the steps).")
    b.add_argument("--models", type=lambda t: [n.strip() for n in t.split(",") if n.strip()],
                   help="comma-separated names (default: all)")
    b.add_argument("--batch-size", type=positive_int, default=128)
    b.add_argument("--steps", type=positive_int, default=20, help="timed steps per model")
    b.add_argument("--warmup", type=count, default=3, help="untimed steps first")
    b.add_argument("--threads", type=count, default=0, help="CPU threads (0: one per core)")
    b.add_argument("--json", action="store_true")

    b = bench.add_parser("latency", help="drawing to probabilities: predictor and window",
                         description="Predictor.predict on a drawn 7, and draw-to-bars time of "
                         "single mouse moves in the real window (offscreen).")
    b.add_argument("--model", help="a model file or name (default: the bundled digits model, "
                   "else a stand-in trained on MNIST for a few seconds)")
    b.add_argument("--data-dir", help="MNIST for the stand-in model (default: as for train)")
    b.add_argument("--calls", type=positive_int, default=500, help="predictor calls timed")
    b.add_argument("--moves", type=positive_int, default=200, help="mouse moves timed")
    b.add_argument("--image-size", type=positive_int, default=280,
                   help="side of the drawn image given to the predictor")
    b.add_argument("--no-gui", action="store_true", help="skip the window measurement")
    b.add_argument("--json", action="store_true")

    b = bench.add_parser("startup", help="cold start: launch to window and to model loaded",
                         description="Starts 'python -m digitpad' offscreen in fresh processes "
                         "and reports the median times to the window and to the model.")
    b.add_argument("--model", help="as for latency")
    b.add_argument("--data-dir", help="MNIST for the stand-in model (default: as for train)")
    b.add_argument("--runs", type=positive_int, default=5)
    b.add_argument("--timeout", type=positive_float, default=60, help="seconds per run")
    b.add_argument("--executable", help="start this instead of 'python -m digitpad', e.g. a "
                   "standalone bundle's packaging/dist/digitpad/digitpad")
    b.add_argument("--json", action="store_true")
