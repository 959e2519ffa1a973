"""Candidate kinds that were measured but not kept, for ``choice_ceiling.py --extra-kind``.

Each is a generator with the signature of :data:`mixann.rollout.ACTOR_FREE_KINDS`'s entries,
``generate(X, y, n_minority, rng) -> Rollout``, so that the default preset's choice can score it
next to its own kinds (``boundary``, ``spread``) on the same folds. :func:`register` makes one
of them a valid ``MixAnN(mix_kinds=...)`` name *in this process only*; nothing here changes the
library. ``docs/quality.md`` (rows 36, 43, 46, 47, 53, 56, 61-64, 66, 69, 71, 73, 86) has what
each did:

* ``segment``: a point at a uniform ratio on the segment of a random minority pair (row 36);
* ``rose``: a smoothed bootstrap (ROSE): a minority row plus Gaussian noise whose scale on each
  feature is that feature's std over the minority rows times Silverman's bandwidth
  ``(4 / ((d + 2) n)) ** (1 / (d + 4))`` (row 43);
* ``local``: a minority row plus Gaussian noise whose scale adapts to the row: half the distance
  to its nearest other minority row, spread over the ``d`` features (``/ sqrt(d)``) (row 43);
* ``smote``: SMOTE's samples: a minority row towards one of its 5 nearest minority rows, at a
  uniform ratio (row 46; row 21 measured it at ``quick`` on fewer datasets);
* ``borderline``: Borderline-SMOTE-1's: the same, from the "danger" minority rows only, those
  with at least half but not all majority rows among their 10 nearest neighbours (row 46);
* ``hard``: AutoSMOTE's per-instance counts, taken from the classifier itself instead of a
  policy: SMOTE steps from the minority rows drawn in proportion to how badly the classifier
  misses them out of fold (``1 - P(anomaly)``, :func:`miss_weights`) (row 47). It needs the
  estimator: :func:`register` binds it.
* ``swap``: uniform crossover of a random minority pair, each feature from one row or the
  other (row 53); it passed its test for XGBoost and is now :func:`mixann.rollout.swap`, one of
  XGBoost's default kinds (row 54);
* ``swap-near``: ``swap``'s crossover between an anomaly and one of its 5 nearest anomalies
  (SMOTE's pairs), so the sample stays inside one cluster of a diverse minority (row 56);
* ``mosaic``: every feature from its own random anomaly (the product of the minority's
  marginals, a crossover of all anomalies at once) (row 56);
* ``spread-off-majority`` and ``swap-off-majority``: ``spread``'s and ``swap``'s samples, drawn
  four times over, those whose nearest real row is an anomaly kept first
  (:func:`mixann.rollout.off_majority`): the rows that land among the majority are dropped by
  construction (row 61; the first is now :func:`mixann.rollout.spread_off_majority`; the
  second failed its test for XGBoost on fresh seeds, row 62);
* ``extrapolate``: each anomaly pushed away from one of its 5 nearest anomalies,
  ``a + 0.5 (a - b)`` (DeVries and Taylor's extrapolation; KNN, row 63);
* ``spread-near-minority``: ``spread-off-majority`` with the landing filter loosened from a
  ratio of 1 to 2 (``off_majority(spread, limit=2.0)``; KNN, row 64);
* ``spread-teacher``: ``spread``'s midpoints drawn four times over, those a gradient-boosted
  teacher fit on the same rows calls anomalies kept first (:func:`teacher_kept`; KNN, row 66);
* probed on validation splits only (``benchmarks/kind_probe.py``, session 29), not screened:
  ``spread-radius`` (midpoints pushed back out to their pair's distance from the anomalies'
  mean), ``mean-of-three`` (the mean of three random anomalies) and ``cross-teacher`` (a
  majority row near an anomaly with half its features from the anomaly, kept where the teacher
  calls it an anomaly) and ``empty-region`` (points of the data's box far from every majority
  row: outlier exposure);
* ``soft-mix`` and ``soft-mix-sharp``: mixup's labels, the only kinds here that add rows
  labelled normal: an anomaly mixed with any row at ``lam ~ Beta(1, 1)`` (``Beta(0.4, 0.4)``),
  labelled an anomaly with the mix's share of anomaly (:func:`soft_mix`; probed on validation
  splits for all three classifiers in session 31, row 69; not screened);
* ``spread-relevant``, ``spread-relevant-half`` and ``keep-relevant``: ``spread``'s midpoint
  (one anomaly's own values) on the features a class-balanced forest finds relevant, a random
  majority row's values on the rest (:func:`spread_relevant`; probed on validation splits in
  session 32, row 71; not screened);
* ``spread-cluster``, ``spread-cluster-even`` and ``spread-cluster-wide``: ``spread``'s
  midpoints within clusters of anomalies only (single linkage cut at the median distance from
  an anomaly to the majority, or twice it), clusters drawn by size or evenly
  (:func:`spread_cluster`), and ``spread-across``, midpoints across clusters only
  (:func:`spread_across`) (probed on validation splits in session 34, row 73; not screened);
* ``beta-mix``: MixBoost's mix without its entropy boost: an anomaly and a random majority row
  at a ratio from ``Beta(5, 2)``, labelled by the ratio (session 59, row 87; it passed its
  test as XGBoost's rule for tiny minorities and is now :func:`mixann.rollout.beta_mix`);
* ``spread-on-majority``: ``spread``'s midpoints drawn four times over, those that land nearest
  a majority row kept first (:func:`on_majority`, the landing filter's order reversed; probed
  for KNN on validation splits in session 55, row 86; not screened).

``rose``, ``local`` and ``smote`` use the minority rows in whole shuffled passes, as ``copy``
does (``borderline`` the danger rows), so any prefix uses each row equally often, up to one.
"""

