"""The volume search's KNN votes from one neighbour search per fold (mixann.knn_votes) and the
direct KD-tree queries of the rollout and the environment (mixann.neighbour_index): both must
answer exactly as a refit scikit-learn KNN does, duplicated rows and exact ties included."""

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

import mixann.selection as selection
from mixann.knn_votes import FoldVotes, knn_fold_probas, knn_votes_apply
from mixann.neighbour_index import NeighbourIndex, searches_by_kd_tree
from mixann.rollout import Rollout, spread
from mixann.selection import _fit_predict, choose_draw, select_volume


def _rows(rng, m, d, lattice):
    """Rows on a 3-value lattice (exact distance ties everywhere) or uniform ones."""
    return rng.integers(0, 3, (m, d)).astype(float) if lattice else rng.random((m, d))


@pytest.mark.parametrize("n, d, k", [(200, 3, 10), (200, 6, 1), (40, 2, 5), (200, 20, 10),
                                     (30, 3, 20)])
@pytest.mark.parametrize("lattice", [False, True])
def test_neighbour_index_answers_as_nearest_neighbors(n, d, k, lattice):
    rng = np.random.default_rng(n + d + k)
    X, Q = _rows(rng, n, d, lattice), _rows(rng, 50, d, lattice)
    k = min(k, n)
    reference = NearestNeighbors(n_neighbors=k).fit(X)
    index = NeighbourIndex(X, k)
    for ask in sorted({1, max(1, k // 2), k}):
        assert np.array_equal(index.query(Q, ask),
                              reference.kneighbors(Q, n_neighbors=ask, return_distance=False))


@pytest.mark.parametrize("n, d, k", [(200, 15, 10), (200, 16, 10), (20, 3, 10), (21, 3, 10),
                                     (22, 3, 10)])
def test_the_kd_tree_rule_is_scikit_learns(n, d, k):
    # Checks scikit-learn's own choice (a private attribute): if its "auto" rule changes,
    # the rollout would still be right but no longer the same bytes as NearestNeighbors.
    chosen = NearestNeighbors(n_neighbors=k).fit(np.zeros((n, d)))._fit_method
    assert searches_by_kd_tree(n, d, k) == (chosen == "kd_tree")


@pytest.mark.parametrize("estimator, n_features, expected", [
    (KNeighborsClassifier(10), 6, True),
    (KNeighborsClassifier(10), 16, False),  # scikit-learn searches by brute force
    (KNeighborsClassifier(10, algorithm="kd_tree"), 40, True),
    (KNeighborsClassifier(10, algorithm="brute"), 6, False),
    (KNeighborsClassifier(10, algorithm="ball_tree"), 6, False),
    (KNeighborsClassifier(10, weights="distance"), 6, False),
    (KNeighborsClassifier(10, p=1), 6, False),
    (KNeighborsClassifier(60), 6, False),  # k at least half the rows
])
def test_which_knns_get_the_one_search(estimator, n_features, expected):
    assert knn_votes_apply(estimator, 100, n_features) is expected


def _fold(rng, lattice):
    n, d = int(rng.integers(30, 250)), int(rng.integers(1, 6))
    X, Q = _rows(rng, n, d, lattice), _rows(rng, 40, d, lattice)
    y = (rng.random(n) < 0.3).astype(int)
    y[:2] = [0, 1]
    rollouts = {}
    for kind, share in (("minority", 1.0), ("mixed", 0.6)):
        m = int(rng.integers(0, 80))
        S = _rows(rng, m, d, lattice)
        if lattice and m:  # synthetic rows on top of training rows: ties of both labels
            S[: m // 2] = X[rng.integers(0, n, m // 2)]
        labels = (rng.random(m) < share).astype(int)
        rollouts[kind] = Rollout(S, labels, np.zeros((m, 2), dtype=int), np.ones(m))
    keys = [(None, 0)] + sorted({(kind, int(rng.integers(1, len(r) + 1)))
                                 for kind, r in rollouts.items() if len(r) for _ in range(3)})
    return X, y, Q, rollouts, keys


@pytest.mark.parametrize("lattice", [False, True])
def test_fold_votes_are_a_refits_bit_for_bit(lattice):
    rng = np.random.default_rng(7 + lattice)
    asked = 0
    for _ in range(40):
        X, y, Q, rollouts, keys = _fold(rng, lattice)
        estimator = KNeighborsClassifier(int(rng.integers(1, min(12, len(X) // 2))))

        def refit(part, rows):
            nonlocal asked
            asked += len(rows)
            return _fit_predict(estimator, X, y, part, Q[rows])

        got = knn_fold_probas(estimator, X, y, Q, rollouts, keys, refit)
        for key, proba in zip(keys, got):
            part = rollouts[key[0]].take(slice(key[1])) if key[0] is not None else None
            assert np.array_equal(proba, _fit_predict(estimator, X, y, part, Q)), key
    # On the lattice some rows have tied neighbours of both labels, which only a refit can
    # answer as scikit-learn does; on uniform rows none.
    assert (asked > 0) == lattice


def test_fold_votes_reset_to_the_training_rows():
    rng = np.random.default_rng(3)
    X, y, Q, rollouts, _ = _fold(rng, lattice=True)
    votes = FoldVotes(KNeighborsClassifier(5), X, y, Q)
    before = votes.proba()
    votes.add(rollouts["mixed"].X, rollouts["mixed"].y)
    votes.reset()
    after = votes.proba()
    assert np.array_equal(before[0], after[0]) and np.array_equal(before[1], after[1])


def _duplicated_data(seed):
    """Rows on a coarse grid: many duplicates, tied neighbours of both labels."""
    rng = np.random.default_rng(seed)
    X = np.round(rng.random((500, 3)) * 4) / 4
    y = ((X.sum(axis=1) > 2.0) & (rng.random(500) < 0.5)).astype(int)
    return X, y


@pytest.mark.parametrize("seed", [0, 1])
def test_the_volume_search_chooses_as_with_refits(seed, monkeypatch):
    X, y = _duplicated_data(seed)
    X_val, y_val = X[400:], y[400:]
    X, y = X[:400], y[:400]
    generators = {"spread": spread}
    args = (generators, KNeighborsClassifier(10), X, y, X_val, y_val, (0.0, 0.1, 0.3, 1.0))
    kwargs = dict(n_splits=5, n_repeats=1, metric="f1_macro", seed=seed)
    fast = select_volume(*args, **kwargs)
    monkeypatch.setattr(selection, "knn_votes_apply", lambda *a: False)
    assert select_volume(*args, **kwargs) == fast


def test_the_draw_choice_scores_as_with_refits(monkeypatch):
    X, y = _duplicated_data(2)
    rng = np.random.default_rng(0)
    draws = [spread(X[:400], y[:400], 60, rng) for _ in range(4)]
    args = (draws, KNeighborsClassifier(10), X[:400], y[:400], X[400:], y[400:])
    fast = choose_draw(*args, metric="f1_macro")
    monkeypatch.setattr(selection, "knn_votes_apply", lambda *a: False)
    assert choose_draw(*args, metric="f1_macro") == fast


class _Spy(KNeighborsClassifier):
    fits = 0

    def fit(self, X, y):
        type(self).fits += 1
        return super().fit(X, y)


def test_a_knn_subclass_is_refitted():
    # A subclass may fit or vote otherwise than KNeighborsClassifier: it gets refits.
    assert not knn_votes_apply(_Spy(10), 100, 6)
    X, y = _duplicated_data(3)
    _Spy.fits = 0
    select_volume({"spread": spread}, _Spy(10), X[:400], y[:400], X[400:], y[400:], (0.0, 0.5),
                  n_splits=3, n_repeats=1, metric="f1_macro", seed=0)
    assert _Spy.fits == 3 * 2


def test_the_benchmark_reports_the_same_bytes(tmp_path, capsys):
    # benchmarks/knn_votes.py at the test budget on a duplicated grid: one search per fold
    # against refits must return the same rows and scores, and say so.
    from conftest import load_benchmark

    X, y = _duplicated_data(4)
    np.savez(tmp_path / "40_vowels.npz", X=X, y=y)
    load_benchmark("knn_votes").main(["--datasets", "vowels", "--budget", "test",
                                      "--data-dir", str(tmp_path)])
    rows = [line.split("|") for line in capsys.readouterr().out.splitlines()
            if line.startswith("| vowels |")]
    assert len(rows) == 1 and rows[0][8].strip() == "yes"
