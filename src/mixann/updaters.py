"""How the classifier phi_t absorbs the synthetic samples of an episode.

An updater owns phi_t for one episode. It is built once per fit, by
``make_updater(name, estimator, X_train, y_train, X_val)``, on the training split and the
validation rows, and offers:

* :meth:`~RefitUpdater.reset` returns to phi_0 (trained on the training split only);
* :meth:`~RefitUpdater.add` absorbs ``copies`` copies of one synthetic sample ``x`` with
  label ``y`` in {0, 1};
* :meth:`~RefitUpdater.proba_validation` gives phi_t's probabilities on the validation rows
  (the same rows every step) and :meth:`~RefitUpdater.proba_training` those on some rows of
  the training split (the k nearest training points of the new sample), both with columns
  [P(y=0), P(y=1)];
* :meth:`~RefitUpdater.predict_proba` answers for any rows (slower, for checks);
* :meth:`~RefitUpdater.set_validation` swaps the validation rows (``MixUpEnv`` expects an
  updater built on its validation rows).

Asking by row index rather than by feature rows lets an updater keep per-row state, which
is what makes :class:`ExactKNNUpdater` cost one vectorised distance pass per step instead of
a refit and a full neighbour query.

Updaters
--------
``"refit"``      :class:`RefitUpdater`, the reference: refit on train ∪ synthetic each step.
``"exact-knn"``  :class:`ExactKNNUpdater`: incremental KNN, same answers as refit (see its
                 docstring for the one exception, exact distance ties at the k-th neighbour).
``"warm-start"`` :class:`WarmStartUpdater`: approximate, for MLP (partial_fit) and XGBoost
                 (continued boosting).
``"auto"``       exact-knn for a ``KNeighborsClassifier`` it supports, else refit.
"""

from __future__ import annotations

import contextlib
import copy
import numbers

import numpy as np
from sklearn.base import clone
from sklearn.neighbors import KDTree, KNeighborsClassifier
from sklearn.neural_network import MLPClassifier

UPDATE_NAMES = ("auto", "refit", "exact-knn", "warm-start")


class _Updater:
    """Shared plumbing: training/validation rows and the row-indexed queries."""

    def _store(self, X_train, y_train, X_val):
        self.X_train = np.asarray(X_train, dtype=float)
        self.y_train = np.asarray(y_train)
        if X_val is None:
            X_val = np.empty((0, self.X_train.shape[1]))
        self.X_val = np.asarray(X_val, dtype=float)

    def set_validation(self, X_val):
        """Change the rows :meth:`proba_validation` answers for (phi_t is kept)."""
        self.X_val = np.asarray(X_val, dtype=float)

    def proba_validation(self):
        """phi_t's probabilities on the validation rows, shape (n_val, 2)."""
        return self.predict_proba(self.X_val)

    def proba_training(self, indices):
        """phi_t's probabilities on training rows ``X_train[indices]``, shape (len(indices), 2)."""
        return self.predict_proba(self.X_train[np.asarray(indices, dtype=np.intp)])

    def _ordered(self, model, proba):
        # Order the columns as [P(y=0), P(y=1)] whatever order the estimator keeps.
        order = np.searchsorted(model.classes_, [0, 1])
        return np.asarray(proba)[:, order]


class RefitUpdater(_Updater):
    """The reference: refit a clone of ``estimator`` on train ∪ synthetic-so-far at every step.

    Works with any classifier that has ``fit`` and ``predict_proba``; each synthetic sample
    is repeated ``copies`` times (classifiers such as KNN take no sample weights).
    """

    name = "refit"

    def __init__(self, estimator, X_train, y_train, X_val=None):
        self.estimator = estimator
        self._store(X_train, y_train, X_val)
        self._base = clone(estimator).fit(self.X_train, self.y_train)
        self.reset()

    def reset(self):
        self._model = self._base
        self._syn_X, self._syn_y = [], []

    def add(self, x, y, copies):
        self._syn_X.append(np.repeat(np.asarray(x, dtype=float)[None], copies, axis=0))
        self._syn_y.append(np.full(copies, y, dtype=self.y_train.dtype))
        X = np.vstack([self.X_train, *self._syn_X])
        y = np.concatenate([self.y_train, *self._syn_y])
        self._model = clone(self.estimator).fit(X, y)

    def predict_proba(self, X):
        return self._ordered(self._model, self._model.predict_proba(X))