from __future__ import annotations

from functools import partial

import numpy as np

# Row 53's kind passed its test and moved to the library; the name stays here so that
# ``--extra-kind swap`` scores it next to the default's kinds, as row 53 did (for XGBoost, whose
# default kinds hold it since row 54, the list is unchanged and ``without:swap`` is the old
# default).
from mixann.rollout import beta_mix, off_majority, spread, spread_off_majority, swap


def _around(rows, points):
    """A Rollout of ``points`` drawn around the minority ``rows`` (both sources the row)."""
    from mixann.rollout import Rollout

    return Rollout(points, np.ones(len(rows), dtype=int),
                   np.column_stack([rows, rows]).astype(np.intp), np.ones(len(rows)))


def _passes(X, y, n_minority, rng):
    """``n_minority`` minority row indices in whole shuffled passes: the ``copy`` kind's rows."""
    from mixann.rollout import copies

    return copies(X, y, n_minority, rng).sources[:, 0]


def _two_anomalies(generate):
    """A kind's guard, in one place: ``X`` as floats, ``y`` as an array, and no samples where
    none are asked for or fewer than 2 anomalies exist (every kind here mixes pairs of
    anomalies or scales by their spread)."""
    import functools

    @functools.wraps(generate)
    def guarded(X, y, n_minority, rng, **options):
        from mixann.rollout import Rollout

        X, y = np.asarray(X, dtype=float), np.asarray(y)
        if n_minority <= 0 or np.sum(y == 1) < 2:
            return Rollout.empty(X.shape[1])
        return generate(X, y, n_minority, rng, **options)

    return guarded


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


@_two_anomalies
def rose(X, y, n_minority, rng):
    """Smoothed bootstrap: a minority row plus noise at Silverman's bandwidth (row 43).

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [9.0, 9.0], [2.0, 0.0], [0.0, 4.0]]); y = np.array([0, 0, 1, 1])
    >>> out = rose(X, y, 4, np.random.default_rng(0))
    >>> out.X.shape, sorted(out.sources[:, 0].tolist())   # each anomaly used twice
    ((4, 2), [2, 2, 3, 3])
    """
    minority = np.flatnonzero(y == 1)
    rows = _passes(X, y, n_minority, rng)
    n, d = len(minority), X.shape[1]
    scale = silverman_bandwidth(n, d) * X[minority].std(axis=0)
    noise = rng.standard_normal((len(rows), d)) * scale
    return _around(rows, X[rows] + noise)


@_two_anomalies
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

    minority = np.flatnonzero(y == 1)
    rows = _passes(X, y, n_minority, rng)
    d = X.shape[1]
    dist, _ = NearestNeighbors(n_neighbors=2).fit(X[minority]).kneighbors(X[minority])
    nearest = dict(zip(minority.tolist(), dist[:, 1]))  # distance to the nearest other anomaly
    scale = np.array([nearest[i] for i in rows.tolist()]) * 0.5 / np.sqrt(d)
    noise = rng.standard_normal((len(rows), d)) * scale[:, None]
    return _around(rows, X[rows] + noise)


def nearest_others(X, pool, rows, k):
    """The ``k`` nearest rows of ``pool`` to each of ``rows``, the row itself left out.

    ``k + 1`` neighbours are asked for; the row itself is dropped where listed (first, unless a
    duplicate ties it), else the farthest one is (:func:`mixann.rollout.others_first`, as the
    ``interior`` rollout does).

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [3.0], [0.0]])
    >>> nearest_others(X, np.arange(4), np.array([0, 2]), 2).tolist()   # row 3 duplicates row 0
    [[3, 1], [1, 0]]
    """
    from sklearn.neighbors import NearestNeighbors

    from mixann.rollout import others_first

    near = pool[NearestNeighbors(n_neighbors=k + 1).fit(X[pool])
                .kneighbors(X[rows], return_distance=False)]
    return others_first(near, rows)[:, :k]


def _neighbour_mates(X, pool, anchors, k, rng):
    """For each ``anchors`` row, one of its ``k`` nearest other rows of ``pool``, uniformly:
    SMOTE's pairs when ``pool`` is the minority (:func:`_neighbour_mix`, :func:`swap_near`),
    the paper's near majority rows when it is the majority (:func:`cross_class`)."""
    k = int(min(k, len(pool) - 1))
    near = nearest_others(X, pool, anchors, k)
    return near[np.arange(len(anchors)), rng.integers(0, k, size=len(anchors))]


def _neighbour_crossover(X, y, pool, n_minority, rng, k):
    """Uniform crossover of anomalies with neighbours: the anchors in whole shuffled passes over
    the anomalies, each crossed with one of its ``k`` nearest rows of ``pool`` (other anomalies
    for ``swap_near``, majority rows for ``cross_class``), each feature from the anchor with
    probability 1/2. ``alpha`` is the share of the anchor's features."""
    from mixann.rollout import Rollout

    anchors = _passes(X, y, n_minority, rng)
    mates = _neighbour_mates(X, pool, anchors, k, rng)
    take = rng.random((len(anchors), X.shape[1])) < 0.5
    return Rollout(np.where(take, X[anchors], X[mates]), np.ones(len(anchors), dtype=int),
                   np.column_stack([anchors, mates]).astype(np.intp), take.mean(axis=1))


