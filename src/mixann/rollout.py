"""Rollout of a trained mix-up policy: synthetic samples at any volume, for any data.

The paper returns the synthetic set of the best training episode: a few dozen samples,
too few to move a classifier such as KNN with a vote of 10 (docs/quality.md). The default
preset instead runs the trained actor as a generator. Every minority point of the data
starts a chain ``x0 = anchor``; each step reads the state ``(x0, x1)`` (``x1`` the nearest
point of the other label), asks the actor for ``(k, alpha, n, eps)`` plus exploration noise,
mixes (Eq. 1), labels (Eq. 2), and moves ``x0`` to a random one of the ``k`` nearest points
of ``x_syn``, exactly as in training; a chain that ends (``eps >= 0.5`` or the step cap)
restarts at its anchor. All chains advance together (one batched actor call and one batched
neighbour query per step), and generation stops once ``n_minority`` minority-labelled rows
exist. A longer rollout extends a shorter one with the same seed, so the volume search of
:mod:`mixann.selection` generates the largest volume once and cuts prefixes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.neighbors import NearestNeighbors

from .env import model_features, nearest_opposite
from .mixup import block_rows, mix_pair, mix_rows
from .neighbour_index import NeighbourIndex

__all__ = ["ROLLOUT_KINDS", "ACTOR_FREE_KINDS", "scale_actions", "Rollout", "rollout",
           "others_first", "spread", "swap", "copies", "beta_mix", "landing_ratio",
           "off_majority", "spread_off_majority", "head_end"]

#: How a rollout step mixes (see :func:`rollout`).
ROLLOUT_KINDS = ("paper", "boundary", "interior")


def scale_actions(unit_actions, max_neighbors, max_oversample):
    """Row-wise :func:`mixann.ddpg.scale_action`: arrays ``(k, alpha, n, eps)`` from (m, 4) units.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.rollout import scale_actions
    >>> k, alpha, n, eps = scale_actions(np.array([[0.5, 0.25, 0.5, 0.9], [0.0, 1.0, 0.0, 0.1]]),
    ...                                  max_neighbors=10, max_oversample=5)
    >>> k.tolist(), alpha.tolist(), n.tolist(), eps.tolist()
    ([5, 1], [0.25, 1.0], [2, 1], [0.9, 0.1])
    """
    u = np.clip(np.asarray(unit_actions, dtype=float), 0.0, 1.0)
    if u.ndim != 2 or u.shape[1] != 4:
        raise ValueError(f"unit_actions must have shape (m, 4), got {u.shape}")
    k = np.maximum(1, np.rint(u[:, 0] * max_neighbors).astype(int))
    n = np.maximum(1, np.rint(u[:, 2] * max_oversample).astype(int))
    return k, u[:, 1].copy(), n, u[:, 3].copy()


@dataclass
class Rollout:
    """Synthetic rows in generation order (each row already repeated ``n`` times)."""

    X: np.ndarray
    y: np.ndarray  # 0/1, 1 = minority
    sources: np.ndarray  # (m, 2) row indices of the two mixed points in the data rolled out on
    alpha: np.ndarray  # weight of the first source: x = alpha * X[s0] + (1 - alpha) * X[s1]

    def head(self, n_minority):
        """The shortest prefix holding ``n_minority`` minority rows (all rows if fewer)."""
        return self.take(slice(head_end(self.y, n_minority)))

    def take(self, rows):
        """The rows at ``rows`` (indices in the order wanted, a mask or a slice)."""
        return Rollout(self.X[rows], self.y[rows], self.sources[rows], self.alpha[rows])

    def __len__(self):
        return len(self.y)

    @classmethod
    def empty(cls, n_features):
        """No rows (what every generator returns when there is nothing to generate)."""
        return cls(np.empty((0, n_features)), np.empty(0, dtype=int),
                   np.empty((0, 2), dtype=np.intp), np.empty(0))


def head_end(y, n_minority):
    """Length of the shortest prefix of labels ``y`` holding ``n_minority`` minority rows (1):
    all of ``y`` if it holds fewer, 0 for ``n_minority <= 0``.

    Examples
    --------
    >>> import numpy as np
    >>> head_end(np.array([0, 1, 1, 0, 1]), 2), head_end(np.array([0, 1]), 5)
    (3, 2)
    """
    if n_minority <= 0:
        return 0
    cum = np.cumsum(np.asarray(y) == 1)
    hit = np.flatnonzero(cum >= n_minority)
    return int(hit[0]) + 1 if len(hit) else len(cum)


def others_first(near, rows):
    """Neighbour lists ``near`` (one per row of ``rows``, nearest first) with the row itself last.

    A row queried against data that holds it is usually its own first neighbour, but not
    always: duplicates tie at distance 0. Where the row is not listed, the farthest neighbour
    goes last instead, so ``[:, :k]`` of ``k + 1`` neighbours is always ``k`` other rows.

    Examples
    --------
    >>> import numpy as np
    >>> others_first(np.array([[5, 2, 7], [3, 4, 9]]), np.array([2, 8])).tolist()
    [[5, 7, 2], [3, 4, 9]]
    """
    is_self = near == rows[:, None]
    is_self[~is_self.any(axis=1), -1] = True
    return np.take_along_axis(near, np.argsort(is_self, axis=1, kind="stable"), axis=1)


def rollout(policy, X, y, n_minority, *, z_transform, max_neighbors, max_oversample, eta,
            max_steps, noise, rng, kind="paper", max_rounds=None, proba=None):
    """Generate synthetic rows with ``policy`` until ``n_minority`` of them are minority.

    Parameters
    ----------
    policy : callable
        Maps a float32 array of states (m, 2 * n_features) to pre-sigmoid actions (m, 4):
        the trained actor.
    X, y : ndarray
        The data to mix (labels 0/1, 1 = minority); chains start at every minority row.
    n_minority : int
        Minority-labelled rows to generate (0 gives an empty rollout).
    z_transform : callable
        The standardisation the actor was trained with (features -> network inputs).
    max_neighbors, max_oversample, eta, max_steps
        As in :class:`mixann.MixAnN` (K, N, eta, the chain length cap).
    noise : float
        Std of the Gaussian noise on the pre-sigmoid action (the training exploration noise):
        it spreads the samples around the policy's choice.
    rng : numpy.random.Generator
    kind : {"paper", "boundary", "interior"}
        How a step mixes. ``"paper"``: Eq. 1-2 on ``(x0, x1)``. ``"boundary"``:
        :func:`mixann.mixup.minority_mix`, a minority sample between the pair's minority point
        and its nearest majority point. ``"interior"``: a minority sample
        ``alpha * x0 + (1 - alpha) * x_nb`` with ``x_nb`` one of the k nearest *minority*
        points of the minority ``x0`` (SMOTE's segment, with k, alpha, n and the chain chosen
        by the policy; the state is still ``(x0, x1)``, so the choice depends on how close
        the majority is); chains then walk among minority points only.
    max_rounds : int or None
        Cap on batched steps, so a policy that never labels a sample minority still stops.
        ``None``: 200 plus the rounds that ``n_minority`` needs at one minority row per
        chain and round, so ``"boundary"`` and ``"interior"`` (every row minority) always
        deliver ``n_minority`` rows, and only a ``"paper"`` policy that labels few rows
        minority can return fewer. (A fixed 200 used to cut a large volume short on data
        with few anomalies and many normal rows: 8 anomalies against 19,992 normal rows got
        8,000 rows of the 19,984 asked for.)
    proba : ndarray of shape (n_samples,) or None
        For a policy trained on the model-aware state: P(minority) of every row of ``X``
        under the classifier fitted on ``(X, y)``; the states gain
        :func:`mixann.env.model_features`, as in training.

    Returns
    -------
    Rollout
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if proba is not None and np.shape(proba) != (len(X),):
        raise ValueError(f"proba must hold one probability per row of X ({len(X)}), got shape "
                         f"{np.shape(proba)}")
    if kind not in ROLLOUT_KINDS:
        raise ValueError(f"kind must be one of {ROLLOUT_KINDS}, got {kind!r}")
    n_features = X.shape[1]
    empty = Rollout.empty(n_features)
    anchors = np.flatnonzero(y == 1)
    if n_minority <= 0 or len(anchors) == 0 or (kind == "interior" and len(anchors) < 2):
        return empty
    Z = np.asarray(z_transform(X), dtype=np.float32)
    opposite = nearest_opposite(X, y)
    # One neighbour query per round, thousands of rounds on smtp: NeighbourIndex answers as
    # NearestNeighbors does, without its per-call input checks.
    if kind == "interior":  # neighbours among the minority rows only
        pool = anchors
        k_max = int(min(max_neighbors, len(pool) - 1))
        knn = NeighbourIndex(X[pool], k_max + 1)
    else:
        pool = np.arange(len(X))
        k_max = int(min(max_neighbors, len(X)))
        knn = NeighbourIndex(X, k_max)
    if max_rounds is None:
        max_rounds = 200 + -(-int(n_minority) // len(anchors))
    anchors = rng.permutation(anchors)
    current, age = anchors.copy(), np.zeros(len(anchors), dtype=int)
    rows = np.arange(len(current))
    parts, n_done = [], 0
    for _ in range(max_rounds):
        partner = opposite[current]
        states = np.hstack([Z[current], Z[partner]])
        if proba is not None:
            states = np.hstack([states, model_features(Z, proba, current, partner)])
        raw = np.asarray(policy(states), dtype=float)
        if noise > 0:
            raw = raw + rng.normal(0.0, noise, size=raw.shape)
        k, alpha, n, eps = scale_actions(1.0 / (1.0 + np.exp(-raw)), k_max, max_oversample)
        if kind == "interior":
            # The k_max + 1 nearest minority points hold x0 itself, usually first (not always:
            # duplicates tie at distance 0). Put x0 last, or the farthest if x0 is not listed.
            near = others_first(pool[knn.query(X[current], k_max + 1)], current)
            mate = near[rows, (rng.random(len(current)) * k).astype(int)]
            x_syn, weight = mix_rows(X, current, mate, alpha), alpha
            y_syn = np.ones(len(current), dtype=int)
            sources = np.column_stack([current, mate])
        else:
            x_syn, y_syn, weight, first = mix_pair(kind, X[current], y[current], X[partner],
                                                   y[partner], alpha, eta)
            sources = np.where(first[:, None], np.column_stack([current, partner]),
                               np.column_stack([partner, current]))
        parts.append((x_syn, n, np.repeat(y_syn, n), np.repeat(sources, n, axis=0),
                      np.repeat(weight, n)))
        n_done += int(np.sum(n[y_syn == 1]))
        if n_done >= n_minority:
            break
        # Next x0: uniform among the k nearest points of x_syn (k from the action; minority
        # points only for "interior").
        neighbors = pool[knn.query(x_syn, k_max)]
        current = neighbors[rows, (rng.random(len(current)) * k).astype(int)]
        age += 1
        ended = (eps >= 0.5) | (age >= max_steps)
        current[ended], age[ended] = anchors[ended], 0
    if not parts:  # max_rounds <= 0: no step ran (np.concatenate would fail on nothing)
        return empty
    y_out, sources, weight = (np.concatenate([p[i] for p in parts]) for i in (2, 3, 4))
    end = head_end(y_out, n_minority)
    return Rollout(_repeated_rows([p[:2] for p in parts], end, n_features), y_out[:end],
                   sources[:end], weight[:end])


def _repeated_rows(parts, end, n_features):
    """The first ``end`` rows of ``np.concatenate([np.repeat(x, n, axis=0) for x, n in
    parts])``, written straight into one array.

    Why: on wide data the repeated rows of every round, their concatenation and the rows
    past ``end`` were each a copy of the whole rollout (10,000 x 1,000 features: 63 MB
    each); the rounds' own rows are a fraction of it (each row is repeated ``n`` times).
    """
    out = np.empty((end, n_features))
    at = 0
    for x_syn, n in parts:
        if at >= end:
            break
        which = np.repeat(np.arange(len(x_syn)), n)[:end - at]
        np.take(x_syn, which, axis=0, out=out[at:at + len(which)], mode="clip")  # valid indices
        at += len(which)
    return out


def spread(X, y, n_minority, rng):
    """Midpoints of random pairs of minority rows, anywhere in the minority: the ``"spread"`` kind.

    Each row is ``(x_i + x_j) / 2`` for minority rows ``i != j`` drawn uniformly (the paper's
    "Random" baseline's mix). Why it is a kind of the default preset: a diverse minority is
    many small clusters, and mixing across them fills the space between clusters, which the
    rollout's neighbour-bound mixes never reach. It does not call the actor: a rollout that
    mixed random minority pairs with the actor's ratio, copies and chains did worse (the
    trained actor drives the ratio to 0, i.e. copies; docs/quality.md).

    Parameters
    ----------
    X, y : ndarray
        The data (labels 0/1, 1 = minority).
    n_minority : int
        Rows to generate (0, or fewer than 2 minority rows, gives an empty result).
    rng : numpy.random.Generator

    Returns
    -------
    Rollout
        ``alpha`` is 0.5 for every row; ``sources`` the two minority rows mixed.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.rollout import spread
    >>> X = np.array([[0.0, 0.0], [9.0, 9.0], [2.0, 0.0], [0.0, 4.0]]); y = np.array([0, 0, 1, 1])
    >>> spread(X, y, 2, np.random.default_rng(0)).X.tolist()
    [[1.0, 2.0], [1.0, 2.0]]
    """
    X = np.asarray(X, dtype=float)
    sources = minority_pairs(y, n_minority, rng)
    if len(sources) == 0:
        return Rollout.empty(X.shape[1])
    # mix_rows: the midpoints without the two gathered sets and the products of mix
    return Rollout(mix_rows(X, sources[:, 0], sources[:, 1], np.full(n_minority, 0.5)),
                   np.ones(n_minority, dtype=int), sources, np.full(n_minority, 0.5))


def minority_pairs(y, n_minority, rng):
    """``n_minority`` random pairs of distinct minority rows: the draws of ``spread`` and ``swap``.

    Returns an ``(n_minority, 2)`` array of row indices (empty for ``n_minority <= 0`` or
    fewer than 2 minority rows); the same ``rng`` state gives the same pairs.
    """
    minority = np.flatnonzero(np.asarray(y) == 1)
    if n_minority <= 0 or len(minority) < 2:
        return np.empty((0, 2), dtype=np.intp)
    i = rng.integers(0, len(minority), size=n_minority)
    j = rng.integers(0, len(minority) - 1, size=n_minority)
    j = j + (j >= i)  # uniform among the other minority rows: j != i
    return np.column_stack([minority[i], minority[j]]).astype(np.intp)


def swap(X, y, n_minority, rng):
    """Uniform crossover of random minority pairs: the ``"swap"`` kind.

    The pairs are :func:`spread`'s (the same draws for the same ``rng``); each feature of a
    sample is taken from either row of its pair with probability 1/2. Why it is a kind: a
    midpoint pulls every feature halfway to the pair's mean, so ``spread`` narrows each
    feature's spread over the minority; a crossover keeps every feature at a value some
    anomaly has, on the corners of the pair's axis-aligned box, which is what a tree's
    one-feature splits can carve out. For XGBoost it lifts the default's choice by +0.010 to
    +0.017 on three seed sets of the shared datasets (cifar10 by 0.05 to 0.07); KNN takes it
    in a few cells and gains nothing (docs/quality.md, row 53). Hence a default kind for
    XGBoost only (:func:`mixann.defaults.default_mix_kinds`, row 54). For KNN with at most 12
    anomalies in train + validation it is the fixed pick of ``selection_rule="auto"`` (at 0.2
    of the class gap, no search; row 88).

    A crossover is no convex mix with one weight: each feature of a sample equals that
    feature of one of its two ``sources``, and ``alpha`` is the share of features taken
    from the first.

    Parameters
    ----------
    X, y : ndarray
        The data (labels 0/1, 1 = minority).
    n_minority : int
        Rows to generate (0, or fewer than 2 minority rows, gives an empty result).
    rng : numpy.random.Generator

    Returns
    -------
    Rollout

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.rollout import swap
    >>> X = np.array([[0.0, 0.0], [9.0, 9.0], [2.0, 0.0], [0.0, 4.0]]); y = np.array([0, 0, 1, 1])
    >>> sorted({tuple(row) for row in swap(X, y, 400, np.random.default_rng(0)).X.tolist()})
    [(0.0, 0.0), (0.0, 4.0), (2.0, 0.0), (2.0, 4.0)]
    """
    X = np.asarray(X, dtype=float)
    pairs = minority_pairs(y, n_minority, rng)  # spread's pairs, without its midpoints
    if len(pairs) == 0:
        return Rollout.empty(X.shape[1])
    draws = rng.random((len(pairs), X.shape[1]))  # one call, as many draws as ever
    # The crossover a block of rows at a time: of shape (n_minority, n_features) only the
    # draws and the result are held, not also the mask and both rows' gathered sets.
    out, share = np.empty((len(pairs), X.shape[1])), np.empty(len(pairs))
    step = block_rows(X.shape[1])
    for start in range(0, len(pairs), step):
        rows = slice(start, start + step)
        first, block = draws[rows] < 0.5, out[rows]
        np.take(X, pairs[rows, 1], axis=0, out=block, mode="clip")  # valid rows
        np.copyto(block, X[pairs[rows, 0]], where=first)
        share[rows] = first.mean(axis=1)
    return Rollout(out, np.ones(len(pairs), dtype=int), pairs, share)


def copies(X, y, n_minority, rng):
    """Copies of the minority rows, each as often as the others: the ``"copy"`` kind.

    Random over-sampling in rows. Why it is a kind: XGBoost and an MLP respond to a heavier
    minority (sample weights), and ``fit_resample`` returns rows only; ``m`` copies of every
    minority row are exactly a minority weight of ``1 + m``. The rows are whole shuffled passes
    over the minority, so any prefix uses every minority row equally often, up to one.

    Parameters
    ----------
    X, y : ndarray
        The data (labels 0/1, 1 = minority).
    n_minority : int
        Rows to generate (0, or no minority row, gives an empty result).
    rng : numpy.random.Generator

    Returns
    -------
    Rollout
        ``alpha`` is 1 for every row; both ``sources`` are the copied row.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.rollout import copies
    >>> X = np.array([[0.0, 0.0], [9.0, 9.0], [2.0, 0.0], [0.0, 4.0]]); y = np.array([0, 0, 1, 1])
    >>> sorted(copies(X, y, 4, np.random.default_rng(0)).X.tolist())
    [[0.0, 4.0], [0.0, 4.0], [2.0, 0.0], [2.0, 0.0]]
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    minority = np.flatnonzero(y == 1)
    if n_minority <= 0 or len(minority) == 0:
        return Rollout.empty(X.shape[1])
    passes = -(-int(n_minority) // len(minority))  # ceil
    rows = np.concatenate([rng.permutation(minority) for _ in range(passes)])[:n_minority]
    return Rollout(X[rows], np.ones(len(rows), dtype=int),
                   np.column_stack([rows, rows]).astype(np.intp), np.ones(len(rows)))


def beta_mix(X, y, n_minority, rng, a=5.0, b=2.0, threshold=0.5):
    """An anomaly mixed with a random majority row at a ratio from ``Beta(a, b)``: the
    ``"beta-mix"`` kind (MixBoost's mix, without its boost).

    Each row is ``x = lam * x_anomaly + (1 - lam) * x_majority`` (Eq. 1 with ``lam`` as
    ``alpha``), ``lam ~ Beta(5, 2)`` (mean 0.71), both rows drawn uniformly; it is labelled an
    anomaly where ``lam >= threshold`` (about 89% of the rows) and normal otherwise, so the
    rows reach out from each anomaly towards the majority and a few normal rows sit between
    the classes. Rows are drawn until ``n_minority`` of them are anomalies (a volume counts
    those), so any prefix is a smaller volume of the same draw.

    Why it is a kind: with about 8 anomalies in train + validation, XGBoost learns little from
    them or from midpoints between them, and the folds that choose a volume hold one or two
    anomalies each. :class:`mixann.baselines.mixboost.MixBoost` (which draws its rows in
    proportion to the classifier's entropy and refits between rounds) beat the choice by
    0.04 on seven such sets; this kind at half the class gap, with no search, gained +0.030
    ± 0.018 over the choice on seven fresh ones and tied MixBoost (docs/quality.md, row 87).
    Hence ``selection_rule="beta-mix"``, XGBoost's ``"auto"`` rule for a minority of at most
    :data:`mixann.defaults.SMALL_MINORITY` rows (:func:`mixann.defaults.default_selection_rule`).

    Parameters
    ----------
    X, y : ndarray
        The data (labels 0/1, 1 = minority).
    n_minority : int
        Anomalies to generate (0, or no minority row, gives an empty result).
    rng : numpy.random.Generator
    a, b : float, default=5.0, 2.0
        The Beta distribution of the anomaly's share ``lam`` (MixBoost's defaults).
    threshold : float, default=0.5
        The share at or above which a row is labelled an anomaly.

    Returns
    -------
    Rollout
        ``sources`` are ``(anomaly, majority row)``, ``alpha`` is ``lam``; without a majority
        row, copies of the anomalies (:func:`copies`).

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.rollout import beta_mix
    >>> X = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]); y = np.array([0, 0, 1])
    >>> out = beta_mix(X, y, 50, np.random.default_rng(0))
    >>> int(out.y.sum()), int(out.y[-1]), bool(np.all((out.alpha >= 0.5) == (out.y == 1)))
    (50, 1, True)
    >>> a, r = out.sources[0]; lam = out.alpha[0]
    >>> bool(np.allclose(out.X[0], lam * X[a] + (1 - lam) * X[r]))
    True
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    minority, majority = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    n = max(int(n_minority), 0)
    if n == 0 or len(minority) == 0:
        return Rollout.empty(X.shape[1])
    if len(majority) == 0:  # nothing to mix towards
        return copies(X, y, n, rng)
    batches, got = [], 0  # (anomaly, majority row, share) until n rows are anomalies
    while got < n:
        m = max(int(1.25 * (n - got)), 16)  # about 89% come out anomalies
        first, second = rng.choice(minority, m), rng.choice(majority, m)
        lam = rng.beta(a, b, m)
        batches.append((first, second, lam))
        got += int((lam >= threshold).sum())
    first, second, lam = (np.concatenate(column) for column in zip(*batches))
    label = (lam >= threshold).astype(int)
    end = head_end(label, n)  # through the n-th anomaly
    first, second, lam, label = first[:end], second[:end], lam[:end], label[:end]
    return Rollout(mix_rows(X, first, second, lam), label,
                   np.column_stack([first, second]).astype(np.intp), lam)


