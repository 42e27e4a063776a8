"""The lessons: the seed tutorials walked through on the app's live network.

Two lessons, one per tutorial, each a module:

* :mod:`~nnviz.app.lessons.three_bits` — seeds 000/001: a 3-5-1 sigmoid network on
  the three-bit rows, the variables, feed-forward, the error, backpropagation in the
  tutorial's "steps 1–8", the update, the training loop and the two test rows.
* :mod:`~nnviz.app.lessons.exam_scores` — seed 002: a 2-3-1 sigmoid network without
  biases on hours studied and slept → test score, scaled by the column maxima,
  forward, sigmoid prime, backward, 1000 training steps, the prediction for (4, 8) in
  points and the saved weights.

What a lesson is and how its steps read the live network is
:mod:`~nnviz.app.lessons.engine`'s. No Streamlit and no Plotly here: the app draws
what :func:`step_matrices` and :func:`readouts` return.
"""

from __future__ import annotations

from ..explorer import Explorer
from .engine import (
    LESSON_SETTINGS,
    Action,
    Lesson,
    LessonStep,
    Readout,
    Shown,
    can_train,
    differences,
    perform,
    readouts,
    shows_matrices,
    step_matrices,
)
from .exam_scores import EXAM_SCORES, PREDICT_ROW, prediction, saved_weights
from .three_bits import THREE_BITS

LESSONS: dict[str, Lesson] = {lesson.key: lesson for lesson in (THREE_BITS, EXAM_SCORES)}


def lesson_for(ex: Explorer) -> Lesson:
    """The lesson that fits the live data set (seed 002's unless it is the three bits)."""
    return THREE_BITS if ex.settings.dataset == THREE_BITS.preset else EXAM_SCORES


__all__ = [
    "EXAM_SCORES",
    "LESSONS",
    "LESSON_SETTINGS",
    "PREDICT_ROW",
    "THREE_BITS",
    "Action",
    "Lesson",
    "LessonStep",
    "Readout",
    "Shown",
    "can_train",
    "differences",
    "lesson_for",
    "perform",
    "prediction",
    "readouts",
    "saved_weights",
    "shows_matrices",
    "step_matrices",
]