def _neighbour_mix(X, minority, anchors, k, rng, lam=None):
    """SMOTE's step from each ``anchors`` row: towards one of its ``k`` nearest minority rows,
    at a uniform ratio, or at the fixed weight ``lam`` on the anchor where given (``sources``:
    the anchor, then the neighbour)."""
    from mixann.mixup import mix
    from mixann.rollout import Rollout

    mate = _neighbour_mates(X, minority, anchors, k, rng)
    lam = rng.random(len(anchors)) if lam is None else np.full(len(anchors), float(lam))
    # mix(a, b, lam) = lam a + (1 - lam) b; a uniform lam is a uniform point of the segment.
    return Rollout(mix(X[anchors], X[mate], lam), np.ones(len(anchors), dtype=int),
                   np.column_stack([anchors, mate]).astype(np.intp), lam)


@_two_anomalies
def smote(X, y, n_minority, rng, k=5):
    """SMOTE: each minority row, in whole shuffled passes, towards one of its ``k`` nearest
    minority rows at a uniform ratio (row 46; row 21 measured it at ``quick``).

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [9.0, 9.0], [2.0, 0.0], [0.0, 4.0], [2.0, 1.0]])
    >>> y = np.array([0, 0, 1, 1, 1])
    >>> out = smote(X, y, 6, np.random.default_rng(0), k=1)
    >>> sorted(map(tuple, out.sources.tolist()))   # each anomaly twice, with its nearest anomaly
    [(2, 4), (2, 4), (3, 4), (3, 4), (4, 2), (4, 2)]
    >>> bool(np.all((out.X[:, 0] >= 0) & (out.X[:, 0] <= 2)))   # on the segments
    True
    """
    minority = np.flatnonzero(y == 1)
    return _neighbour_mix(X, minority, _passes(X, y, n_minority, rng), k, rng)


