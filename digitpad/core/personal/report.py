"""The before/after table of a fine-tune (finetune.py's metrics), for the CLI and the app. No
torch here: the GUI builds it from the Finished record's metrics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FineTuneReport:
    """What got better, in a person's words: their own held-out drawings and MNIST's test set."""

    personal_before: float | None  # None: no samples were held out
    personal_after: float | None
    held_out: int
    trained: int
    mnist_before: float
    mnist_after: float
    seconds: float
    share: float = 0.2  # the held-out share of each digit's samples
    recorded: bool = False  # MNIST before: the figure the base model's file records

    @classmethod
    def from_metrics(cls, metrics: dict[str, Any]) -> FineTuneReport:
        return cls(metrics.get("personal_before"), metrics.get("personal_after"),
                   int(metrics.get("personal_held_out") or 0),
                   int(metrics.get("personal_trained") or 0), float(metrics["mnist_before"]),
                   float(metrics["mnist_after"]), float(metrics.get("train_seconds") or 0.0),
                   float(metrics.get("personal_held_out_share") or 0.0),
                   bool(metrics.get("mnist_before_recorded")))

    def rows(self) -> list[tuple[str, str, str]]:
        """(what, before, after) rows; a held-out row only when samples were held out."""
        rows = []
        if self.held_out and self.personal_before is not None and self.personal_after is not None:
            rows.append((f"Your drawings it did not learn from ({self.held_out})",
                         f"{self.personal_before:.0%}", f"{self.personal_after:.0%}"))
        rows.append(("MNIST test digits (everyone else's writing)",
                     f"{self.mnist_before:.2%}", f"{self.mnist_after:.2%}"))
        return rows

    def note(self) -> str:
        """How the figures were made, stated plainly."""
        held = (f"{self.held_out} of your samples ({self.share:.0%} of each digit's) were held "
                "out and never trained on; " if self.held_out else
                "No samples were held out, so there is no figure for your own drawings; ")
        recorded = (" MNIST before is the score the base model's file records (measured on the "
                    "same 10,000 test digits when it was made)." if self.recorded else "")
        return (f"{held}it learned from the other {self.trained} mixed with MNIST in "
                f"{self.seconds:.1f} s of training. Declined drawings count as wrong.{recorded}")

    def table(self) -> str:
        """The rows as an aligned text table, then the note."""
        rows = [("", "before", "after"), *self.rows()]
        width = max(len(r[0]) for r in rows)
        lines = [f"{what:<{width}}  {before:>7}  {after:>7}" for what, before, after in rows]
        return "\n".join([*lines, self.note()])
