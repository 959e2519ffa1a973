"""A KNN's votes for the volume search's candidates, from one neighbour search per fold.

The volume search (:mod:`mixann.selection`) fits the classifier on a fold's training rows
plus each candidate's synthetic rows, and the candidates of one kind are the prefixes of one
rollout. For a KNN a fit is a neighbour index, and a refit per candidate searched the
held-out rows' neighbours among the same training rows again every time (smtp: 29 KD-trees
over 46,000 rows and 29 queries of 11,600 rows per fold: about half of ``fit_resample``).
:class:`FoldVotes` searches them once, then adds each kind's rows a block at a time.

The votes are a refit's, bit for bit, wherever scikit-learn would search by KD-tree
(:func:`knn_votes_apply`):

* Squared distances are summed feature by feature as the KD-tree sums them
  (:func:`mixann.updaters.rdist_rows`), so they are the numbers a refit compares.
* Each held-out row keeps its k + 1 nearest points. Where the (k+1)-th is strictly farther
  than the k-th, the k nearest are the same points whatever order a search meets them in.
* Where they are at exactly the same distance (duplicated rows, a synthetic row on a
  training row: a quarter of mammography's held-out rows), scikit-learn keeps whichever
  tied points its tree meets first. If every point at that distance has the same label, any
  choice gives the same vote; only rows whose tied points have both labels are asked of a
  refit KNN, and only those rows.
"""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import KDTree, KNeighborsClassifier

from .neighbour_index import searches_by_kd_tree
from .updaters import exact_knn_problem, rdist_pairs, rdist_rows

__all__ = ["knn_votes_apply", "FoldVotes", "knn_fold_probas"]


def knn_votes_apply(estimator, n_fit, n_features):
    """Whether :class:`FoldVotes` answers for ``estimator`` fitted on at least ``n_fit`` rows
    of ``n_features`` features as a refit would.

    It does for a ``KNeighborsClassifier`` (not a subclass, which may vote otherwise) with
    uniform votes and the euclidean metric (what
    :class:`~mixann.updaters.ExactKNNUpdater` serves) that searches by KD-tree:
    ``algorithm="kd_tree"``, or scikit-learn's ``"auto"`` rule, at most 15 features and
    ``n_neighbors`` under half the rows. A brute-force search ranks by rounded distances, so
    there the folds refit.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from mixann.knn_votes import knn_votes_apply
    >>> knn = KNeighborsClassifier(n_neighbors=10)
    >>> knn_votes_apply(knn, 1000, 6), knn_votes_apply(knn, 1000, 36), knn_votes_apply(knn, 15, 6)
    (True, False, False)
    """
    if type(estimator) is not KNeighborsClassifier or exact_knn_problem(estimator) is not None:
        return False  # a subclass may fit or vote otherwise: it is refitted and asked
    k = int(estimator.n_neighbors)
    if estimator.algorithm == "kd_tree":  # too few rows: a refit refuses with its own message
        return k < n_fit // 2
    return estimator.algorithm == "auto" and searches_by_kd_tree(n_fit, n_features, k)


def _radius(d2):
    """A search radius that holds every point at squared distance ``d2`` (a hair more)."""
    return np.sqrt(d2) * (1 + 1e-9)