def danger_rows(X, y, m=10):
    """Borderline-SMOTE's "danger" anomalies: at least half, but not all, of their ``m`` nearest
    other rows are majority rows. All anomalies when none is in danger.

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [10.0], [10.5], [11.0], [2.4], [2.75]])
    >>> y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1])
    >>> danger_rows(X, y, m=2).tolist()   # rows 7, 8: one anomaly and one majority row near
    [7, 8]
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    minority = np.flatnonzero(y == 1)
    m = int(min(m, len(X) - 1))
    n_major = (y[nearest_others(X, np.arange(len(X)), minority, m)] == 0).sum(axis=1)
    danger = minority[(2 * n_major >= m) & (n_major < m)]
    return danger if len(danger) else minority


@_two_anomalies
def borderline(X, y, n_minority, rng, k=5, m=10):
    """Borderline-SMOTE-1: SMOTE from the "danger" anomalies only (:func:`danger_rows`), towards
    one of their ``k`` nearest anomalies (row 46).

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [10.0], [10.5], [11.0], [2.4], [2.75]])
    >>> y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1])
    >>> out = borderline(X, y, 4, np.random.default_rng(0), k=1, m=2)
    >>> sorted(map(tuple, out.sources.tolist()))   # from the danger rows 7, 8 only
    [(7, 8), (7, 8), (8, 7), (8, 7)]
    """
    minority = np.flatnonzero(y == 1)
    in_danger = np.zeros(len(y), dtype=int)
    in_danger[danger_rows(X, y, m)] = 1
    anchors = _passes(X, in_danger, n_minority, rng)  # whole shuffled passes over the danger rows
    return _neighbour_mix(X, minority, anchors, k, rng)


def miss_weights(estimator, X, y, rng, n_splits=3):
    """How badly ``estimator`` misses each minority row out of fold: ``1 - P(anomaly)``.

    The probabilities come from :func:`sklearn.model_selection.cross_val_predict` over
    ``n_splits`` stratified folds (fewer when the minority is smaller), shuffled by ``rng``;
    one weight per minority row, in the order of ``np.flatnonzero(y == 1)``. Fewer than 2
    minority rows give equal weights.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> X = np.array([[0.0], [0.1], [0.2], [0.3], [0.4], [0.5], [5.0], [5.1], [5.2], [5.3],
    ...               [0.25]])
    >>> y = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    >>> w = miss_weights(KNeighborsClassifier(1), X, y, np.random.default_rng(0), n_splits=2)
    >>> w.tolist()   # the anomaly at 0.25, among the majority rows, is missed
    [0.0, 0.0, 0.0, 0.0, 1.0]
    """
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    X, y = np.asarray(X, dtype=float), np.asarray(y).astype(int)
    minority = np.flatnonzero(y == 1)
    n_splits = int(min(n_splits, len(minority)))
    if n_splits < 2:
        return np.ones(len(minority))
    folds = StratifiedKFold(n_splits, shuffle=True, random_state=int(rng.integers(2**31 - 1)))
    proba = cross_val_predict(clone(estimator), X, y, cv=folds, method="predict_proba")
    return 1.0 - proba[minority, 1]


@_two_anomalies
def hard(X, y, n_minority, rng, estimator=None, k=5):
    """SMOTE steps from the minority rows the classifier misses, each drawn with probability
    proportional to :func:`miss_weights` (AutoSMOTE's per-instance counts, row 47).

    ``estimator=None`` is the bench's KNN (:func:`mixann.classifiers.make_classifier`).

    Rows the classifier already finds (weight 0) give no samples; when it misses none, every
    row is drawn alike. The draws are independent, so any prefix of the rollout follows the
    weights too.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> X = np.r_[np.arange(6) / 10, 5 + np.arange(4) / 10, 0.25][:, None]  # miss_weights' data
    >>> y = np.r_[np.zeros(6, dtype=int), np.ones(5, dtype=int)]
    >>> out = hard(X, y, 4, np.random.default_rng(0), estimator=KNeighborsClassifier(1), k=1)
    >>> out.sources.tolist()   # only the missed anomaly, towards its nearest anomaly
    [[10, 6], [10, 6], [10, 6], [10, 6]]
    """
    from mixann.classifiers import make_classifier

    minority = np.flatnonzero(y == 1)
    estimator = make_classifier("knn") if estimator is None else estimator
    weights = miss_weights(estimator, X, y, rng)
    if weights.sum() <= 0:
        weights = np.ones(len(minority))
    anchors = rng.choice(minority, size=int(n_minority), p=weights / weights.sum())
    return _neighbour_mix(X, minority, anchors, k, rng)


@_two_anomalies
def swap_near(X, y, n_minority, rng, k=5):
    """Uniform crossover of each anomaly with one of its ``k`` nearest anomalies (row 56).

    ``swap``'s crossover on SMOTE's pairs: the anchors in whole shuffled passes, the mate among
    the anchor's ``k`` nearest other anomalies, each feature from either row with probability
    1/2. A random pair of a diverse minority joins two clusters, and its crossover can land in
    the majority between them; a pair of neighbours keeps the sample inside one cluster's box.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [9.0, 9.0], [2.0, 0.0], [0.0, 4.0], [2.0, 1.0]])
    >>> y = np.array([0, 0, 1, 1, 1])
    >>> out = swap_near(X, y, 6, np.random.default_rng(0), k=1)
    >>> sorted(map(tuple, out.sources.tolist()))   # each anomaly twice, with its nearest anomaly
    [(2, 4), (2, 4), (3, 4), (3, 4), (4, 2), (4, 2)]
    >>> {tuple(row) for row in out.X[out.sources[:, 0] == 3].tolist()} <= {
    ...     (0.0, 1.0), (0.0, 4.0), (2.0, 1.0), (2.0, 4.0)}   # corners of the pair's box
    True
    """
    return _neighbour_crossover(X, y, np.flatnonzero(y == 1), n_minority, rng, k)


@_two_anomalies
def mosaic(X, y, n_minority, rng):
    """Each feature from its own random anomaly: the minority's per-feature values, recombined
    independently (row 56).

    ``swap`` recombines two anomalies; this draws every feature from any anomaly, i.e. from the
    product of the minority's marginal distributions. ``sources`` are the anomalies that gave
    the first two features; ``alpha`` is 1.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [9.0, 9.0], [2.0, 0.0], [0.0, 4.0]]); y = np.array([0, 0, 1, 1])
    >>> sorted({tuple(row) for row in mosaic(X, y, 400, np.random.default_rng(0)).X.tolist()})
    [(0.0, 0.0), (0.0, 4.0), (2.0, 0.0), (2.0, 4.0)]
    """
    from mixann.rollout import Rollout

    minority = np.flatnonzero(y == 1)
    n, d = int(n_minority), X.shape[1]
    rows = minority[rng.integers(0, len(minority), size=(n, d))]
    points = X[rows, np.arange(d)[None, :]]
    sources = rows[:, [0, min(1, d - 1)]].astype(np.intp)
    return Rollout(points, np.ones(n, dtype=int), sources, np.ones(n))


@_two_anomalies
def extrapolate(X, y, n_minority, rng, k=5, step=0.5):
    """Each anomaly pushed away from one of its ``k`` nearest anomalies: ``a + step (a - b)``
    (row 63).

    DeVries and Taylor's extrapolation in feature space ("Dataset augmentation in feature
    space", 2017), which widened a class where interpolation narrows it. The anchors come in
    whole shuffled passes, the mates are SMOTE's; ``sources`` are the anchor, then the mate,
    and ``alpha`` is ``1 + step`` (the weight on the anchor in ``alpha a + (1 - alpha) b``).

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [9.0, 9.0], [2.0, 0.0], [0.0, 4.0], [2.0, 1.0]])
    >>> y = np.array([0, 0, 1, 1, 1])
    >>> out = extrapolate(X, y, 3, np.random.default_rng(0), k=1)
    >>> sorted(map(tuple, out.X.tolist()))   # (0, 4) + ((0, 4) - (2, 1)) / 2, ...
    [(-1.0, 5.5), (2.0, -0.5), (2.0, 1.5)]
    """
    # SMOTE's step with a weight above 1 on the anchor (Eq. 1 past the anchor).
    return _neighbour_mix(X, np.flatnonzero(y == 1), _passes(X, y, n_minority, rng), k, rng,
                          lam=1.0 + step)


def teacher_proba(X, y, points):
    """P(anomaly) at ``points`` from a gradient-boosted teacher fit on ``(X, y)``: XGBoost with
    the bench's settings (:func:`mixann.classifiers.make_classifier`, one thread, seed 0).

    A fixed seed makes the teacher a function of the data alone, so every draw of a kind on the
    same rows filters with the same teacher (and one fit is kept for them).

    Examples
    --------
    >>> X = np.r_[np.zeros((40, 1)), np.ones((10, 1)), -np.ones((10, 1))]   # anomalies at -1, 1
    >>> y = np.r_[np.zeros(40), np.ones(20)]
    >>> [round(float(p), 2) for p in teacher_proba(X, y, np.array([[-1.0], [0.0], [1.0]]))]
    [0.91, 0.05, 0.91]
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y).astype(int)
    key = (X.shape, hash(X.tobytes()), hash(y.tobytes()))
    if _TEACHER.get("key") != key:
        from mixann.classifiers import make_classifier

        _TEACHER.update(key=key, model=make_classifier("xgboost", random_state=0,
                                                       n_jobs=1).fit(X, y))
    return _TEACHER["model"].predict_proba(np.asarray(points, dtype=float))[:, 1]


_TEACHER = {}  # the last teacher fitted, and the data it was fitted on


