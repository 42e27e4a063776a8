"""Training for live play: as many steps as fit in a time budget, stopping where asked.

:func:`train_chunk` is one tick of the live view (and of a link's replay): it trains
until ``max_steps`` are done or ``budget_s`` seconds have passed, and stops play at an
iteration, a loss or a training accuracy, or when a step is refused (divergence),
saying why in its :class:`ChunkResult`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .errors import TrainingDiverged
from .trainer import Trainer


@dataclass
class ChunkResult:
    """What one chunk did: its steps, how long they took, and why play should stop."""

    steps: int
    seconds: float
    stopped: str = ""  # why play should stop ("" = keep going)
    diverged: bool = False  # it stopped because a step was refused (stopped says why)


def train_chunk(
    trainer: Trainer,
    max_steps: int,
    budget_s: float = 0.15,
    stop_at: int = 0,
    target_loss: float = 0.0,
    target_accuracy: float = 0.0,
) -> ChunkResult:
    """Train up to ``max_steps`` steps or ``budget_s`` seconds, whichever ends first.

    ``stop_at`` (an iteration count, 0 = never), ``target_loss`` (0 = never) and
    ``target_accuracy`` (a share of the training rows classified right, 0 = never) end
    play; so does divergence. Time is checked every few steps, so a tick stays
    close to its budget whatever the network's size.
    """
    t0 = time.perf_counter()
    start = trainer.iteration
    stopped, diverged = "", False
    block = 1
    while trainer.iteration - start < max_steps:
        n = min(block, max_steps - (trainer.iteration - start))
        if stop_at:
            n = min(n, stop_at - trainer.iteration)
            if n <= 0:
                stopped = f"Reached iteration {stop_at}."
                break
        try:
            if target_loss or target_accuracy:
                # one step at a time, so play stops at the first step that meets a target
                for _ in range(n):
                    rec = trainer.step()
                    if target_loss and rec.loss <= target_loss:
                        stopped = f"Loss {rec.loss:.4g} reached the target {target_loss:g}."
                        break
                    # the weights after the step: the ones on screen when play stops
                    if target_accuracy and (acc := trainer.accuracy()) >= target_accuracy:
                        stopped = (
                            f"Training accuracy {acc:.1%} reached the target {target_accuracy:.1%}."
                        )
                        break
            else:
                trainer.run(n)
        except TrainingDiverged as exc:
            stopped, diverged = str(exc), True
        if stopped:
            break
        elapsed = time.perf_counter() - t0
        if elapsed >= budget_s:
            break
        # grow the block while steps are cheap, so the clock is read rarely
        per_step = elapsed / max(trainer.iteration - start, 1)
        block = max(1, min(block * 2, int((budget_s - elapsed) / max(per_step, 1e-9) / 4) or 1))
    if stop_at and not stopped and trainer.iteration >= stop_at:
        stopped = f"Reached iteration {stop_at}."
    done = trainer.iteration - start
    return ChunkResult(done, time.perf_counter() - t0, stopped, diverged)