# ---------------------------------------------------------------------- exact incremental KNN
def exact_knn_problem(estimator):
    """Why :class:`ExactKNNUpdater` cannot serve ``estimator`` (a string), or None if it can."""
    if not isinstance(estimator, KNeighborsClassifier):
        return f"{type(estimator).__name__} is not a KNeighborsClassifier"
    k = estimator.n_neighbors
    if not isinstance(k, numbers.Integral) or k < 1:
        # Refit lets scikit-learn refuse it with its own message; the incremental vote would
        # fail on empty or negative shapes instead.
        return f"n_neighbors={k!r} is not an int >= 1"
    if estimator.weights not in ("uniform", None):  # scikit-learn reads None as uniform
        return (f"weights={estimator.weights!r}; the incremental vote is exact only for "
                "weights='uniform'")
    metric, params = estimator.metric, dict(estimator.metric_params or {})
    # Only minkowski takes p: scikit-learn refuses metric_params={"p": ...} with "euclidean".
    p = params.pop("p", estimator.p) if metric == "minkowski" else estimator.p
    if params:
        return f"metric_params={estimator.metric_params!r} are not supported"
    if isinstance(metric, str) and (metric in ("euclidean", "l2")
                                    or (metric == "minkowski" and p == 2)):
        return None
    return (f"metric={metric!r}" + (f" with p={p!r}" if metric == "minkowski" else "")
            + "; only the euclidean metric (or minkowski with p=2) is supported")


#: From this many features on, :meth:`ExactKNNUpdater._nearest` ranks by a matrix product.
BRUTE_MIN_FEATURES = 32

#: Candidate points one tie-breaking block holds, about: 32 MiB per array of them.
TIE_BLOCK_POINTS = 2 ** 22

#: Feature values :func:`rdist_rows` gathers at once, about: 32 MiB.
RDIST_BLOCK_VALUES = 2 ** 22

#: Rows the updater's start asks the neighbour search for at once; with ``verbose`` a start
#: of more rows than this shows a progress bar that moves block by block.
START_BLOCK_ROWS = 8192