def teacher_kept(generate, pool=4):
    """``generate``'s kind, keeping first the rows a boosted teacher calls anomalies (row 66).

    ``pool`` times the rows asked for are drawn; those where :func:`teacher_proba` is at least
    1/2 come first in the order drawn, then the others from the most to the least anomalous.
    :func:`mixann.rollout.off_majority` judges where a row lands by its nearest real row; here
    a model that weighs the features judges it, which is what a KNN vote on scaled features
    cannot do (annthyroid: XGBoost 0.95, KNN 0.76), so the samples may carry some of it.

    Examples
    --------
    >>> from mixann.rollout import spread
    >>> X = np.r_[np.zeros((40, 1)), np.ones((10, 1)), -np.ones((10, 1))]   # anomalies at -1, 1
    >>> y = np.r_[np.zeros(40), np.ones(20)]
    >>> spread(X, y, 4, np.random.default_rng(0)).X[:, 0].tolist()   # 0: among the majority
    [0.0, 0.0, 0.0, 1.0]
    >>> teacher_kept(spread)(X, y, 4, np.random.default_rng(0)).X[:, 0].tolist()
    [-1.0, -1.0, -1.0, 1.0]
    """
    from mixann.rollout import passing_first

    def kept(X, y, n_minority, rng):
        n_minority = max(int(n_minority), 0)
        out = generate(X, y, pool * n_minority, rng)
        if len(out.X) == 0:
            return out
        proba = teacher_proba(X, y, out.X)
        return out.take(passing_first(proba >= 0.5, 1.0 - proba, n_minority))

    kept.__name__ = f"{generate.__name__}_teacher_kept"
    return kept


@_two_anomalies
def spread_radius(X, y, n_minority, rng):
    """``spread``'s midpoints pushed back out to their pair's distance from the anomalies' mean
    (a probe, :mod:`kind_probe`).

    A midpoint of two anomalies lies nearer the anomalies' mean than either (by about
    ``1 / sqrt(2)`` in many dimensions); in 512 dimensions (cifar10) such points could be
    "hubs" that sit among many rows' nearest neighbours. Each midpoint ``m`` of ``a`` and ``b``
    becomes ``c + (m - c) r / |m - c|``, with ``c`` the anomalies' mean and ``r`` the mean of
    ``|a - c|`` and ``|b - c|``.

    Examples
    --------
    >>> X = np.array([[9.0, 9.0], [2.0, 0.0], [-2.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    >>> y = np.array([0, 1, 1, 1, 1])
    >>> out = spread_radius(X, y, 2, np.random.default_rng(1))
    >>> out.sources.tolist()
    [[2, 4], [3, 4]]
    >>> out.X.round(3).tolist()   # (-1, -0.5) out to radius (2 + 1) / 2; (0, 0) is the mean
    [[-1.342, -0.671], [0.0, 0.0]]
    """
    from mixann.rollout import Rollout, spread

    out = spread(X, y, n_minority, rng)
    centre = X[y == 1].mean(axis=0)
    a, b = X[out.sources[:, 0]] - centre, X[out.sources[:, 1]] - centre
    radius = (np.linalg.norm(a, axis=1) + np.linalg.norm(b, axis=1)) / 2
    now = np.linalg.norm(out.X - centre, axis=1)
    scale = np.divide(radius, now, out=np.ones_like(now), where=now > 0)  # a pair through c
    return Rollout(centre + (out.X - centre) * scale[:, None], out.y, out.sources, out.alpha)


@_two_anomalies
def mean_of_three(X, y, n_minority, rng):
    """The mean of three distinct random anomalies (two when only two exist): ``spread``'s
    midpoint one step further towards the anomalies' mean (a probe, :mod:`kind_probe`).

    ``sources`` are the first two anomalies; ``alpha`` is 1/2.

    Examples
    --------
    >>> X = np.array([[9.0, 9.0], [0.0, 0.0], [3.0, 0.0], [0.0, 3.0]]); y = np.array([0, 1, 1, 1])
    >>> mean_of_three(X, y, 2, np.random.default_rng(0)).X.tolist()   # every triple is all three
    [[1.0, 1.0], [1.0, 1.0]]
    """
    from mixann.rollout import Rollout

    minority = np.flatnonzero(y == 1)
    m = min(3, len(minority))
    rows = np.array([rng.choice(minority, m, replace=False) for _ in range(int(n_minority))])
    return Rollout(X[rows].mean(axis=1), np.ones(len(rows), dtype=int),
                   rows[:, :2].astype(np.intp), np.full(len(rows), 0.5))


@_two_anomalies
def cross_class(X, y, n_minority, rng, k=10):
    """Cross-class crossover: one of an anomaly's ``k`` nearest majority rows with each feature
    replaced by the anomaly's with probability 1/2 (a probe, :mod:`kind_probe`).

    The paper mixes a majority row ``x0`` with a minority row ``x1``; this mixes them feature by
    feature (``swap`` across the classes). Where the anomaly's features that make it an anomaly
    are taken, the sample is one; elsewhere it is a majority row labelled as an anomaly, so the
    kind is meant to be filtered (``cross-teacher``: :func:`teacher_kept`). ``sources`` are the
    anomaly, then the majority row; ``alpha`` is the share of features from the anomaly.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [5.0, 5.0], [1.0, 1.0], [1.0, 2.0]]); y = np.array([0, 0, 1, 1])
    >>> out = cross_class(X, y, 4, np.random.default_rng(0), k=1)
    >>> out.sources.tolist()   # each anomaly twice, with its nearest majority row, row 0
    [[2, 0], [3, 0], [2, 0], [3, 0]]
    >>> out.X.tolist(), out.alpha.tolist()   # each feature from the anomaly or from (0, 0)
    ([[1.0, 1.0], [1.0, 0.0], [0.0, 0.0], [0.0, 0.0]], [1.0, 0.5, 0.0, 0.0])
    """
    return _neighbour_crossover(X, y, np.flatnonzero(y == 0), n_minority, rng, k)