def landing_ratio(X, y, points):
    """Where ``points`` land: each one's distance to its nearest minority row of ``(X, y)``
    over that to its nearest majority row.

    Above 1 where a point lies nearer the majority than any anomaly; ``inf`` where it sits on
    a majority row; 0 for every point when ``y`` has no majority row.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.rollout import landing_ratio
    >>> X = np.array([[0.0], [10.0], [4.0]]); y = np.array([1, 1, 0])
    >>> landing_ratio(X, y, np.array([[1.0], [5.0], [4.0]])).tolist()
    [0.3333333333333333, 5.0, inf]
    """
    X, y, points = np.asarray(X, dtype=float), np.asarray(y), np.asarray(points, dtype=float)
    if len(points) == 0 or not np.any(y == 0):
        return np.zeros(len(points))

    def nearest(rows):
        return NearestNeighbors(n_neighbors=1).fit(rows).kneighbors(points)[0][:, 0]

    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = nearest(X[y == 1]) / nearest(X[y == 0])
    return np.where(np.isnan(ratio), 1.0, ratio)  # 0 / 0: on an anomaly and a majority row


def passing_first(passes, shortfall, n):
    """Indices of ``n`` drawn rows: those that pass first, in the order drawn, then the others
    from the smallest to the largest ``shortfall`` (how far each one misses; positive).

    A filter over a pool drawn several times over keeps any prefix a random subset of the
    passing rows (:mod:`mixann.selection` scores prefixes as smaller volumes), and fills up
    with the nearest misses when too few pass.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.rollout import passing_first
    >>> passing_first(np.array([False, True, False, True]), np.array([2.0, 0, 1.0, 0]), 3).tolist()
    [1, 3, 2]
    """
    # Passing rows share the key 0, so a stable sort keeps them in the order drawn.
    return np.argsort(np.where(passes, 0.0, shortfall), kind="stable")[:n]


