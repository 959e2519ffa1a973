"""The reward signal of Section 3.5: r = lambda * dM * C.

* Eq. 5, improvement stimulation: the validation metric minus a moving baseline, the mean
  of the last ``m`` metric values. (The paper divides the sum of ``m`` terms by ``m - 1``,
  a typo; the mean is used. With fewer than ``m`` values, the mean of those present.)
* Eq. 6, model exploration: the mean of ``P(y=0|x) * P(y=1|x)`` over the ``k`` nearest
  training points of the synthetic sample, large where the classifier is uncertain. (The
  paper sums ``k + 1`` terms, i = 0..k, and divides by ``k``; read as the mean over the ``k``
  neighbours, which keeps C within [0, 1/4] as the paper's "uncertainty" intends.)
"""

from __future__ import annotations

from collections import deque

import numpy as np

REWARD_KINDS = ("full", "no-improvement", "no-exploration", "random")


def improvement(metric_value, recent_values):
    """Eq. 5: ``metric_value - mean(recent_values)``; 0.0 when there is no history.

    Examples
    --------
    >>> from mixann.reward import improvement
    >>> round(improvement(0.8, [0.6, 0.7]), 10)
    0.15
    """
    recent = np.asarray(recent_values, dtype=float)
    if recent.size == 0:
        return 0.0
    return float(metric_value - recent.mean())


def uncertainty(proba):
    """Eq. 6: mean of ``P(y=0|x) * P(y=1|x)`` over the rows of ``proba``.

    Parameters
    ----------
    proba : array-like of shape (k, 2)
        Class probabilities of the ``k`` nearest training points of ``x_syn``.

    Examples
    --------
    >>> from mixann.reward import uncertainty
    >>> float(uncertainty([[0.5, 0.5], [1.0, 0.0]]))
    0.125
    """
    proba = np.asarray(proba, dtype=float)
    if proba.ndim != 2 or proba.shape[1] != 2 or proba.shape[0] == 0:
        raise ValueError(f"proba must have shape (k, 2) with k >= 1, got {proba.shape}")
    return float(np.mean(proba[:, 0] * proba[:, 1]))


def combine(delta_metric, confidence, scale):
    """The reward of Section 3.3: ``scale * delta_metric * confidence``.

    Examples
    --------
    >>> from mixann.reward import combine
    >>> combine(0.1, 0.2, 10.0)
    0.2
    """
    return float(scale * delta_metric * confidence)


class MovingBaseline:
    """The window of the last ``window`` validation scores behind Eq. 5.

    The window runs across episodes, so a new episode is judged against what the
    classifier recently reached, not against its own first steps.

    Examples
    --------
    >>> b = MovingBaseline(window=2)
    >>> b.push(0.5); b.push(0.7); b.push(0.9)
    >>> round(b.improvement(1.0), 10)
    0.2
    """

    def __init__(self, window):
        if window < 1:
            raise ValueError(f"baseline_window must be >= 1, got {window}")
        self._values = deque(maxlen=int(window))

    def improvement(self, metric_value):
        return improvement(metric_value, list(self._values))

    def push(self, metric_value):
        self._values.append(float(metric_value))


def step_reward(kind, *, metric_value, delta_metric, confidence, scale, rng):
    """The reward of one step for each ablation of Table 4.

    ``"full"``: ``scale * dM * C``; ``"no-improvement"`` (without Eq. 5): ``scale * M * C``;
    ``"no-exploration"`` (without Eq. 6): ``scale * dM``; ``"random"``: uniform in [0, 1).
    """
    if kind == "full":
        return combine(delta_metric, confidence, scale)
    if kind == "no-improvement":
        return combine(metric_value, confidence, scale)
    if kind == "no-exploration":
        return float(scale * delta_metric)
    if kind == "random":
        return float(rng.uniform(0.0, 1.0))
    raise ValueError(f"reward must be one of {REWARD_KINDS}, got {kind!r}")