@_two_anomalies
def empty_region(X, y, n_minority, rng, quantile=0.99, pool=8):
    """Points of the data's bounding box far from every majority row: outlier exposure, a kind
    made from no anomaly at all (a probe, :mod:`kind_probe`).

    ``pool`` times the rows asked for are drawn uniformly in the box of ``X``; those whose
    nearest majority row is at least as far as ``quantile`` of the majority rows' own
    nearest-neighbour distances (from up to 2,000 of them) come first, then the others from the
    farthest to the nearest. Anomaly detection data (ADBench) labels rows in the majority's
    empty regions as anomalies; a test anomaly unlike every training anomaly may land in one.
    ``sources`` are the point's nearest anomaly (twice); ``alpha`` is 1.

    Examples
    --------
    >>> X = np.r_[np.linspace(0, 1, 50)[:, None] * [1, 0], [[1.0, 1.0], [0.0, 1.0]]]
    >>> y = np.r_[np.zeros(50), np.ones(2)].astype(int)   # majority on the line y = 0
    >>> out = empty_region(X, y, 20, np.random.default_rng(0))
    >>> bool(out.X[:, 1].min() > 0.02)   # majority rows lie 1/49 apart: every point is off the line
    True
    >>> sorted(set(out.sources[:, 0].tolist()))   # each point's nearest anomaly
    [50, 51]
    """
    from sklearn.neighbors import NearestNeighbors

    from mixann.rollout import Rollout, passing_first

    n = int(n_minority)
    majority = X[y == 0]
    near_majority = NearestNeighbors(n_neighbors=2).fit(majority)
    some = majority[rng.choice(len(majority), min(len(majority), 2000), replace=False)]
    threshold = np.quantile(near_majority.kneighbors(some)[0][:, 1], quantile)
    low, high = X.min(axis=0), X.max(axis=0)
    points = low + rng.random((pool * n, X.shape[1])) * (high - low)
    far = near_majority.kneighbors(points, n_neighbors=1)[0][:, 0]
    points = points[passing_first(far >= threshold, threshold - far, n)]
    minority = np.flatnonzero(y == 1)
    nearest = minority[NearestNeighbors(n_neighbors=1).fit(X[minority])
                       .kneighbors(points, return_distance=False)[:, 0]]
    return Rollout(points, np.ones(n, dtype=int), np.column_stack([nearest, nearest]),
                   np.ones(n))


def soft_mix(X, y, n_minority, rng, beta=1.0):
    """Mixup with a label drawn from the mix: an anomaly and any row, mixed at a ratio from
    ``Beta(beta, beta)``, labelled an anomaly with the mix's share of anomaly (session 31).

    Every other kind here labels each sample an anomaly. This one is vicinal risk minimisation
    (Zhang et al.'s mixup) with an anomaly at one end: ``x = lam a + (1 - lam) r`` for an anomaly
    ``a`` and a row ``r`` of either class, labelled 1 with probability ``lam + (1 - lam) y_r``, so
    that in expectation a log-loss learner sees mixup's soft label. Mixes towards a normal row
    come out normal as often as their share of it: the rows between an anomaly and the majority
    carry both labels. Rows are drawn until ``n_minority`` of them are anomalies (the volume
    counts those); ``sources`` are ``(a, r)`` and ``alpha`` is ``lam``.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]); y = np.array([0, 0, 0, 1])
    >>> out = soft_mix(X, y, 200, np.random.default_rng(0))
    >>> int(out.y.sum()), bool(out.y[-1] == 1), bool((out.y == 0).any())
    (200, True, True)
    >>> row = np.flatnonzero(out.y == 0)[0]; a, r = out.sources[row]
    >>> bool(np.allclose(out.X[row], out.alpha[row] * X[a] + (1 - out.alpha[row]) * X[r]))
    True
    """
    from mixann.mixup import mix
    from mixann.rollout import Rollout

    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    n = int(n_minority)
    minority = np.flatnonzero(y == 1)
    if n <= 0 or len(minority) == 0:
        return Rollout.empty(X.shape[1])
    batches, got = [], 0  # batches of (anomaly, row, lam, label) until n labels are anomalies
    while got < n:
        m = max(2 * (n - got), 16)  # about half of a batch comes out anomalies
        a = rng.choice(minority, m)
        r = rng.integers(len(y), size=m)
        lam = rng.beta(beta, beta, m)
        label = (rng.random(m) < lam + (1 - lam) * (y[r] == 1)).astype(int)
        batches.append((a, r, lam, label))
        got += int(label.sum())
    a, r, lam, label = (np.concatenate(column) for column in zip(*batches))
    end = int(np.flatnonzero(np.cumsum(label) >= n)[0]) + 1  # through the n-th anomaly
    return Rollout(mix(X[a[:end]], X[r[:end]], lam[:end]), label[:end],
                   np.column_stack([a[:end], r[:end]]), lam[:end])


def relevant_features(X, y, rng, share=0.8):
    """The features that tell the classes apart: the fewest whose impurity importances in a
    class-balanced extremely randomised forest sum to ``share`` of the total (session 32).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((200, 4)); y = (X[:, 2] > 0.8).astype(int)   # only feature 2 matters
    >>> relevant_features(X, y, rng, share=0.5).tolist()
    [2]
    """
    from sklearn.ensemble import ExtraTreesClassifier

    forest = ExtraTreesClassifier(n_estimators=100, class_weight="balanced", n_jobs=1,
                                  random_state=int(rng.integers(2**31 - 1))).fit(X, y)
    order = np.argsort(-forest.feature_importances_, kind="stable")
    total = np.cumsum(forest.feature_importances_[order])
    count = int(np.searchsorted(total, share * total[-1])) + 1
    return np.sort(order[:count])


