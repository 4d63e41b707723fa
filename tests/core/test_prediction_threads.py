"""One image runs on one torch thread (issue 17: as fast quiet, and ~50x faster at p95 beside a
busy process), and only in the thread that predicts: a training thread keeps its own count."""

from __future__ import annotations

import threading

import numpy as np
import torch

from digitpad.core.model_library import bundled_model_path
from digitpad.core.predictor import PREDICTION_THREADS, Predictor


def test_predicting_sets_its_own_thread_to_one_and_leaves_the_others() -> None:
    predictor = Predictor.from_file(bundled_model_path("digits"))
    drawing = np.full((280, 280), 255, np.uint8)
    drawing[40:240, 130:150] = 0
    counts: dict[str, int] = {}
    ready, predicted = threading.Event(), threading.Event()

    def trainer() -> None:  # as the Train tab's thread: its own count, set and in use
        torch.set_num_threads(2)
        torch.get_num_threads()  # (torch takes a thread's count from the process's default
        # on the thread's first use: set and used here, it is this thread's own from now on)
        ready.set()
        predicted.wait(30)
        counts["trainer"] = torch.get_num_threads()

    def drawer() -> None:
        ready.wait(30)
        predictor.predict(drawing)
        counts["predictor"] = torch.get_num_threads()
        predicted.set()

    threads = [threading.Thread(target=trainer), threading.Thread(target=drawer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert counts == {"trainer": 2, "predictor": PREDICTION_THREADS} and PREDICTION_THREADS == 1