def off_majority(generate, pool=4, limit=1.0):
    """``generate``'s kind without the rows that land among the majority.

    ``pool`` times the rows asked for are drawn with ``generate``; those whose nearest row of
    the data is a minority row (:func:`landing_ratio` at most ``limit``, by default 1) come
    first, in the order drawn, so that any prefix (a smaller volume, :mod:`mixann.selection`)
    is a random subset of them; if too few pass, the others follow from the least to the
    most inside the majority.
    Why: a random pair of a diverse minority often joins two clusters, and its midpoint then
    lands among the majority, where it teaches the classifier false positives; a pair of
    *neighbouring* anomalies (SMOTE's) avoids that but never fills the space between clusters.
    Keeping the random pairs whose sample still lands nearest an anomaly does both.

    Parameters
    ----------
    generate : callable
        A kind, ``generate(X, y, n_minority, rng) -> Rollout`` (e.g. :func:`spread`).
    pool : int, default=4
        Rows drawn per row returned.
    limit : float, default=1.0
        The largest landing ratio that passes. Above 1 a row may lie nearer the majority, as
        long as its nearest anomaly is at most ``limit`` times as far as its nearest majority
        row (row 64 measured 2 for KNN: no gain).

    Returns
    -------
    callable
        The filtered kind, with the same signature.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.rollout import off_majority, spread
    >>> X = np.array([[0.0], [2.0], [10.0], [6.0]]); y = np.array([1, 1, 1, 0])
    >>> spread(X, y, 12, np.random.default_rng(0)).X[:, 0].tolist()   # 5 and 6: nearer row 3
    [6.0, 6.0, 6.0, 5.0, 5.0, 5.0, 5.0, 5.0, 1.0, 6.0, 6.0, 5.0]
    >>> off_majority(spread)(X, y, 12, np.random.default_rng(0)).X[:, 0].tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    >>> off_majority(spread)(X, y, 3, np.random.default_rng(0)).X[:, 0].tolist()   # one passes
    [1.0, 5.0, 5.0]
    """
    def kept(X, y, n_minority, rng):
        n_minority = max(int(n_minority), 0)  # generate and landing_ratio take X as it comes
        out = generate(X, y, pool * n_minority, rng)
        ratio = landing_ratio(X, y, out.X)
        return out.take(passing_first(ratio <= limit, ratio, n_minority))

    kept.__name__ = f"{generate.__name__}_off_majority"
    kept.__doc__ = f"{generate.__name__}'s rows without those among the majority (off_majority)."
    return kept


#: :func:`spread`'s midpoints that land nearest an anomaly: the ``"spread-off-majority"`` kind,
#: a default kind for XGBoost (docs/quality.md, row 61).
spread_off_majority = off_majority(spread)

#: Kinds that generate without the actor, by name: ``generate(X, y, n_minority, rng) -> Rollout``.
ACTOR_FREE_KINDS = {"spread": spread, "swap": swap, "copy": copies,
                    "spread-off-majority": spread_off_majority, "beta-mix": beta_mix}