class FoldVotes:
    """The held-out rows' k + 1 nearest points among training rows plus added blocks.

    Parameters
    ----------
    estimator : KNeighborsClassifier
        One that :func:`knn_votes_apply` accepts; its ``n_neighbors`` is k.
    X_tr, y_tr : ndarray
        The fold's training rows and their 0/1 labels.
    X_te : ndarray
        The held-out rows whose votes are asked.
    """

    def __init__(self, estimator, X_tr, y_tr, X_te):
        self.k = int(estimator.n_neighbors)
        self.X_tr, self.y_tr = np.asarray(X_tr, dtype=float), np.asarray(y_tr).astype(np.int8)
        self.X_te = np.ascontiguousarray(X_te, dtype=float)
        self._leaf_size = estimator.leaf_size
        self._tree = KDTree(self.X_tr, leaf_size=self._leaf_size, metric="euclidean")
        ind = self._tree.query(self.X_te, k=self.k + 1, return_distance=False)
        d2 = rdist_rows(self.X_te, self.X_tr, ind)
        order = np.argsort(d2, axis=1, kind="stable")
        self._d2_0 = np.take_along_axis(d2, order, axis=1)
        self._lab_0 = self.y_tr[np.take_along_axis(ind, order, axis=1)]
        # Per held-out row: the squared distance whose training labels were last looked up
        # (NaN: never) and which labels (0, 1) the training points at exactly it have.
        self._cached_t = np.full(len(self.X_te), np.nan)
        self._has = np.zeros((len(self.X_te), 2), dtype=bool)
        self.reset()

    def reset(self):
        """Back to the training rows alone."""
        self._d2, self._lab = self._d2_0.copy(), self._lab_0.copy()
        self._blocks = []  # (KD-tree, rows, labels) of each added block
        self._reached = np.zeros(len(self.X_te), dtype=bool)  # rows a block point came near

    def add(self, X_block, y_block):
        """Add the rows ``X_block`` with 0/1 labels ``y_block``."""
        X_block = np.asarray(X_block, dtype=float)
        y_block = np.asarray(y_block).astype(np.int8)
        if len(X_block) == 0:
            return
        tree = KDTree(X_block, leaf_size=self._leaf_size, metric="euclidean")
        self._blocks.append((tree, X_block, y_block))
        # Only rows with a block point within their (k+1)-th distance can change: most
        # held-out rows lie far from the minority the synthetic rows fill.
        near = tree.query_radius(self.X_te, _radius(self._d2[:, -1]), count_only=True) > 0
        rows = np.flatnonzero(near)
        if len(rows) == 0:
            return
        self._reached[rows] = True
        q = min(self.k + 1, len(X_block))
        ind = tree.query(self.X_te[rows], k=q, return_distance=False)
        d2 = np.hstack([self._d2[rows], rdist_rows(self.X_te[rows], X_block, ind)])
        lab = np.hstack([self._lab[rows], y_block[ind]])
        order = np.argsort(d2, axis=1, kind="stable")[:, :self.k + 1]
        self._d2[rows] = np.take_along_axis(d2, order, axis=1)
        self._lab[rows] = np.take_along_axis(lab, order, axis=1)

    def proba(self):
        """The vote fractions ``[P(0), P(1)]`` of every held-out row, as
        ``KNeighborsClassifier.predict_proba`` computes them, and the rows it alone can
        answer (tied points of both labels at the k-th distance)."""
        k = self.k
        ones = self._lab[:, :k].sum(axis=1, dtype=np.intp).astype(float)
        proba = np.column_stack([(k - ones) / k, ones / k])  # its counts over their sum, k
        tied = np.flatnonzero(self._d2[:, k] == self._d2[:, k - 1])
        return proba, tied[self._both_labels(tied)]

    def _both_labels(self, rows):
        """Whether points of both labels lie at exactly the k-th distance of each of the
        held-out ``rows`` (a boolean per row)."""
        t = self._d2[rows, self.k - 1]
        # Training points: their labels at t are kept, and asked again only where a block
        # moved a row's k-th distance (most rows keep theirs through every candidate).
        stale = rows[self._cached_t[rows] != t]
        if len(stale):
            self._cached_t[stale] = self._d2[stale, self.k - 1]
            self._has[stale] = _labels_at(self._tree, self.X_tr, self.y_tr, self.X_te[stale],
                                          self._cached_t[stale])
        has = self._has[rows].copy()
        reached = self._reached[rows]  # block points may lie at t as well
        for tree, X_block, y_block in self._blocks:
            # Only a label the row's tied points lack yet can make them mixed.
            ask = np.flatnonzero(reached & ~has[:, np.unique(y_block)].all(axis=1))
            if len(ask):
                has[ask] |= _labels_at(tree, X_block, y_block, self.X_te[rows[ask]], t[ask])
        return has.all(axis=1)


def _labels_at(tree, X, y, Q, t):
    """For each row of ``Q``: which labels (0, 1) the rows of ``X`` (in ``tree``) at exactly
    squared distance ``t`` have, as a boolean (len(Q), 2) array. One radius query for all
    rows (a KD-tree call per row cost more in input checks than in search)."""
    found = tree.query_radius(Q, _radius(t))
    owner = np.repeat(np.arange(len(Q)), [len(f) for f in found])
    cand = np.concatenate(found) if len(found) else np.empty(0, dtype=np.intp)
    at = rdist_pairs(Q, X, owner, cand) == t[owner]  # summed as the tree sums them
    has = np.zeros((len(Q), 2), dtype=bool)
    has[owner[at], y[cand[at]]] = True
    return has


def knn_fold_probas(estimator, X_tr, y_tr, X_te, rollouts, keys, refit):
    """The held-out rows' KNN probabilities for each candidate of one fold.

    Parameters
    ----------
    estimator : KNeighborsClassifier
        One that :func:`knn_votes_apply` accepts.
    X_tr, y_tr, X_te : ndarray
        The fold's training rows, their 0/1 labels and its held-out rows.
    rollouts : dict
        ``{kind: Rollout}``: each kind's synthetic rows in generation order.
    keys : list of tuple
        Candidates ``(kind, length)``: the training rows plus the first ``length`` rows of
        ``rollouts[kind]``; ``(None, 0)`` for the training rows alone.
    refit : callable
        ``refit(part, rows)``: a refit KNN's probabilities for the held-out ``rows`` with the
        synthetic rows ``part`` (a :class:`~mixann.rollout.Rollout` or None) added; asked
        only for rows whose tied neighbours have both labels.

    Returns
    -------
    list of ndarray
        For each key in order, the (n_held_out, 2) probabilities.
    """
    votes = FoldVotes(estimator, X_tr, y_tr, X_te)
    out = {}
    for kind in dict.fromkeys(kind for kind, _ in keys):  # kinds in order, once each
        votes.reset()
        done = 0
        for key in sorted((key for key in keys if key[0] == kind), key=lambda key: key[1]):
            if kind is not None:
                votes.add(rollouts[kind].X[done:key[1]], rollouts[kind].y[done:key[1]])
                done = key[1]
            proba, ask = votes.proba()
            if len(ask):
                part = rollouts[kind].take(slice(done)) if kind is not None else None
                proba[ask] = refit(part, ask)
            out[key] = proba
    return [out[key] for key in keys]
