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
    if alpha.ndim:
        # One ratio per row, and nothing else: a 1-D alpha as long as one sample's features
        # would otherwise broadcast as a per-feature mix.
        if alpha.ndim != 1 or x0.ndim != 2 or len(alpha) != len(x0):
            raise ValueError(f"alpha must be one number or one per row of 2-D x0; got alpha of "
                             f"shape {alpha.shape} for x0 of shape {x0.shape}")
        alpha = alpha[:, None]
    return alpha * x0 + (1.0 - alpha) * x1


#: Elements (rows times features) of one block of :func:`mix_rows` (and of `swap`): 8 MB of
#: float64, whatever the width.
BLOCK_ELEMENTS = 1 << 20


def block_rows(n_features):
    """Rows per block: :data:`BLOCK_ELEMENTS` values of ``n_features`` each (at least 1)."""
    return max(1, BLOCK_ELEMENTS // max(int(n_features), 1))


def mix_rows(X, first, second, alpha):
    """Eq. 1 on rows of ``X``: ``mix(X[first], X[second], alpha)``, byte for byte.

    The rows are gathered a block at a time, so the result is the only array of shape
    ``(len(first), n_features)`` held: on wide data the two gathered sets and the two
    products of :func:`mix` were four such arrays (10,000 x 1,000 features: 58 MB each for
    7,200 rows). Every element goes through the same operations in the same order
    (``alpha * x0``, ``(1 - alpha) * x1``, their sum), so the result does not change.

    Parameters
    ----------
    X : array-like of shape (n_rows, n_features)
    first, second : array-like of int, shape (n_samples,)
        Rows of ``X`` mixed with weights ``alpha`` and ``1 - alpha``.
    alpha : float or array-like of shape (n_samples,)
        Composition ratio in [0, 1]; the weight of ``X[first]``.

    Returns
    -------
    ndarray of shape (n_samples, n_features)

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.mixup import mix_rows
    >>> X = np.array([[0.0, 2.0], [1.0, 0.0]])
    >>> mix_rows(X, [0, 1], [1, 1], [0.25, 0.5])
    array([[0.75, 0.5 ],
           [1.  , 0.  ]])
    """
    X = np.asarray(X, dtype=float)
    first, second = np.asarray(first, dtype=np.intp), np.asarray(second, dtype=np.intp)
    alpha = np.asarray(alpha, dtype=float)
    if X.ndim != 2 or first.ndim != 1 or first.shape != second.shape:
        raise ValueError(f"mix_rows takes a 2-D X and two 1-D row indexes of one length; got X "
                         f"of shape {X.shape}, first {first.shape}, second {second.shape}")
    if alpha.ndim:
        if alpha.shape != first.shape:
            raise ValueError(f"alpha must be one number or one per mixed row ({len(first)}); "
                             f"got shape {alpha.shape}")
        alpha = alpha[:, None]
    out = np.empty((len(first), X.shape[1]))
    step = block_rows(X.shape[1])
    for start in range(0, len(first), step):
        rows = slice(start, start + step)
        a, block = (alpha[rows] if alpha.ndim else alpha), out[rows]
        np.multiply(a, X[first[rows]], out=block)
        block += (1.0 - a) * X[second[rows]]
    return out


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


def minority_mix(x0, y0, x1, y1, alpha, eta):
    """The default preset's mix: always a minority sample between the pair's two points.

    The pair is ordered so that ``x_min`` is its minority point (label 1) and ``x_maj`` the
    other one; the policy's ``alpha`` in [0, 1] is read as how far to move from ``x_min``
    towards ``x_maj``, at most ``1 - eta`` of the way, so that Eq. 2 with the same ``eta``
    would label the sample minority::

        a = 1 - (1 - eta) * alpha            (a in [eta, 1], the weight of x_min)
        x_syn = a * x_min + (1 - a) * x_maj  (Eq. 1)

    Why: in the paper's parametrisation a policy that saturates at alpha = 0 (as DDPG does
    on the small, flat rewards of a few hundred steps, docs/quality.md) copies majority
    points with majority labels; here every action gives a usable minority sample.

    Returns ``(x_syn, a, first_is_minority)``; row-wise when the inputs are 2-D.

    Examples
    --------
    >>> from mixann.mixup import minority_mix
    >>> x_syn, a, first = minority_mix([0.0, 0.0], 0, [1.0, 2.0], 1, alpha=0.5, eta=0.3)
    >>> x_syn, float(a), bool(first)
    (array([0.65, 1.3 ]), 0.65, False)
    """
    x0, x1 = np.asarray(x0, dtype=float), np.asarray(x1, dtype=float)
    first = np.asarray(y0) == 1
    a = 1.0 - (1.0 - eta) * np.asarray(alpha, dtype=float)
    f = first[:, None] if x0.ndim == 2 else first
    x_min, x_maj = np.where(f, x0, x1), np.where(f, x1, x0)
    return mix(x_min, x_maj, a), a, first


def mix_pair(kind, x0, y0, x1, y1, alpha, eta):
    """One mix of the pair ``(x0, x1)`` by ``kind``, shared by the MDP and the rollout.

    ``"paper"``: Eq. 1 and Eq. 2. ``"boundary"``: :func:`minority_mix`. Returns
    ``(x_syn, y_syn, weight, x0_first)``: ``x_syn = weight * first + (1 - weight) * second``
    where the first source is ``x0`` where ``x0_first`` holds, else ``x1``. Row-wise when the
    inputs are 2-D.

    Examples
    --------
    >>> from mixann.mixup import mix_pair
    >>> x, y, w, first = mix_pair("paper", [0.0], 0, [1.0], 1, alpha=0.25, eta=0.3)
    >>> x, int(y), float(w), bool(first)
    (array([0.75]), 1, 0.25, True)
    """
    if kind == "paper":
        alpha = np.asarray(alpha, dtype=float)
        return (mix(x0, x1, alpha), hard_label(y0, y1, alpha, eta), alpha,
                np.full(alpha.shape, True))
    if kind == "boundary":
        x_syn, weight, first = minority_mix(x0, y0, x1, y1, alpha, eta)
        return x_syn, np.ones(np.shape(weight), dtype=int), weight, first
    raise ValueError(f"kind must be 'paper' or 'boundary', got {kind!r}")