@_two_anomalies
def spread_relevant(X, y, n_minority, rng, share=0.8, midpoint=True):
    """``spread``'s midpoint on the relevant features, a random majority row's values on the
    others (a probe, :mod:`kind_probe`; session 32, row 71).

    Every other kind places each sample's features all from anomalies, so a sample is as far
    from a test anomaly in the features that do not matter (noise, for a distance) as the
    anomalies it came from. Here the features that do not tell the classes apart
    (:func:`relevant_features`) are drawn from the majority, whose spread on them is the
    population's; the relevant ones are the midpoint of a random anomaly pair (``midpoint``)
    or one anomaly's own (``keep-relevant``). ``sources`` are the pair (the anomaly twice);
    ``alpha`` is the share of features from anomalies.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((200, 4)); y = (X[:, 2] > 0.9).astype(int)
    >>> out = spread_relevant(X, y, 5, np.random.default_rng(1), share=0.5)
    >>> a, b = out.sources[0]
    >>> bool(np.isclose(out.X[0, 2], (X[a, 2] + X[b, 2]) / 2)), out.alpha.tolist()
    (True, [0.25, 0.25, 0.25, 0.25, 0.25])
    """
    from mixann.rollout import Rollout

    n = int(n_minority)
    relevant = relevant_features(X, y, rng, share)
    pairs = spread(X, y, n, rng)
    sources = pairs.sources if midpoint else pairs.sources[:, [0, 0]]
    points = X[rng.choice(np.flatnonzero(y == 0), n)]
    points[:, relevant] = (pairs.X if midpoint else X[sources[:, 0]])[:, relevant]
    return Rollout(points, np.ones(n, dtype=int), sources,
                   np.full(n, len(relevant) / X.shape[1]))


