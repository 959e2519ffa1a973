"""The updaters: exact-knn answers exactly like refit, warm-start stays close, auto picks."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from mixann import MixAnN
from mixann.datasets import make_diverse_minorities
from mixann.metrics import score_proba
from mixann.updaters import (UPDATE_NAMES, ExactKNNUpdater, RefitUpdater, WarmStartUpdater,
                             make_updater)


@pytest.fixture(autouse=True)
def _one_thread():
    # Brute-force KNN queries use OpenMP; many tiny queries run faster (and steadier on a
    # busy 2-core machine) on one thread.
    with threadpool_limits(limits=1):
        yield


def _split(X, y, n_val):
    return X[n_val:], y[n_val:], X[:n_val]


def _assert_same(refit, exact, rng, n_train):
    np.testing.assert_array_equal(exact.proba_validation(), refit.proba_validation())
    idx = rng.integers(n_train, size=15)
    np.testing.assert_array_equal(exact.proba_training(idx), refit.proba_training(idx))


def _random_walk(X, y, X_val, estimator, seed, steps, pick_alpha):
    """Feed both updaters the same random adds and compare after each one (and after resets)."""
    rng = np.random.default_rng(seed)
    refit = RefitUpdater(estimator, X, y, X_val)
    exact = ExactKNNUpdater(estimator, X, y, X_val)
    _assert_same(refit, exact, rng, len(X))
    for episode in range(2):
        refit.reset(), exact.reset()
        _assert_same(refit, exact, rng, len(X))
        for _ in range(steps):
            i, j = rng.integers(len(X), size=2)
            alpha = pick_alpha(rng)
            x = alpha * X[i] + (1 - alpha) * X[j]
            label, copies = int(rng.integers(2)), int(rng.integers(1, 5))
            refit.add(x, label, copies), exact.add(x, label, copies)
            _assert_same(refit, exact, rng, len(X))
        probe = rng.normal(size=(9, X.shape[1]))
        np.testing.assert_array_equal(exact.predict_proba(probe), refit.predict_proba(probe))


@pytest.mark.parametrize("seed,algorithm,n_features",
                         [(0, "auto", 2), (1, "auto", 2), (2, "auto", 5), (3, "brute", 2),
                          (4, "brute", 20), (5, "auto", 40)])  # 40: the matrix-product search
def test_exact_knn_matches_refit_on_continuous_data(seed, algorithm, n_features):
    X, y = make_diverse_minorities(n_samples=300, n_features=n_features, random_state=seed)
    X_tr, y_tr, X_val = _split(X, y, 60)
    _random_walk(X_tr, y_tr, X_val, KNeighborsClassifier(n_neighbors=5, algorithm=algorithm),
                 seed, steps=15, pick_alpha=lambda rng: rng.uniform())


def _rule_reference(X_fit, y_fit, Q, k):
    """The documented tie rule by brute force: the k smallest (squared distance, fit index),
    distances summed feature by feature. Returns P(y=1) per row and the ambiguity mask: rows
    where points at exactly the k-th distance with different labels straddle position k."""
    d2 = np.zeros((len(Q), len(X_fit)))
    for j in range(Q.shape[1]):
        t = Q[:, None, j] - X_fit[None, :, j]
        d2 += t * t
    order = np.lexsort((np.broadcast_to(np.arange(len(X_fit)), d2.shape), d2))
    kth = np.take_along_axis(d2, order[:, k - 1:k], axis=1)
    p1 = y_fit[order[:, :k]].sum(axis=1) / k
    at_kth = d2 == kth
    mixed = np.where(at_kth, y_fit, 0).max(axis=1) > np.where(at_kth, y_fit, 1).min(axis=1)
    ambiguous = mixed & ((d2 <= kth).sum(axis=1) > k)
    return p1, ambiguous


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
@pytest.mark.parametrize("seed,n_features", [(0, 2), (1, 2), (2, 40)])
def test_exact_knn_under_planted_ties(seed, n_features, algorithm):
    # A 4 x 4 integer grid, each cell holding ~10 duplicated points of both labels; the
    # synthetic samples land on grid points or midpoints, exactly on existing distances, so
    # equal-distance points of both labels straddle the k-th neighbour. Exact-knn must follow
    # the documented rule on every row, and equal a refit scikit-learn KNN on every row where
    # the k nearest are unambiguous (at a straddling tie scikit-learn picks by its heap or
    # tree order, not by fit order: no fixed rule can match it there).
    # With 40 features (the matrix-product search of ExactKNNUpdater._nearest), the rows are
    # 16 binary corners, each duplicated about ten times.
    rng = np.random.default_rng(seed)
    k = 7
    if n_features == 2:
        X = rng.integers(0, 4, size=(160, 2)).astype(float)
        y = rng.integers(0, 2, size=160)
        X_val = rng.integers(0, 4, size=(40, 2)).astype(float)
    else:
        corners = rng.integers(0, 2, size=(16, n_features)).astype(float)
        X, y = corners[rng.integers(16, size=160)], rng.integers(0, 2, size=160)
        X_val = corners[rng.integers(16, size=40)]
    est = KNeighborsClassifier(n_neighbors=k, algorithm=algorithm)
    refit, exact = RefitUpdater(est, X, y, X_val), ExactKNNUpdater(est, X, y, X_val)
    rows, train_idx = np.vstack([X_val, X]), np.arange(len(X))
    n_ambiguous = 0
    for _ in range(2):
        refit.reset(), exact.reset()
        X_fit, y_fit = X, y
        for step in range(10):
            if step:
                i, j = rng.integers(len(X), size=2)
                x = X[i] + rng.choice([0.0, 0.5, 1.0]) * (X[j] - X[i])
                label, copies = int(rng.integers(2)), int(rng.integers(1, 5))
                refit.add(x, label, copies), exact.add(x, label, copies)
                X_fit = np.vstack([X_fit, np.repeat(x[None], copies, axis=0)])
                y_fit = np.concatenate([y_fit, np.full(copies, label)])
            got = np.vstack([exact.proba_validation(), exact.proba_training(train_idx)])
            want_p1, ambiguous = _rule_reference(X_fit, y_fit, rows, k)
            np.testing.assert_array_equal(got[:, 1], want_p1)
            sk = np.vstack([refit.proba_validation(), refit.proba_training(train_idx)])
            np.testing.assert_array_equal(got[~ambiguous], sk[~ambiguous])
            n_ambiguous += ambiguous.sum()
    assert n_ambiguous > 0  # the ties were really planted


def test_many_features_rank_by_a_checked_matrix_product(monkeypatch):
    # From BRUTE_MIN_FEATURES on, the first neighbours come from a matrix product whose rounded
    # distances only pick candidates; the kept sets must be the KD-tree's own, and rows the
    # product cannot vouch for (more equal distances than candidates) go to the tree.
    import mixann.updaters as updaters

    rng = np.random.default_rng(0)
    smooth = rng.random((300, 40))
    corners = rng.integers(0, 2, size=(4, 40)).astype(float)
    dupes = corners[rng.integers(4, size=300)]  # ~75 copies each: ties beyond any candidate set
    for X in (smooth, dupes):
        y = (rng.random(300) < 0.2).astype(int)
        est = KNeighborsClassifier(n_neighbors=10)
        fast = ExactKNNUpdater(est, X[60:], y[60:], X[:60])
        asked = []
        query = fast._tree.query
        monkeypatch.setattr(fast, "_tree", type("Spy", (), {
            "query": lambda self, Q, **kw: asked.append(len(Q)) or query(Q, **kw)})())
        fast._nearest(np.vstack([X[:60], X[60:]]), 11)
        with monkeypatch.context() as m:
            m.setattr(updaters, "BRUTE_MIN_FEATURES", 10 ** 9)
            tree = ExactKNNUpdater(est, X[60:], y[60:], X[:60])
        np.testing.assert_array_equal(fast._d2_0, tree._d2_0)
        np.testing.assert_array_equal(fast._lab_0, tree._lab_0)
        assert sum(asked) == (0 if X is smooth else 300)


def test_tie_rule_by_hand():
    # Training points at distance 1 from the validation row 0.0: label 0 at +1 (index 0),
    # label 1 at -1 (index 1). k = 1: the earlier-fitted point (index 0, label 0) wins.
    X, y = np.array([[1.0], [-1.0], [5.0]]), np.array([0, 1, 1])
    up = ExactKNNUpdater(KNeighborsClassifier(n_neighbors=1), X, y, np.array([[0.0]]))
    np.testing.assert_array_equal(up.proba_validation(), [[1.0, 0.0]])
    up.add(np.array([-1.0]), 1, copies=3)  # exactly at the k-th distance: does not enter
    np.testing.assert_array_equal(up.proba_validation(), [[1.0, 0.0]])
    up.add(np.array([0.5]), 1, copies=1)  # strictly closer: enters
    np.testing.assert_array_equal(up.proba_validation(), [[0.0, 1.0]])
    # A training row is its own neighbour at distance 0.
    np.testing.assert_array_equal(up.proba_training([2]), [[0.0, 1.0]])


def test_exact_knn_copies_push_out_the_latest_fitted_of_the_farthest():
    # k = 3; row 0.0 has neighbours at 1 (label 0), 2 (label 0, index 1), -2 (label 1, index 2).
    X, y = np.array([[1.0], [2.0], [-2.0], [9.0]]), np.array([0, 0, 1, 1])
    up = ExactKNNUpdater(KNeighborsClassifier(n_neighbors=3), X, y, np.array([[0.0]]))
    np.testing.assert_array_equal(up.proba_validation(), [[2 / 3, 1 / 3]])
    up.add(np.array([0.1]), 0, copies=1)  # drops index 2 (label 1), the later of the two at 2
    np.testing.assert_array_equal(up.proba_validation(), [[1.0, 0.0]])
    # -0.1 is as close as the copy at 0.1 (squared distance 0.01): the earlier copy ranks
    # first, the two new copies next, pushing out the points at 1 and 2.
    up.add(np.array([-0.1]), 1, copies=2)
    np.testing.assert_array_equal(up.proba_validation(), [[1 / 3, 2 / 3]])


def test_exact_knn_reset_restores_phi0():
    X, y = make_diverse_minorities(n_samples=300, random_state=3)
    X_tr, y_tr, X_val = _split(X, y, 60)
    up = ExactKNNUpdater(KNeighborsClassifier(n_neighbors=5), X_tr, y_tr, X_val)
    val0, train0 = up.proba_validation(), up.proba_training(np.arange(len(X_tr)))
    rng = np.random.default_rng(0)
    for _ in range(3):
        for _ in range(10):
            up.add(rng.normal(size=2) * 3, int(rng.integers(2)), int(rng.integers(1, 6)))
        assert not np.array_equal(up.proba_training(np.arange(len(X_tr))), train0)
        up.reset()
        np.testing.assert_array_equal(up.proba_validation(), val0)
        np.testing.assert_array_equal(up.proba_training(np.arange(len(X_tr))), train0)


def test_set_validation_rows_later():
    X, y = make_diverse_minorities(n_samples=200, random_state=4)
    X_tr, y_tr, X_val = _split(X, y, 40)
    late = ExactKNNUpdater(KNeighborsClassifier(n_neighbors=5), X_tr, y_tr)
    late.add(X_tr[0] + 0.01, 1, 2)
    late.set_validation(X_val)
    ref = RefitUpdater(KNeighborsClassifier(n_neighbors=5), X_tr, y_tr, X_val)
    ref.add(X_tr[0] + 0.01, 1, 2)
    np.testing.assert_array_equal(late.proba_validation(), ref.proba_validation())


@pytest.mark.parametrize("random_state", [0, 1])
def test_mixann_exact_knn_equals_refit(diverse, tiny, random_state):
    X, y = diverse
    runs = {}
    for update in ("refit", "exact-knn"):
        params = dict(tiny, n_episodes=4, max_steps_per_episode=8)
        sampler = MixAnN(update=update, random_state=random_state, **params)
        X_res, y_res = sampler.fit_resample(X, y)
        runs[update] = sampler, X_res, y_res
    (a, Xa, ya), (b, Xb, yb) = runs["refit"], runs["exact-knn"]
    assert len(a.history_["steps"]) > 4
    np.testing.assert_array_equal(a.synthetic_X_, b.synthetic_X_)
    np.testing.assert_array_equal(Xa, Xb)
    np.testing.assert_array_equal(ya, yb)
    assert a.history_ == b.history_


def test_auto_picks_exact_knn_for_knn_and_refit_otherwise():
    X, y = make_diverse_minorities(n_samples=200, random_state=0)
    X_tr, y_tr, X_val = _split(X, y, 40)
    pick = lambda est: type(make_updater("auto", est, X_tr, y_tr, X_val))  # noqa: E731
    assert pick(KNeighborsClassifier(n_neighbors=5)) is ExactKNNUpdater
    assert pick(KNeighborsClassifier(n_neighbors=5, metric="euclidean")) is ExactKNNUpdater
    assert pick(KNeighborsClassifier(n_neighbors=5, weights="distance")) is RefitUpdater
    assert pick(KNeighborsClassifier(n_neighbors=5, p=1)) is RefitUpdater
    assert pick(LogisticRegression()) is RefitUpdater
    assert UPDATE_NAMES == ("auto", "refit", "exact-knn", "warm-start")


@pytest.mark.parametrize("estimator", [KNeighborsClassifier(weights="distance"),
                                       KNeighborsClassifier(metric="manhattan"),
                                       LogisticRegression()])
def test_exact_knn_rejects_unsupported_estimators(estimator):
    X, y = make_diverse_minorities(n_samples=100, random_state=0)
    with pytest.raises(ValueError, match="exact-knn"):
        make_updater("exact-knn", estimator, X, y)


def test_exact_knn_weights_distance_error_through_mixann(diverse, tiny):
    X, y = diverse
    sampler = MixAnN(KNeighborsClassifier(weights="distance"), update="exact-knn", **tiny)
    with pytest.raises(ValueError, match="weights='distance'"):
        sampler.fit_resample(X, y)


def test_unknown_update_name():
    X, y = make_diverse_minorities(n_samples=100, random_state=0)
    with pytest.raises(ValueError, match="update must be one of"):
        make_updater("fast", KNeighborsClassifier(), X, y)


# ---------------------------------------------------------------------- warm start
def _f1_gap(estimator, seed=0, steps=10):
    X, y = make_diverse_minorities(n_samples=400, random_state=seed)
    X_tr, y_tr, X_val = _split(X, y, 100)
    y_val = y[:100]
    rng = np.random.default_rng(seed)
    refit = RefitUpdater(estimator, X_tr, y_tr, X_val)
    warm = WarmStartUpdater(estimator, X_tr, y_tr, X_val)
    gaps = []
    for _ in range(steps):
        i, j = rng.integers(len(X_tr), size=2)
        x, label, copies = (X_tr[i] + X_tr[j]) / 2, int(rng.integers(2)), int(rng.integers(1, 6))
        refit.add(x, label, copies), warm.add(x, label, copies)
        gaps.append(abs(score_proba("f1_macro", refit.proba_validation(), y_val)
                        - score_proba("f1_macro", warm.proba_validation(), y_val)))
    moved = warm.proba_validation()
    refit.reset(), warm.reset()
    phi0 = refit.proba_validation()
    assert not np.array_equal(moved, phi0)  # warm start did train on the samples
    np.testing.assert_array_equal(warm.proba_validation(), phi0)  # reset returns to phi_0
    return np.array(gaps)


# Tolerance on this small problem; the figures on vowels are in WarmStartUpdater's docstring.
WARM_START_F1_TOL = 0.15


def test_warm_start_mlp_stays_close_to_refit():
    mlp = MLPClassifier(hidden_layer_sizes=(16,), max_iter=200, random_state=0)
    with _no_warning_check():
        gaps = _f1_gap(mlp)
    assert gaps.max() <= WARM_START_F1_TOL, gaps


def test_warm_start_xgboost_stays_close_to_refit():
    xgboost = pytest.importorskip("xgboost")
    est = xgboost.XGBClassifier(n_estimators=30, max_depth=3, n_jobs=1, random_state=0,
                                verbosity=0)
    gaps = _f1_gap(est)
    assert gaps.max() <= WARM_START_F1_TOL, gaps


def test_warm_start_through_mixann(diverse, tiny):
    X, y = diverse
    mlp = MLPClassifier(hidden_layer_sizes=(16,), max_iter=100, random_state=0)
    a = MixAnN(mlp, update="warm-start", random_state=0, **tiny)
    b = MixAnN(mlp, update="warm-start", random_state=0, **tiny)
    with _no_warning_check():
        a.fit_resample(X, y), b.fit_resample(X, y)
    assert a.history_ == b.history_  # seeded replay: reproducible


def test_warm_start_rejects_estimators_without_partial_fit():
    X, y = make_diverse_minorities(n_samples=100, random_state=0)
    with pytest.raises(ValueError, match="partial_fit"):
        make_updater("warm-start", KNeighborsClassifier(), X, y)


def _no_warning_check():
    import warnings
    from contextlib import contextmanager

    @contextmanager
    def quiet():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # MLP convergence warnings on tiny budgets
            yield

    return quiet()


def test_knn_start_benchmark_reports_the_same_neighbours_and_rows(tmp_path, capsys):
    # benchmarks/knn_start.py on 40 features (the matrix product's side): the updater's start
    # and whole fits, KD-tree against product, must keep the same neighbours and rows.
    from conftest import load_benchmark

    X, y = make_diverse_minorities(n_samples=500, n_features=40, random_state=0)
    np.savez(tmp_path / "40_vowels.npz", X=X, y=y)
    load_benchmark("knn_start").main(["--datasets", "vowels", "--fit", "--data-dir",
                                      str(tmp_path)])
    rows = [line.split("|") for line in capsys.readouterr().out.splitlines()
            if line.startswith("| vowels |")]
    assert [r[4].strip() for r in rows] == ["start", "fit_resample (default)",
                                            "fit_resample (paper)"]
    assert all(r[3].strip() == "40" and r[8].strip() == "yes" for r in rows)


def test_tie_blocks_sized_by_points_give_the_same_neighbours(monkeypatch):
    # Twenty-second audit: 2048 rows a block took 3 GB where thousands of rows were identical;
    # blocks are now sized by the points their balls hold. One row a block (the smallest
    # size) and the default size must give every row the same neighbours.
    import mixann.updaters as updaters

    rng = np.random.default_rng(0)
    X = rng.integers(0, 3, size=(600, 2)).astype(float)  # nine points, ~67 copies each
    y = rng.integers(0, 2, size=600)
    X_val = rng.integers(0, 3, size=(50, 2)).astype(float)
    est = KNeighborsClassifier(n_neighbors=7)
    default = ExactKNNUpdater(est, X, y, X_val)
    monkeypatch.setattr(updaters, "TIE_BLOCK_POINTS", 1)
    one_row = ExactKNNUpdater(est, X, y, X_val)
    train_idx = np.arange(len(X))
    for a, b in [(default.proba_validation(), one_row.proba_validation()),
                 (default.proba_training(train_idx), one_row.proba_training(train_idx))]:
        np.testing.assert_array_equal(a, b)
    want_p1, ambiguous = _rule_reference(X, y, np.vstack([X_val, X]), 7)
    np.testing.assert_array_equal(np.concatenate([one_row.proba_validation()[:, 1],
                                                  one_row.proba_training(train_idx)[:, 1]]),
                                  want_p1)
    assert ambiguous.all()  # every row's k-th neighbour is tied


def _break_ties_before(up, Q, rows, d2, ind):
    """ExactKNNUpdater._break_ties as the twenty-second audit left it (a ball over every
    training point for every row, quadratic in duplicated rows), kept to compare with."""
    k, n = up.k, len(up.X_train)
    start, size = 0, 64
    while start < len(rows):
        block = rows[start:start + size]
        start += len(block)
        kth = d2[block].max(axis=1)
        inside = d2[block] < kth[:, None]
        slots = k - inside.sum(axis=1)
        found = up._tree.query_radius(Q[block], np.sqrt(kth) * (1 + 1e-9))
        owner = np.repeat(np.arange(len(block)), [len(f) for f in found])
        cand = np.concatenate(found)
        cd2 = np.zeros(len(cand))
        for j in range(Q.shape[1]):
            t = Q[block, j][owner] - up.X_train[cand, j]
            cd2 += t * t
        tie = cd2 == kth[owner]
        key = np.sort(owner[tie].astype(np.int64) * n + cand[tie])
        tie_owner, tie_cand = key // n, key % n
        first = np.searchsorted(tie_owner, np.arange(len(block)))
        n_tie = np.bincount(tie_owner, minlength=len(block))
        ok = n_tie >= slots
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
        size = int(np.clip(2 ** 22 * len(block) // max(len(cand), 1), 1, 2048))


def _start_neighbours(up, Q, break_ties):
    """The start's k nearest (squared distances, training indices) of each ``Q`` row, sorted
    by (distance, index), with ``break_ties`` resolving the ambiguous rows; and those rows."""
    from mixann.updaters import _lexsort_rows, rdist_rows

    k = up.k
    found = up._nearest(Q, k + 1)
    found_d2 = rdist_rows(Q, up.X_train, found)
    rows = np.flatnonzero(found_d2[:, k] <= found_d2[:, k - 1])
    d2, ind = found_d2[:, :k].copy(), found[:, :k].copy()
    break_ties(Q, rows, d2, ind)
    order = _lexsort_rows(d2, ind)
    return np.take_along_axis(d2, order, axis=1), np.take_along_axis(ind, order, axis=1), rows


def _planted_duplicates(case, rng):
    """Training and validation rows with many duplicates: one point, a big cluster with
    distinct rows around it at equal distances, duplicated lattice points, binary corners."""
    if case == "identical":
        X, X_val = np.ones((900, 2)), np.ones((100, 2))
    elif case == "cluster":
        # 500 copies of the origin; lattice points at distance 1, 2, sqrt 2 ... with one to
        # three copies each, so that their k-th neighbour lies in the big cluster and every
        # ball holds its 500 copies; the rows interleaved, so fit order is not row order.
        lattice = np.array([[a, b] for a in range(-2, 3) for b in range(-2, 3) if a or b], float)
        X = np.vstack([np.zeros((500, 2)), np.repeat(lattice, rng.integers(1, 4, len(lattice)),
                                                     axis=0)])
        X = X[rng.permutation(len(X))]
        X_val = np.vstack([lattice, np.zeros((5, 2)), rng.normal(size=(10, 2))])
    elif case == "groups":
        X = rng.integers(0, 3, size=(700, 3)).astype(float)  # 27 points, ~26 copies each
        X_val = rng.integers(0, 3, size=(60, 3)).astype(float)
    else:  # "corners", 40 features: the matrix-product search finds the first neighbours
        corners = rng.integers(0, 2, size=(6, 40)).astype(float)
        X = corners[rng.integers(6, size=500)]
        X_val = np.vstack([corners[rng.integers(6, size=30)], rng.random((5, 40))])
    return X, rng.integers(0, 2, size=len(X)), X_val


@pytest.mark.parametrize("case", ["identical", "cluster", "groups", "corners"])
def test_tie_breaking_once_per_distinct_row_keeps_the_same_neighbours(case, monkeypatch):
    # Left by the twenty-second audit: duplicated rows are now resolved once per distinct row,
    # over the distinct training points (20,000 identical rows took 62 s). Every row's chosen
    # neighbours (training indices, not only labels) must be those of the implementation
    # before and of a brute-force reference of the rule, with the default blocks and with one
    # row a block; and the updater's state must be the same bytes.
    import mixann.updaters as updaters

    rng = np.random.default_rng(["identical", "cluster", "groups", "corners"].index(case))
    X, y, X_val = _planted_duplicates(case, rng)
    k = 7
    up = ExactKNNUpdater(KNeighborsClassifier(n_neighbors=k), X, y, X_val)
    Q = np.vstack([X_val, X])
    d2_ref = np.zeros((len(Q), len(X)))
    for j in range(Q.shape[1]):  # feature by feature, as the tree sums
        t = Q[:, None, j] - X[None, :, j]
        d2_ref += t * t
    order = np.lexsort((np.broadcast_to(np.arange(len(X)), d2_ref.shape), d2_ref))[:, :k]
    before = _start_neighbours(up, Q, lambda *a: _break_ties_before(up, *a))
    assert len(before[2]) > len(Q) // 2  # most rows really are ambiguous
    for tie_block_points in (updaters.TIE_BLOCK_POINTS, 1):
        monkeypatch.setattr(updaters, "TIE_BLOCK_POINTS", tie_block_points)
        now = _start_neighbours(up, Q, up._break_ties)
        np.testing.assert_array_equal(now[1], order)
        np.testing.assert_array_equal(now[0], np.take_along_axis(d2_ref, order, axis=1))
        for a, b in zip(now, before):
            np.testing.assert_array_equal(a, b)
        again = ExactKNNUpdater(KNeighborsClassifier(n_neighbors=k), X, y, X_val)
        np.testing.assert_array_equal(again._d2_0, np.take_along_axis(d2_ref, order, axis=1))
        np.testing.assert_array_equal(again._lab_0, (y[order] == 1).astype(np.int8))


def test_verbose_start_shows_a_bar_over_its_rows(monkeypatch, capsys):
    # Left by the twenty-second audit: 300,000 rows in 10 dimensions spent about 250 s in the
    # updater's start before the episodes' bar, showing nothing. With verbose and more rows
    # than one block, a bar on stderr counts the rows; the state is the same as without it.
    import re

    import mixann.updaters as updaters

    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    est = KNeighborsClassifier(n_neighbors=5)
    quiet = make_updater("exact-knn", est, X[60:], y[60:], X[:60])
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(updaters, "START_BLOCK_ROWS", 100)
    shown = make_updater("exact-knn", est, X[60:], y[60:], X[:60], verbose=True)
    captured = capsys.readouterr()
    assert re.search(r"exact-KNN start, rows\W+300/300", captured.err) and captured.out == ""
    np.testing.assert_array_equal(shown._d2_0, quiet._d2_0)
    np.testing.assert_array_equal(shown._lab_0, quiet._lab_0)
    monkeypatch.setattr(updaters, "START_BLOCK_ROWS", 300)  # one block: no bar
    make_updater("exact-knn", est, X[60:], y[60:], X[:60], verbose=True)
    assert capsys.readouterr().err == ""
