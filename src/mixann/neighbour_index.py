"""The k nearest of fixed rows for new points, as ``NearestNeighbors`` answers, without its
per-call cost.

The environment (:mod:`mixann.env`) and the rollout (:mod:`mixann.rollout`) ask for the
nearest rows of one point, or of a few dozen, thousands of times per fit. Where
``NearestNeighbors(algorithm="auto")`` would build a KD-tree, :class:`NeighbourIndex` builds
that same tree and queries it directly: the same neighbours, in the same order, without the
input checks that cost ``kneighbors`` more than its search (smtp's rollouts: 0.36 ms a call
against 0.12 ms for the tree's own query). Elsewhere it is ``NearestNeighbors`` itself.
"""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import KDTree, NearestNeighbors

__all__ = ["KD_TREE_MAX_FEATURES", "searches_by_kd_tree", "NeighbourIndex"]

#: scikit-learn's ``algorithm="auto"`` searches by KD-tree up to this many features.
KD_TREE_MAX_FEATURES = 15


def searches_by_kd_tree(n_rows, n_features, n_neighbors):
    """Whether scikit-learn's neighbour search with ``algorithm="auto"`` and the euclidean
    metric builds a KD-tree over ``n_rows`` rows (else it compares every pair).

    Examples
    --------
    >>> from mixann.neighbour_index import searches_by_kd_tree
    >>> [searches_by_kd_tree(n, d, 10) for n, d in [(1000, 6), (1000, 36), (15, 6)]]
    [True, False, False]
    """
    return n_features <= KD_TREE_MAX_FEATURES and n_neighbors < n_rows // 2


class NeighbourIndex:
    """``NearestNeighbors(n_neighbors).fit(X)``'s ``kneighbors`` indices, for many small queries.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.neighbour_index import NeighbourIndex
    >>> index = NeighbourIndex(np.arange(10.0)[:, None], n_neighbors=2)
    >>> index.query(np.array([[2.2], [8.9]]), 2).tolist()
    [[2, 3], [9, 8]]
    """

    def __init__(self, X, n_neighbors):
        X = np.asarray(X, dtype=float)
        if searches_by_kd_tree(len(X), X.shape[1], n_neighbors):
            # The tree NearestNeighbors builds: its leaf size, the euclidean metric.
            self._tree, self._search = KDTree(X, leaf_size=30, metric="euclidean"), None
        else:
            self._tree, self._search = None, NearestNeighbors(n_neighbors=n_neighbors).fit(X)

    def query(self, Q, k):
        """Indices of the ``k`` nearest rows of each row of ``Q``, nearest first."""
        if self._tree is None:
            return self._search.kneighbors(Q, n_neighbors=k, return_distance=False)
        return self._tree.query(np.asarray(Q, dtype=float), k=k, return_distance=False)