def rdist_rows(Q, X, idx):
    """Squared euclidean distances between rows ``Q[i]`` and ``X[idx[i, j]]`` -> (m, k).

    Summed feature by feature in order, the way scikit-learn's KD-tree computes its
    ``rdist``, so the values are bitwise the ones a refit KD-tree KNN compares. The
    neighbours' feature rows are gathered a block of rows at a time: gathered all at once,
    10,000 rows' 11 neighbours with 1,000 features took 0.9 GB (twenty-second audit). Each
    value is the same sum whatever the blocks.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.updaters import rdist_rows
    >>> rdist_rows(np.array([[0.0, 0.0]]), np.array([[3.0, 4.0], [1.0, 0.0]]), np.array([[0, 1]]))
    array([[25.,  1.]])
    """
    m, k = idx.shape
    acc = np.zeros((m, k))
    step = max(1, RDIST_BLOCK_VALUES // max(k * Q.shape[1], 1))
    for start in range(0, m, step):
        sl = slice(start, start + step)
        P, out = X[idx[sl]], acc[sl]
        for j in range(Q.shape[1]):
            t = Q[sl, None, j] - P[:, :, j]
            out += t * t
    return acc


def rdist_pairs(Q, X, owner, cand):
    """Squared euclidean distances between rows ``Q[owner[i]]`` and ``X[cand[i]]``, summed
    feature by feature as :func:`rdist_rows` (and the KD-tree) sums them.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.updaters import rdist_pairs
    >>> Q, X = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[3.0, 4.0], [1.0, 0.0]])
    >>> rdist_pairs(Q, X, np.array([0, 1, 1]), np.array([0, 0, 1]))
    array([25., 13.,  1.])
    """
    d2 = np.zeros(len(cand))
    for j in range(Q.shape[1]):
        t = Q[owner, j] - X[cand, j]
        d2 += t * t
    return d2


class ExactKNNUpdater(_Updater):
    """Incremental k-nearest-neighbours: the answers of a refit KNN at the cost of one pass.

    For every tracked row (validation rows, then all training rows) the updater keeps the
    squared distances and labels of its k nearest neighbours among the current fitted set
    (train ∪ synthetic copies). They are computed once at construction (a KD-tree query;
    from ``BRUTE_MIN_FEATURES`` features on, a matrix product checked against exact distances).
    :meth:`add` computes the distance from the new sample to all tracked rows in one
    vectorised pass and, where the sample comes strictly closer than a row's k-th neighbour,
    inserts its ``copies`` entries and keeps the k nearest. Probabilities are the vote
    fractions ``count / k``, computed like ``KNeighborsClassifier.predict_proba`` does, so
    they are bitwise equal to its output. A training row is its own neighbour at distance 0,
    as when a fitted KNN is asked ``predict_proba(X_train[i])``. One step costs
    O((n_val + n_train) * n_features); construction costs one neighbour query per row.

    Tie rule and guarantee
    ----------------------
    Neighbours are ranked by (squared distance, fit order), the fit order being the training
    rows by index, then the synthetic copies in the order they were added: a synthetic sample
    at exactly a row's k-th distance does not enter; a strictly closer one pushes out the
    latest-fitted of the farthest kept points. Squared distances are summed feature by
    feature exactly as scikit-learn's KD-tree does, so they are bitwise the numbers a refit
    KD-tree KNN compares. Call a row *ambiguous* when points at exactly its k-th distance
    with different labels straddle the k-th position (some kept, some left out). Then:

    * On every row that is not ambiguous, the vote, the probabilities and the predictions are
      identical to those of a refit ``KNeighborsClassifier`` (any ``algorithm``; with
      ``"brute"``, whose ranking uses the rounded ``|x|^2 - 2 x.y + |y|^2``, only up to
      points whose distances differ by less than that rounding).
    * On an ambiguous row no fixed rule can match scikit-learn: it keeps whichever tied points
      its heap or tree order puts first (not the fit order, for ``"brute"`` as for
      ``"kd_tree"``), and that order changes as the fitted set grows. This updater then
      follows the fit-order rule above, deterministically.

    ``tests/test_updaters.py`` checks both on planted ties (duplicated points of both labels
    on a grid, synthetic copies landing exactly on existing distances) against a brute-force
    reference of the rule and against refit KNNs (``"brute"`` and ``"kd_tree"``). Ambiguous
    rows need exact distance ties with mixed labels, i.e. duplicated or lattice-like data;
    on smtp (95k rows, many duplicates) the MixAnN runs of ``benchmarks/steps_per_second.py``
    came out identical to refit.

    Parameters
    ----------
    estimator : KNeighborsClassifier
        With ``weights="uniform"`` and the euclidean metric (``metric="minkowski", p=2`` or
        ``"euclidean"``); anything else raises ``ValueError``.
    X_train, y_train : ndarray
        The training split, labels in {0, 1}.
    X_val : ndarray, default=None
        The validation rows answered by :meth:`proba_validation`.
    verbose : bool, default=False
        Show a progress bar on stderr over the start's neighbour search when it asks for more
        than ``START_BLOCK_ROWS`` rows (300,000 rows in 10 dimensions: minutes).
    """

    name = "exact-knn"

    def __init__(self, estimator, X_train, y_train, X_val=None, *, verbose=False):
        problem = exact_knn_problem(estimator)
        if problem is not None:
            raise ValueError(f"update='exact-knn' cannot serve this estimator: {problem}. "
                             "Use update='refit' (or 'auto', which falls back to refit).")
        self.estimator = estimator
        self._store(X_train, y_train, X_val)
        labels = np.unique(self.y_train)
        if not np.isin(labels, [0, 1]).all():
            raise ValueError(f"y_train must hold labels in {{0, 1}}, got {labels}")
        self.k = int(estimator.n_neighbors)
        if self.k > len(self.X_train):
            raise ValueError(f"n_neighbors={self.k} is larger than the training split "
                             f"({len(self.X_train)} samples)")
        self._y01 = (self.y_train == 1).astype(np.int8)
        self._tree = KDTree(self.X_train, leaf_size=estimator.leaf_size, metric="euclidean")
        self._n_val = len(self.X_val)
        self._distinct = None  # built at the first tie (_distinct_training_points)
        self._cols = _feature_major(self.X_val, self.X_train)
        # The start reads the tracked rows through the transpose, a view: no second copy.
        self._d2_0, self._lab_0 = self._initial(self._cols.T, verbose=verbose)
        self._ones_0 = self._lab_0.sum(axis=1, dtype=np.intp)
        self._d2 = None
        self.reset()

    # --------------------------------------------------------------- state
    def _initial(self, Q, verbose=False):
        """Sorted squared distances and labels of the k nearest training rows of each ``Q`` row,
        ranked by (squared distance, training index)."""
        k, n = self.k, len(self.X_train)
        d2 = np.empty((len(Q), k))
        ind = np.empty((len(Q), k), dtype=np.intp)
        if len(Q) == 0:
            return d2, np.empty((0, k), dtype=np.int8)
        ambiguous = []
        # One neighbour more than needed: where the (k+1)-th is strictly farther than the k-th,
        # the k nearest are unique whatever order the tree found them in.
        q = min(k + 1, n)
        starts = range(0, len(Q), START_BLOCK_ROWS)  # blocks: bounded memory, a bar that moves
        with _start_bar(verbose and len(starts) > 1, len(Q)) as advance:
            for start in starts:
                sl = slice(start, start + START_BLOCK_ROWS)
                found = self._nearest(Q[sl], q)
                found_d2 = rdist_rows(Q[sl], self.X_train, found)
                ind[sl], d2[sl] = found[:, :k], found_d2[:, :k]
                if q > k:
                    ambiguous.append(start + np.flatnonzero(found_d2[:, k] <= found_d2[:, k - 1]))
                advance(len(found))
        if ambiguous:
            self._break_ties(Q, np.concatenate(ambiguous), d2, ind)
        # Sort each row by (squared distance, training index): the fit order of ties.
        order = _lexsort_rows(d2, ind)
        d2 = np.take_along_axis(d2, order, axis=1)
        lab = self._y01[np.take_along_axis(ind, order, axis=1)]
        return d2, lab

    def _nearest(self, Q, q):
        """Indices of the ``q`` nearest training rows of each ``Q`` row, nearest first.

        With few features the KD-tree answers. With many (``BRUTE_MIN_FEATURES``) a tree
        query degrades towards comparing every pair, slower than one matrix product: on
        cifar10's 512 features the tree took 7.3 s for the rows a product ranks in 0.3 s. The
        product's rounded distances only pick candidates (``q + 16`` per row); their exact
        distances are summed as the tree sums them (:func:`rdist_rows`), and a row is kept
        only when every other training row's distance, bounded below through the product's
        rounding error, is larger than its ``q``-th candidate's. The tree answers the rest
        (runs of near-equal distances), so the nearest sets are the tree's own.
        """
        X = self.X_train
        if Q.shape[1] < BRUTE_MIN_FEATURES:
            return self._tree.query(Q, k=q, return_distance=False)
        n = len(X)
        m = min(q + 16, n)
        sq_x = np.einsum("ij,ij->i", X, X)
        largest = sq_x.max()
        found = np.empty((len(Q), q), dtype=np.intp)
        step = max(1, 2 ** 22 // n)  # rows per product: about 32 MiB of distances
        for start in range(0, len(Q), step):
            block = Q[start:start + step]
            sq_q = np.einsum("ij,ij->i", block, block)
            approx = sq_q[:, None] + sq_x[None, :] - 2.0 * (block @ X.T)
            cand = np.argpartition(approx, m - 1, axis=1)[:, :m] if m < n else \
                np.broadcast_to(np.arange(n), (len(block), n))
            exact = rdist_rows(block, X, cand)
            order = _lexsort_rows(exact, cand)
            cand = np.take_along_axis(cand, order, axis=1)
            exact = np.take_along_axis(exact, order, axis=1)
            # Every row outside the candidates has a rounded distance of at least the largest
            # candidate's, and its exact one differs by less than the bound (generous: the
            # rounding of a d-term product is about d * 1e-16 of the squared norms).
            bound = 1e-9 * (sq_q + largest)
            floor = np.take_along_axis(approx, cand, axis=1).max(axis=1) - bound
            sure = (m == n) | (floor > exact[:, q - 1])
            found[start:start + len(block)][sure] = cand[sure, :q]
            if not sure.all():
                rest = start + np.flatnonzero(~sure)
                found[rest] = self._tree.query(Q[rest], k=q, return_distance=False)
        return found

    def _break_ties(self, Q, rows, d2, ind):
        """Rows with more than k points within the k-th distance: keep the points strictly
        closer, then the lowest training indices among those at exactly the k-th distance.

        Quadratic no more in duplicated rows (20,000 identical rows took 62 s, twenty-second
        audit), in two ways that leave every row's result as it was: identical rows have the
        same neighbours, so each distinct row is resolved once and its result copied to its
        duplicates; and a ball is searched over the distinct training points, each standing
        for its copies, of which the lowest ``slots`` training indices are all the rule can
        take.
        """
        if len(rows) == 0:  # nothing to resolve: the distinct points need not be built
            return
        k, n = self.k, len(self.X_train)
        _, one, group = np.unique(_row_keys(Q[rows]), return_index=True, return_inverse=True)
        distinct = rows[one]
        points, tree, members, starts = self._distinct_training_points()
        counts = np.diff(starts)
        # Blocks sized by the points their balls hold, not by rows: where thousands of rows
        # are identical each ball holds thousands of points, and 2048 rows' balls took 3 GB
        # (twenty-second audit). The first block is small; each next one is sized from the
        # points per row seen so far. Every row's result is its own, whatever the blocks.
        start, size = 0, 64
        while start < len(distinct):
            block = distinct[start:start + size]
            start += len(block)
            kth = d2[block].max(axis=1)
            inside = d2[block] < kth[:, None]  # all strictly closer points are in the k found
            slots = k - inside.sum(axis=1)
            # Every distinct point within the k-th distance (a hair more, so no tie is missed).
            found = tree.query_radius(Q[block], np.sqrt(kth) * (1 + 1e-9))
            owner = np.repeat(np.arange(len(block)), [len(f) for f in found])
            cand = np.concatenate(found)
            cd2 = rdist_pairs(Q[block], points, owner, cand)
            tie = cd2 == kth[owner]
            # Each tied point stands for the first ``slots`` of its copies' training indices.
            tie_owner, tie_point = owner[tie], cand[tie]
            take = np.minimum(counts[tie_point], slots[tie_owner])
            offset = np.arange(take.sum()) - np.repeat(np.cumsum(take) - take, take)
            copies = members[np.repeat(starts[tie_point], take) + offset]
            key = np.sort(np.repeat(tie_owner, take).astype(np.int64) * n + copies)
            tie_owner, tie_cand = key // n, key % n
            first = np.searchsorted(tie_owner, np.arange(len(block)))
            n_tie = np.bincount(tie_owner, minlength=len(block))
            ok = n_tie >= slots  # always, as the k found lie within the radius
            keep_first = np.argsort(~inside, axis=1, kind="stable")
            new_ind = np.take_along_axis(ind[block], keep_first, axis=1)
            new_d2 = np.take_along_axis(d2[block], keep_first, axis=1)
            j = np.arange(k)[None, :]
            n_in = (k - slots)[:, None]
            pick = np.clip(first[:, None] + j - n_in, 0, max(len(tie_cand) - 1, 0))
            fill = (j >= n_in) & ok[:, None]
            new_ind = np.where(fill, tie_cand[pick] if len(tie_cand) else 0, new_ind)
            new_d2 = np.where(fill, kth[:, None], new_d2)
            ind[block[ok]], d2[block[ok]] = new_ind[ok], new_d2[ok]
            held = max(len(cand), len(tie_cand), 1)
            size = int(np.clip(TIE_BLOCK_POINTS * len(block) // held, 1, 2048))
        ind[rows], d2[rows] = ind[distinct][group], d2[distinct][group]

    def _distinct_training_points(self):
        """The training split's distinct rows, a KD-tree over them, and the training indices
        of each one's copies: ``members[starts[i]:starts[i + 1]]``, ascending.

        Built at the first tie and kept; without duplicates, the training rows and their tree.
        """
        if self._distinct is None:
            n = len(self.X_train)
            _, first, which, counts = np.unique(_row_keys(self.X_train), return_index=True,
                                                return_inverse=True, return_counts=True)
            starts = np.concatenate([[0], np.cumsum(counts)])
            if len(first) == n:
                self._distinct = self.X_train, self._tree, np.arange(n), np.arange(n + 1)
            else:
                points = self.X_train[first]
                tree = KDTree(points, leaf_size=self.estimator.leaf_size, metric="euclidean")
                self._distinct = points, tree, np.argsort(which, kind="stable"), starts
        return self._distinct

    def set_validation(self, X_val):
        X_val = np.asarray(X_val, dtype=float)
        d2, lab = self._initial(X_val)
        n = self._n_val
        self._d2_0 = np.vstack([d2, self._d2_0[n:]])
        self._lab_0 = np.vstack([lab, self._lab_0[n:]])
        self._ones_0 = self._lab_0.sum(axis=1, dtype=np.intp)
        self._cols = _feature_major(X_val, self.X_train)
        self.X_val, self._n_val = X_val, len(X_val)
        added = self._added
        self._d2 = None  # the next reset copies every row
        self.reset()
        for x, y, copies in added:
            self.add(x, y, copies)

    def reset(self):
        if getattr(self, "_d2", None) is None:
            self._d2, self._lab = self._d2_0.copy(), self._lab_0.copy()
            self._kth, self._ones = self._d2_0[:, -1].copy(), self._ones_0.copy()
        elif self._touched:
            # Restore only the rows an add changed since the last reset.
            rows = np.unique(np.concatenate(self._touched))
            self._d2[rows], self._lab[rows] = self._d2_0[rows], self._lab_0[rows]
            self._kth[rows], self._ones[rows] = self._d2_0[rows, -1], self._ones_0[rows]
        self._touched, self._added = [], []

    def add(self, x, y, copies):
        x = np.asarray(x, dtype=float)
        y, copies = int(y), int(copies)
        if y not in (0, 1) or copies < 1:
            raise ValueError(f"need y in {{0, 1}} and copies >= 1, got y={y}, copies={copies}")
        self._added.append((x.copy(), y, copies))
        rows = self._insert(self._d2, self._lab, self._ones, self._kth,
                            self._rdist_to(x, self._cols), y, copies)
        self._touched.append(rows)

    def _rdist_to(self, x, cols):
        """Squared distances from ``x`` to every column of ``cols`` (feature-major rows)."""
        acc = np.zeros(cols.shape[1])
        t = np.empty(cols.shape[1])
        for j in range(cols.shape[0]):
            np.subtract(cols[j], x[j], out=t)
            np.multiply(t, t, out=t)
            acc += t
        return acc

    def _insert(self, D, L, ones, kth, d2_new, y, copies):
        """Insert ``copies`` entries at ``d2_new`` where they beat the k-th; returns those rows."""
        k = self.k
        rows = np.flatnonzero(d2_new < kth)  # strictly closer than the k-th neighbour
        if rows.size == 0:
            return rows
        d_rows, l_rows, new = D[rows], L[rows], d2_new[rows, None]
        pos = (d_rows <= new).sum(axis=1)[:, None]  # after the earlier-fitted equal ones
        j = np.arange(k)[None, :]
        shifted = np.clip(j - copies, 0, k - 1)
        keep, fresh = j < pos, j < pos + copies
        d_rows = np.where(keep, d_rows,
                          np.where(fresh, new, np.take_along_axis(d_rows, shifted, 1)))
        l_rows = np.where(keep, l_rows, np.where(fresh, np.int8(y),
                                                 np.take_along_axis(l_rows, shifted, 1)))
        D[rows], L[rows], kth[rows] = d_rows, l_rows, d_rows[:, -1]
        ones[rows] = l_rows.sum(axis=1, dtype=np.intp)
        return rows

    # --------------------------------------------------------------- queries
    def _proba(self, ones):
        # KNeighborsClassifier: per-class counts divided by their sum (k), in float64.
        ones = ones.astype(float)
        return np.column_stack([(self.k - ones) / self.k, ones / self.k])

    def proba_validation(self):
        return self._proba(self._ones[: self._n_val])

    def proba_training(self, indices):
        return self._proba(self._ones[self._n_val + np.asarray(indices, dtype=np.intp)])

    def predict_proba(self, X):
        """For any rows: the same rule replayed from phi_0 (one query plus one pass per add)."""
        X = np.asarray(X, dtype=float)
        D, L = self._initial(X)
        ones, kth = L.sum(axis=1, dtype=np.intp), D[:, -1].copy()
        cols = np.ascontiguousarray(X.T)
        for x, y, copies in self._added:
            self._insert(D, L, ones, kth, self._rdist_to(x, cols), y, copies)
        return self._proba(ones)


def _row_keys(A):
    """One opaque value per row of ``A`` holding its bytes: equal keys, identical rows."""
    A = np.ascontiguousarray(A)
    return A.view(np.dtype((np.void, A.dtype.itemsize * A.shape[1]))).ravel()


def _feature_major(X_val, X_train):
    """The tracked rows (validation, then training) feature-major: (n_features, n_rows).

    Each step reads them one feature at a time; built without first stacking the rows, which
    would hold a second copy of them all.
    """
    cols = np.empty((X_train.shape[1], len(X_val) + len(X_train)))
    cols[:, :len(X_val)] = X_val.T
    cols[:, len(X_val):] = X_train.T
    return cols


@contextlib.contextmanager
def _start_bar(show, total):
    """A progress bar over the rows of the updater's start, or nothing; yields ``advance(rows)``.

    The start (one neighbour query per row) comes before the episodes' bar: 300,000 rows in
    10 dimensions took about 250 s and showed nothing (twenty-second audit).
    """
    if not show:
        yield lambda rows: None
        return
    from ._progress import progress_bar  # rich, loaded only when a bar is shown

    with progress_bar(True, total, "exact-KNN start, rows") as (progress, task):
        yield lambda rows: progress.update(task, advance=rows)


def _lexsort_rows(d2, ind):
    """Per-row argsort by (d2, then ind): two stable row-wise sorts."""
    by_ind = np.argsort(ind, axis=1, kind="stable")
    by_d2 = np.argsort(np.take_along_axis(d2, by_ind, axis=1), axis=1, kind="stable")
    return np.take_along_axis(by_ind, by_d2, axis=1)


# ---------------------------------------------------------------------- warm start
class WarmStartUpdater(_Updater):
    """Approximate and cheap: continue training phi_t instead of refitting it.

    * Estimators with ``partial_fit`` (``MLPClassifier`` with solver "adam"/"sgd",
      ``SGDClassifier`` ...): each :meth:`add` makes ``epochs`` ``partial_fit`` passes over the
      ``copies`` new rows plus a replayed batch of ``replay`` rows drawn (seeded, uniformly)
      from train ∪ synthetic-so-far, so the model does not drift away from the original data.
    * ``xgboost.XGBClassifier``: each :meth:`add` continues boosting ``rounds`` more rounds
      on the grown data (train ∪ synthetic-so-far), in place on a copy of phi_0's booster
      (``Booster.update``, what ``fit(..., xgb_model=booster)`` does without re-copying the
      model every step). Chosen over "refit every r steps" because it reacts to every
      sample (a stale model between refits would give the step's reward to the wrong
      sample). The ensemble grows by ``rounds`` rounds per step until :meth:`reset`.

    :meth:`reset` returns to phi_0 (the model fitted on the training split) and reseeds the
    replay, so episodes are reproducible. The replay's seed is the updater's own
    ``random_state`` (0 as :func:`make_updater` builds it), not MixAnN's: every episode and
    every MixAnN seed replays the same batches for the same rows. The same seed still gives
    the same bytes; passing MixAnN's seed on would change every MLP table measured with it.

    How close it stays to refit, measured with ``python benchmarks/warm_start_gap.py
    --dataset vowels --classifiers xgboost,xgboost-linear,mlp`` (the benchmark's
    classifiers, 80/20 stratified split, seed 0, the same 30 synthetic samples of 1-5 copies
    fed to both): the validation macro-F1 of warm-start differed from refit's by at most
    0.064 (mean 0.037) for ``mlp``, 0.064 (mean 0.028) for ``xgboost`` and 0.022 (mean
    0.003) for ``xgboost-linear``; the F1 itself ranged over 0.87-1.00. The MLP's 30 adds
    took 0.3 s against 203 s for refit (a loaded 2-core machine). So the rewards are
    approximate: use ``"refit"`` where the exact classifier update matters.
    ``tests/test_updaters.py`` allows at most 0.15 on a 400-point toy problem (100
    validation rows, where one flipped minority prediction moves macro-F1 by ~0.05-0.1).
    """

    name = "warm-start"

    def __init__(self, estimator, X_train, y_train, X_val=None, *, replay=64, epochs=1,
                 rounds=2, random_state=0):
        self.kind = _warm_start_kind(estimator)
        self.estimator = estimator
        self.replay, self.epochs, self.rounds = int(replay), int(epochs), int(rounds)
        self.random_state = random_state
        self._store(X_train, y_train, X_val)
        self._base = clone(estimator).fit(self.X_train, self.y_train)
        self.reset()

    def reset(self):
        self._model = self._base
        self._owned = False  # the base model is never trained further
        self._syn_X, self._syn_y = [], []
        self._rng = np.random.default_rng(self.random_state)

    def add(self, x, y, copies):
        x_rep = np.repeat(np.asarray(x, dtype=float)[None], copies, axis=0)
        y_rep = np.full(copies, y, dtype=self.y_train.dtype)
        self._syn_X.append(x_rep)
        self._syn_y.append(y_rep)
        if self.kind == "xgboost":
            import xgboost

            if not self._owned:  # one copy of phi_0's booster per episode, then in place
                self._model, self._owned = self._base.get_booster().copy(), True
                # Row and column sampling (subsample, colsample_* < 1) otherwise draw from
                # XGBoost's process-wide generator, so two episodes with the same additions
                # grew different trees; reseeded from the seed and the round, they are the
                # same. Without sampling nothing is drawn and the trees are as before.
                self._model.set_param({"seed_per_iteration": True})
            X = np.vstack([self.X_train, *self._syn_X])
            y_all = np.concatenate([self.y_train, *self._syn_y])
            # The estimator's missing-value marker, as its own fit and predict_proba use it.
            dtrain = xgboost.DMatrix(X, label=y_all, missing=self._base.missing)
            for _ in range(self.rounds):
                self._model.update(dtrain, iteration=self._model.num_boosted_rounds())
            return
        if not self._owned:
            self._model, self._owned = copy.deepcopy(self._base), True
        n_train, n_syn = len(self.X_train), sum(len(s) for s in self._syn_X)
        for _ in range(self.epochs):
            pick = self._rng.integers(n_train + n_syn, size=self.replay)
            from_train = pick < n_train
            X_syn = np.vstack(self._syn_X)
            y_syn = np.concatenate(self._syn_y)
            Xb = np.vstack([x_rep, self.X_train[pick[from_train]],
                            X_syn[pick[~from_train] - n_train]])
            yb = np.concatenate([y_rep, self.y_train[pick[from_train]],
                                 y_syn[pick[~from_train] - n_train]])
            self._model.partial_fit(Xb, yb)

    def predict_proba(self, X):
        if self.kind == "xgboost" and self._owned:
            import xgboost

            dtest = xgboost.DMatrix(np.asarray(X, dtype=float), missing=self._base.missing)
            p1 = np.asarray(self._model.predict(dtest), dtype=float)
            return np.column_stack([1.0 - p1, p1])  # as XGBClassifier.predict_proba (binary)
        return self._ordered(self._model, self._model.predict_proba(X))


def _warm_start_kind(estimator):
    cls = type(estimator)
    if cls.__name__ == "XGBClassifier" and cls.__module__.startswith("xgboost"):
        return "xgboost"
    if hasattr(estimator, "partial_fit") and hasattr(estimator, "predict_proba"):
        if isinstance(estimator, MLPClassifier) and estimator.early_stopping:
            # scikit-learn's MLP partial_fit raises on early_stopping=True: refuse it here, so
            # that "auto" falls back to refit rather than failing at the first step.
            raise ValueError("update='warm-start' cannot continue an MLPClassifier with "
                             "early_stopping=True (its partial_fit refuses it); set "
                             "early_stopping=False or use update='refit'")
        return "partial_fit"
    raise ValueError(f"update='warm-start' needs an estimator with partial_fit (e.g. MLPClassifier "
                     f"with solver 'adam' or 'sgd') or an XGBClassifier, got "
                     f"{type(estimator).__name__}; use update='refit'")


# ---------------------------------------------------------------------- factory
def resolve_update(name, estimator, prefer_warm_start=False):
    """The concrete updater name for ``name``: ``"auto"`` becomes ``"exact-knn"`` for a KNN
    it can serve exactly, else ``"warm-start"`` when ``prefer_warm_start`` and the estimator
    supports it (XGBoost, ``partial_fit``), else ``"refit"``. Other names pass through.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from mixann.updaters import resolve_update
    >>> resolve_update("auto", KNeighborsClassifier()), resolve_update("auto", DecisionTreeClassifier(), True)
    ('exact-knn', 'refit')
    """
    if name != "auto":
        return name
    if exact_knn_problem(estimator) is None:
        return "exact-knn"
    if prefer_warm_start:
        try:
            _warm_start_kind(estimator)
            return "warm-start"
        except ValueError:
            pass
    return "refit"


def make_updater(name, estimator, X_train, y_train, X_val=None, verbose=False):
    """Build the updater called ``name`` for a fit on (X_train, y_train) scored on ``X_val``.

    ``"auto"`` picks ``"exact-knn"`` for a ``KNeighborsClassifier`` with uniform weights and
    the euclidean metric (same answers as refit, much faster), else ``"refit"``. ``verbose``
    lets exact-knn show its start's progress on stderr (a long start, see
    :class:`ExactKNNUpdater`); pass it only where no other progress bar is showing, as rich
    draws one live display at a time.
    """
    if name == "auto":
        name = "exact-knn" if exact_knn_problem(estimator) is None else "refit"
    if name == "refit":
        return RefitUpdater(estimator, X_train, y_train, X_val)
    if name == "exact-knn":
        return ExactKNNUpdater(estimator, X_train, y_train, X_val, verbose=verbose)
    if name == "warm-start":
        return WarmStartUpdater(estimator, X_train, y_train, X_val)
    raise ValueError(f"update must be one of {UPDATE_NAMES}, got {name!r}")