def minority_clusters(X, y, cut=1.0):
    """The anomalies grouped by single linkage, cut at ``cut`` times the median distance from an
    anomaly to its nearest majority row: two anomalies share a cluster when a chain of anomalies,
    each nearer the next than a typical anomaly is to the majority, joins them.

    Returns a list of arrays of row indices of ``X``, one per cluster.

    Examples
    --------
    >>> X = np.array([[0.0], [10.0], [1.0], [1.5], [20.0]]); y = np.array([0, 0, 1, 1, 1])
    >>> [c.tolist() for c in minority_clusters(X, y)]   # nearest majority: 1, 1.5, 10; cut 1.5
    [[2, 3], [4]]
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.neighbors import NearestNeighbors

    minority = np.flatnonzero(y == 1)
    to_majority = NearestNeighbors(n_neighbors=1).fit(X[y == 0]).kneighbors(X[minority])[0]
    labels = fcluster(linkage(X[minority], "single"), cut * np.median(to_majority), "distance")
    return [minority[labels == c] for c in np.unique(labels)]


@_two_anomalies
def spread_cluster(X, y, n_minority, rng, weight="size", cut=1.0):
    """``spread``'s midpoints within clusters of anomalies only (:func:`minority_clusters`), the
    cluster drawn in proportion to its size (``weight="size"``) or uniformly (``"even"``, so
    that an isolated anomaly gets as many samples as a cluster: copies of itself) (row 73).

    Where ``spread`` mixes across clusters, filling the space between them, this keeps every
    sample inside one cluster of a diverse minority.

    Examples
    --------
    >>> X = np.array([[0.0], [10.0], [1.0], [1.5], [20.0]]); y = np.array([0, 0, 1, 1, 1])
    >>> out = spread_cluster(X, y, 400, np.random.default_rng(0), weight="even")
    >>> sorted(set(out.X[:, 0].tolist()))   # pairs of {2, 3} or 4 with itself, never across
    [1.0, 1.25, 1.5, 20.0]
    >>> round(float(np.mean(out.X[:, 0] == 20.0)), 1)   # even: half the samples per cluster
    0.5
    """
    from mixann.rollout import Rollout

    clusters = minority_clusters(X, y, cut)
    sizes = np.array([len(c) for c in clusters], dtype=float)
    p = sizes if weight == "size" else np.ones_like(sizes)
    which = rng.choice(len(clusters), size=int(n_minority), p=p / p.sum())
    pairs = np.empty((len(which), 2), dtype=np.intp)
    for c in np.unique(which):
        rows = np.flatnonzero(which == c)
        pairs[rows] = rng.choice(clusters[c], size=(len(rows), 2))
    return Rollout((X[pairs[:, 0]] + X[pairs[:, 1]]) / 2, np.ones(len(pairs), dtype=int), pairs,
                   np.full(len(pairs), 0.5))


@_two_anomalies
def spread_across(X, y, n_minority, rng, cut=1.0):
    """``spread``'s midpoints of two anomalies from *different* clusters
    (:func:`minority_clusters`; any two when there is one cluster): the opposite of
    :func:`spread_cluster` (row 73).

    Examples
    --------
    >>> X = np.array([[0.0], [10.0], [1.0], [1.5], [20.0]]); y = np.array([0, 0, 1, 1, 1])
    >>> sorted(set(spread_across(X, y, 50, np.random.default_rng(0)).X[:, 0].tolist()))
    [10.5, 10.75]
    """
    from mixann.rollout import Rollout

    cluster = np.empty(len(y), dtype=int)
    for c, rows in enumerate(minority_clusters(X, y, cut)):
        cluster[rows] = c
    minority = np.flatnonzero(y == 1)
    pairs = rng.choice(minority, size=(int(n_minority), 2))
    same = cluster[pairs[:, 0]] == cluster[pairs[:, 1]]
    while same.any() and len(np.unique(cluster[minority])) > 1:  # redraw the second row
        pairs[same, 1] = rng.choice(minority, size=int(same.sum()))
        same = cluster[pairs[:, 0]] == cluster[pairs[:, 1]]
    return Rollout((X[pairs[:, 0]] + X[pairs[:, 1]]) / 2, np.ones(len(pairs), dtype=int),
                   pairs.astype(np.intp), np.full(len(pairs), 0.5))


def on_majority(generate, pool=4):
    """``generate``'s kind with the rows that land among the majority first: the complement of
    :func:`mixann.rollout.off_majority`'s order (session 55, row 86; KNN only).

    ``pool`` times the rows asked for are drawn; those whose nearest row of the data is a
    majority row (:func:`mixann.rollout.landing_ratio` above 1) come first, in the order drawn,
    then the others from the most to the least inside the majority. Why try it: keeping the
    off-majority rows first cost KNN 0.008 (row 61), a hint that a vote among ten neighbours
    wants the samples that reach into the majority.

    Examples
    --------
    >>> from mixann.rollout import spread
    >>> X = np.array([[0.0], [2.0], [10.0], [6.0]]); y = np.array([1, 1, 1, 0])
    >>> on_majority(spread)(X, y, 3, np.random.default_rng(0)).X[:, 0].tolist()
    [6.0, 6.0, 6.0]
    """
    from mixann.rollout import landing_ratio, passing_first

    def kept(X, y, n_minority, rng):
        n_minority = max(int(n_minority), 0)
        out = generate(X, y, pool * n_minority, rng)
        ratio = landing_ratio(X, y, out.X)
        return out.take(passing_first(ratio > 1, 1.0 / np.maximum(ratio, 1e-12), n_minority))

    kept.__name__ = f"{generate.__name__}_on_majority"
    return kept


EXTRA_KINDS = {"segment": segment, "rose": rose, "local": local, "smote": smote,
               "borderline": borderline, "hard": hard, "swap": swap, "swap-near": swap_near,
               "mosaic": mosaic,
               # Row 61: the first passed its test for XGBoost and is a library kind (named here
               # too, so that --extra-kind scores it next to any classifier's kinds); the second
               # failed its test on fresh seeds (row 62).
               "spread-off-majority": spread_off_majority,
               "swap-off-majority": off_majority(swap),
               # Rows 63-64, screened for KNN; neither passed (docs/quality.md).
               "extrapolate": extrapolate,
               "spread-near-minority": off_majority(spread, limit=2.0),
               # Row 66, screened for KNN; it did not pass (docs/quality.md).
               "spread-teacher": teacher_kept(spread),
               # Session 29's validation probes (benchmarks/kind_probe.py), not screened.
               "spread-radius": spread_radius, "mean-of-three": mean_of_three,
               "cross-teacher": teacher_kept(cross_class, pool=8), "empty-region": empty_region,
               # Session 31's validation probes: labels drawn from the mix (mixup).
               "soft-mix": soft_mix,
               "soft-mix-sharp": partial(soft_mix, beta=0.4),
               # Session 32's validation probes: the irrelevant features from the majority.
               "spread-relevant": spread_relevant,
               "keep-relevant": partial(spread_relevant, midpoint=False),
               "spread-relevant-half": partial(spread_relevant, share=0.5),
               # Session 34's validation probes: midpoints within clusters of anomalies.
               "spread-cluster": spread_cluster,
               "spread-cluster-even": partial(spread_cluster, weight="even"),
               "spread-cluster-wide": partial(spread_cluster, cut=2.0),
               "spread-across": spread_across,
               # Session 55's validation probe (row 86): the landing filter's complement.
               "spread-on-majority": on_majority(spread),
               # Session 59 (row 87): passed its test as XGBoost's rule for 8 training
               # anomalies and is now mixann.rollout.beta_mix (named here too, so that
               # --extra-kind scores it next to any classifier's kinds).
               "beta-mix": beta_mix}
#: Kinds that score rows with the classifier: :func:`register` binds its ``estimator``.
NEEDS_ESTIMATOR = ("hard",)


def generator(name, estimator=None):
    """The kind ``name``, with ``estimator`` bound where it scores rows with the classifier
    (:data:`NEEDS_ESTIMATOR`); the others ignore it.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> generator("hard", KNeighborsClassifier(3)).keywords
    {'estimator': KNeighborsClassifier(n_neighbors=3)}
    >>> generator("rose") is EXTRA_KINDS["rose"]
    True
    """
    if name not in EXTRA_KINDS:
        raise ValueError(f"unknown extra kind {name!r}; choose from {', '.join(EXTRA_KINDS)}")
    if name in NEEDS_ESTIMATOR:
        return partial(EXTRA_KINDS[name], estimator=estimator)
    return EXTRA_KINDS[name]


def register(name, estimator=None):
    """Make ``name`` a ``MixAnN(mix_kinds=...)`` kind in this process (a diagnostic only).

    Kinds in :data:`NEEDS_ESTIMATOR` get ``estimator`` (the classifier MixAnN chooses for)
    bound to them; the others ignore it.

    Examples
    --------
    >>> register("rose")
    >>> import mixann.sampler
    >>> "rose" in mixann.sampler.MIX_KINDS
    True
    """
    import mixann.rollout as rollout_module
    import mixann.sampler as sampler_module

    rollout_module.ACTOR_FREE_KINDS[name] = generator(name, estimator)
    if name not in sampler_module.MIX_KINDS:
        sampler_module.MIX_KINDS = (*sampler_module.MIX_KINDS, name)
