"""Candidate kinds that were measured but not kept, for ``choice_ceiling.py --extra-kind``.

Each is a generator with the signature of :data:`mixann.rollout.ACTOR_FREE_KINDS`'s entries,
``generate(X, y, n_minority, rng) -> Rollout``, so that the default preset's choice can score it
next to its own kinds (``boundary``, ``spread``) on the same folds. :func:`register` makes one
of them a valid ``MixAnN(mix_kinds=...)`` name *in this process only*; nothing here changes the
library. ``docs/quality.md`` (rows 36 and 43) has what each did:

* ``segment``: a point at a uniform ratio on the segment of a random minority pair (row 36);
* ``rose``: a smoothed bootstrap (ROSE): a minority row plus Gaussian noise whose scale on each
  feature is that feature's std over the minority rows times Silverman's bandwidth
  ``(4 / ((d + 2) n)) ** (1 / (d + 4))`` (row 43);
* ``local``: a minority row plus Gaussian noise whose scale adapts to the row: half the distance
  to its nearest other minority row, spread over the ``d`` features (``/ sqrt(d)``) (row 43).

``rose`` and ``local`` use the minority rows in whole shuffled passes, as ``copy`` does, so any
prefix uses each row equally often, up to one.
"""

from __future__ import annotations

import numpy as np


def _around(rows, points):
    """A Rollout of ``points`` drawn around the minority ``rows`` (both sources the row)."""
    from mixann.rollout import Rollout

    return Rollout(points, np.ones(len(rows), dtype=int),
                   np.column_stack([rows, rows]).astype(np.intp), np.ones(len(rows)))


def _passes(X, y, n_minority, rng):
    """``n_minority`` minority row indices in whole shuffled passes: the ``copy`` kind's rows."""
    from mixann.rollout import copies

    return copies(X, y, n_minority, rng).sources[:, 0]


def silverman_bandwidth(n, d):
    """Silverman's rule of thumb for a Gaussian kernel on ``n`` points in ``d`` dimensions.

    Examples
    --------
    >>> round(silverman_bandwidth(10, 2), 4)   # (4 / (4 * 10)) ** (1 / 6)
    0.6813
    """
    return (4.0 / ((d + 2) * n)) ** (1.0 / (d + 4))


def segment(X, y, n_minority, rng):
    """Points at a uniform ratio on segments of random minority pairs (row 36).

    The pairs are :func:`mixann.rollout.spread`'s (same draws), then a ratio per pair.
    """
    from mixann.mixup import mix
    from mixann.rollout import Rollout, spread

    X = np.asarray(X, dtype=float)
    pairs = spread(X, y, n_minority, rng).sources
    if len(pairs) == 0:
        return Rollout.empty(X.shape[1])
    lam = rng.random(len(pairs))
    return Rollout(mix(X[pairs[:, 0]], X[pairs[:, 1]], lam),
                   np.ones(len(pairs), dtype=int), pairs, lam)


def rose(X, y, n_minority, rng):
    """Smoothed bootstrap: a minority row plus noise at Silverman's bandwidth (row 43).

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [9.0, 9.0], [2.0, 0.0], [0.0, 4.0]]); y = np.array([0, 0, 1, 1])
    >>> out = rose(X, y, 4, np.random.default_rng(0))
    >>> out.X.shape, sorted(out.sources[:, 0].tolist())   # each anomaly used twice
    ((4, 2), [2, 2, 3, 3])
    """
    from mixann.rollout import Rollout

    X, y = np.asarray(X, dtype=float), np.asarray(y)
    minority = np.flatnonzero(y == 1)
    if n_minority <= 0 or len(minority) < 2:
        return Rollout.empty(X.shape[1])
    rows = _passes(X, y, n_minority, rng)
    n, d = len(minority), X.shape[1]
    scale = silverman_bandwidth(n, d) * X[minority].std(axis=0)
    noise = rng.standard_normal((len(rows), d)) * scale
    return _around(rows, X[rows] + noise)


def local(X, y, n_minority, rng):
    """A minority row plus noise scaled to half the distance to its nearest anomaly (row 43).

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [9.0, 9.0], [2.0, 0.0], [0.0, 4.0], [2.0, 1.0]])
    >>> y = np.array([0, 0, 1, 1, 1])
    >>> out = local(X, y, 3000, np.random.default_rng(0))
    >>> gap = np.abs(out.X - X[out.sources[:, 0]]).mean(axis=1)   # noise per row
    >>> near, far = gap[out.sources[:, 0] == 2].mean(), gap[out.sources[:, 0] == 3].mean()
    >>> bool(near < far)   # row 2 has an anomaly at distance 1, row 3 only at about 3.6
    True
    """
    from sklearn.neighbors import NearestNeighbors

    from mixann.rollout import Rollout

    X, y = np.asarray(X, dtype=float), np.asarray(y)
    minority = np.flatnonzero(y == 1)
    if n_minority <= 0 or len(minority) < 2:
        return Rollout.empty(X.shape[1])
    rows = _passes(X, y, n_minority, rng)
    d = X.shape[1]
    dist, _ = NearestNeighbors(n_neighbors=2).fit(X[minority]).kneighbors(X[minority])
    nearest = dict(zip(minority.tolist(), dist[:, 1]))  # distance to the nearest other anomaly
    scale = np.array([nearest[i] for i in rows.tolist()]) * 0.5 / np.sqrt(d)
    noise = rng.standard_normal((len(rows), d)) * scale[:, None]
    return _around(rows, X[rows] + noise)


EXTRA_KINDS = {"segment": segment, "rose": rose, "local": local}


def register(name):
    """Make ``name`` a ``MixAnN(mix_kinds=...)`` kind in this process (a diagnostic only).

    Examples
    --------
    >>> register("rose")
    >>> import mixann.sampler
    >>> "rose" in mixann.sampler.MIX_KINDS
    True
    """
    import mixann.rollout as rollout_module
    import mixann.sampler as sampler_module

    if name not in EXTRA_KINDS:
        raise ValueError(f"unknown extra kind {name!r}; choose from {', '.join(EXTRA_KINDS)}")
    rollout_module.ACTOR_FREE_KINDS[name] = EXTRA_KINDS[name]
    if name not in sampler_module.MIX_KINDS:
        sampler_module.MIX_KINDS = (*sampler_module.MIX_KINDS, name)
