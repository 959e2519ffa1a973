"""The mix-up of two source samples: Eq. 1 (features) and Eq. 2 (hard label).

Pure numpy functions, so they can be checked against hand-computed numbers.
"""

from __future__ import annotations

import numpy as np


def mix(x0, x1, alpha):
    """Eq. 1: ``x_syn = alpha * x0 + (1 - alpha) * x1``.

    Parameters
    ----------
    x0, x1 : array-like of shape (n_features,) or (n_samples, n_features)
        The two source samples (row-wise when 2-D).
    alpha : float or array-like of shape (n_samples,)
        Composition ratio in [0, 1]; the weight of ``x0``.

    Returns
    -------
    x_syn : ndarray
        The synthetic sample(s), same shape as ``x0``.

    Examples
    --------
    >>> from mixann.mixup import mix
    >>> mix([0.0, 2.0], [1.0, 0.0], 0.25)
    array([0.75, 0.5 ])
    """
    x0 = np.asarray(x0, dtype=float)
    x1 = np.asarray(x1, dtype=float)
    alpha = np.asarray(alpha, dtype=float)
    if x0.ndim == 2 and alpha.ndim == 1:
        alpha = alpha[:, None]  # one ratio per row
    return alpha * x0 + (1.0 - alpha) * x1


def hard_label(y0, y1, alpha, eta):
    """Eq. 2: the synthetic label is ``y0`` if ``alpha >= eta`` else ``y1``.

    The paper's text bounds ``eta`` to [0.5, 1] but its experiments use 0.3; any
    value in (0, 1) is accepted (a low ``eta`` creates more synthetic minorities
    when ``x1`` is the minority sample).

    Examples
    --------
    >>> from mixann.mixup import hard_label
    >>> int(hard_label(0, 1, alpha=0.3, eta=0.3)), int(hard_label(0, 1, alpha=0.29, eta=0.3))
    (0, 1)
    """
    return np.where(np.asarray(alpha) >= eta, y0, y1)
