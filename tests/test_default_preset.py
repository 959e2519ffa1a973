"""The default preset's parts: minority mix, batched action scaling, rollout, volume search."""

import numpy as np
import pytest
from conftest import (check_beta_mix_rows, check_rule_by_name, eight_anomalies,
                      few_anomalies, fit_fixed_pick)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.tree import DecisionTreeClassifier
from xgboost import XGBClassifier, XGBRFClassifier

from mixann import MixAnN
from mixann.ddpg import scale_action
from mixann.mixup import minority_mix
from mixann.rollout import (beta_mix, copies, landing_ratio, off_majority, rollout,
                            scale_actions, spread, spread_off_majority, swap)
from mixann.sampler import default_mix_kinds, default_n_draws
from mixann.selection import kind_streams, minority_volumes, select_volume, volume_target
from mixann.updaters import resolve_update


def test_minority_mix_hand_computed():
    # x0 majority (0, 0), x1 minority (1, 2); alpha 0.5, eta 0.3 -> a = 1 - 0.7 * 0.5 = 0.65
    x_syn, a, first = minority_mix([0.0, 0.0], 0, [1.0, 2.0], 1, alpha=0.5, eta=0.3)
    assert a == pytest.approx(0.65) and not first
    np.testing.assert_allclose(x_syn, [0.65 * 1 + 0.35 * 0, 0.65 * 2 + 0.35 * 0])
    # alpha 0 copies the minority point, alpha 1 goes 1 - eta of the way to the majority one
    assert minority_mix([4.0], 1, [0.0], 0, alpha=0.0, eta=0.3)[0] == pytest.approx([4.0])
    assert minority_mix([4.0], 1, [0.0], 0, alpha=1.0, eta=0.3)[0] == pytest.approx([1.2])
    # row-wise
    x, a, first = minority_mix(np.array([[0.0], [1.0]]), np.array([1, 0]),
                               np.array([[2.0], [3.0]]), np.array([0, 1]),
                               np.array([0.0, 1.0]), 0.3)
    np.testing.assert_allclose(x[:, 0], [0.0, 0.3 * 3 + 0.7 * 1])
    np.testing.assert_array_equal(first, [True, False])


def test_scale_actions_matches_scale_action():
    rng = np.random.default_rng(0)
    units = rng.uniform(size=(50, 4))
    units[:3] = [[0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0], [0.05, 0.5, 0.3, 0.5]]
    k, alpha, n, eps = scale_actions(units, max_neighbors=10, max_oversample=5)
    for i, u in enumerate(units):
        a = scale_action(u, 10, 5)
        assert (k[i], alpha[i], n[i], eps[i]) == (a.k, a.alpha, a.n, a.eps)
    with pytest.raises(ValueError, match="shape"):
        scale_actions(np.zeros(4), 10, 5)


def _blobs(seed=0):
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(0, 1, (120, 2)), rng.normal(2, 0.5, (12, 2))])
    y = np.array([0] * 120 + [1] * 12)
    return X, y


def _policy(value):
    return lambda states: np.tile(np.asarray(value, dtype=float), (len(states), 1))


def _roll(X, y, n, policy, seed=0, **kw):
    params = dict(z_transform=lambda A: A, max_neighbors=5, max_oversample=3, eta=0.3,
                  max_steps=4, noise=0.5, rng=np.random.default_rng(seed), kind="boundary")
    params.update(kw)
    return rollout(policy, X, y, n, **params)


def test_rollout_minority_rows_and_invariant():
    X, y = _blobs()
    out = _roll(X, y, 100, _policy([0.0, 0.0, 0.0, -2.0]))
    assert np.all(out.y == 1)
    assert 100 <= len(out) < 100 + 3  # stops in the round that reaches the target
    i0, i1 = out.sources.T
    assert np.all(y[i0] == 1) and np.all(y[i1] == 0)
    np.testing.assert_allclose(out.X, out.alpha[:, None] * X[i0] + (1 - out.alpha[:, None]) * X[i1])
    assert np.all((out.alpha >= 0.3) & (out.alpha <= 1))


def test_rollout_longer_extends_shorter_and_is_seeded():
    X, y = _blobs()
    short = _roll(X, y, 30, _policy([0.0, 0.0, 0.0, -2.0]), seed=4)
    long = _roll(X, y, 90, _policy([0.0, 0.0, 0.0, -2.0]), seed=4)
    np.testing.assert_array_equal(long.head(30).X, short.X)
    again = _roll(X, y, 90, _policy([0.0, 0.0, 0.0, -2.0]), seed=4)
    assert again.X.tobytes() == long.X.tobytes()
    assert _roll(X, y, 0, _policy([0.0] * 4)).X.shape == (0, 2)


def test_rollout_paper_mix_stops_when_no_minority_label_comes():
    # With Eq. 1-2 and alpha -> 0, a minority anchor's sample takes its majority partner's
    # label: the target may never be met, and max_rounds must end the loop.
    X, y = _blobs()
    out = _roll(X, y, 10_000, _policy([0.0, -30.0, 0.0, 30.0]), noise=0.0,
                kind="paper", max_rounds=5)
    assert len(out) <= 5 * 12 * 3
    np.testing.assert_array_equal(out.y, np.where(out.alpha >= 0.3, y[out.sources[:, 0]],
                                                  y[out.sources[:, 1]]))


def test_rollout_interior_mixes_minority_neighbours():
    X, y = _blobs()
    out = _roll(X, y, 60, _policy([0.0, 0.0, 0.0, -2.0]), kind="interior", max_neighbors=3)
    i0, i1 = out.sources.T
    assert np.all(out.y == 1) and np.all(y[i0] == 1) and np.all(y[i1] == 1) and np.all(i0 != i1)
    np.testing.assert_allclose(out.X, out.alpha[:, None] * X[i0] + (1 - out.alpha[:, None]) * X[i1])
    # the partner is among the 3 nearest other minority points of x0
    minority = np.flatnonzero(y == 1)
    for a, b in zip(i0, i1):
        d = np.linalg.norm(X[minority] - X[a], axis=1)
        others = minority[np.argsort(d)][1:4]
        assert b in others
    with pytest.raises(ValueError, match="kind"):
        _roll(X, y, 10, _policy([0.0] * 4), kind="smote")


def test_spread_midpoints_of_any_two_minority_points():
    X, y = _blobs()
    X[-6:] += 10.0  # two far-apart minority clusters of 6
    out = spread(X, y, 300, np.random.default_rng(0))
    i0, i1 = out.sources.T
    assert len(out) == 300 and np.all(out.y == 1) and np.all(out.alpha == 0.5)
    assert np.all(y[i0] == 1) and np.all(y[i1] == 1) and np.all(i0 != i1)
    np.testing.assert_allclose(out.X, (X[i0] + X[i1]) / 2)
    # partners come from the whole minority: pairs cross the clusters about half the time
    # (6 * 6 of the 12 * 11 / 2 pairs), which "interior" with k = 3 never does
    cross = (i0 >= len(y) - 6) != (i1 >= len(y) - 6)
    assert 0.35 < cross.mean() < 0.75
    near = _roll(X, y, 300, _policy([0.0, 0.0, 0.0, -2.0]), kind="interior", max_neighbors=3)
    assert not ((near.sources[:, 0] >= len(y) - 6) != (near.sources[:, 1] >= len(y) - 6)).any()
    again = spread(X, y, 300, np.random.default_rng(0))
    assert again.X.tobytes() == out.X.tobytes()
    assert len(spread(X, y, 0, np.random.default_rng(0))) == 0
    assert len(spread(X, np.array([0] * (len(y) - 1) + [1]), 5, np.random.default_rng(0))) == 0


def test_swap_takes_each_feature_from_one_row_of_a_spread_pair():
    rng = np.random.default_rng(3)
    X = rng.random((40, 6))
    y = (np.arange(40) < 8).astype(int)
    out = swap(X, y, 500, np.random.default_rng(1))
    # The pairs are spread's own draws for the same seed.
    assert np.array_equal(out.sources, spread(X, y, 500, np.random.default_rng(1)).sources)
    a, b = X[out.sources[:, 0]], X[out.sources[:, 1]]
    from_a, from_b = out.X == a, out.X == b
    assert np.all(from_a | from_b)  # every feature is one of the pair's, never between
    assert np.allclose(out.alpha, from_a.mean(axis=1))  # random rows share no value
    assert 0.45 < from_a.mean() < 0.55  # each row of the pair about half the time
    assert np.all(out.y == 1) and np.all(y[out.sources] == 1)
    # Unlike a midpoint, a crossover keeps each feature's spread over the minority.
    minority = X[y == 1]
    mid = spread(X, y, 500, np.random.default_rng(1)).X
    assert np.all(out.X.std(axis=0) > 0.85 * minority.std(axis=0))
    assert np.all(mid.std(axis=0) < 0.85 * minority.std(axis=0))
    again = swap(X, y, 500, np.random.default_rng(1))
    assert again.X.tobytes() == out.X.tobytes()
    assert len(swap(X, y, 0, rng)) == 0
    assert len(swap(X, np.array([0] * 39 + [1]), 5, rng)) == 0


def test_off_majority_keeps_the_samples_nearest_an_anomaly_first():
    # Anomalies at 0, 2, 10 and a majority row at 6: the midpoints are 1 (anomalies at 1,
    # the majority row at 5: ratio 0.2), 5 (the anomaly at 2 is 3 away, the majority row 1:
    # 3.0) and 6 (on the majority row: inf).
    X = np.array([[0.0], [2.0], [10.0], [6.0]])
    y = np.array([1, 1, 1, 0])
    ratio = landing_ratio(X, y, np.array([[1.0], [5.0], [6.0]]))
    assert ratio.tolist() == [0.2, 3.0, np.inf]
    assert landing_ratio(X[:3], y[:3], np.array([[1.0]])).tolist() == [0.0]
    # Four times the rows are drawn with spread's own stream: the passing ones (midpoint 1)
    # first, in the order drawn, then the others from the least inside the majority.
    for n, pool in [(2, 4), (6, 1)]:   # enough pass; too few pass, the rest fill in
        drawn = spread(X, y, n * pool, np.random.default_rng(5)).X[:, 0]
        kept = off_majority(spread, pool)(X, y, n, np.random.default_rng(5))
        expected = np.concatenate([drawn[drawn == 1.0], np.sort(drawn[drawn != 1.0])])[:n]
        assert kept.X[:, 0].tolist() == expected.tolist()
    assert kept.X[:, 0].tolist()[-1] == 6.0   # the fill reached the majority row itself
    # Many rows: every kept one passes; swap's crossovers too.
    big = off_majority(swap)(X, y, 50, np.random.default_rng(0))
    assert len(big) == 50 and np.all(landing_ratio(X, y, big.X) <= 1)
    assert spread_off_majority(X, y, 0, None).X.shape == (0, 1)
    # A looser limit lets the midpoint 5 (ratio 3.0) pass as well, in the order drawn; the one
    # on the majority row (inf) still comes last.
    drawn = spread(X, y, 24, np.random.default_rng(5)).X[:, 0]
    loose = off_majority(spread, 4, limit=3.0)(X, y, 6, np.random.default_rng(5)).X[:, 0]
    assert loose.tolist() == drawn[drawn != 6.0][:6].tolist()
    assert 5.0 in loose and off_majority(spread, 4, limit=2.9)(X, y, 6, np.random.default_rng(
        5)).X[:, 0].tolist() == np.concatenate([drawn[drawn == 1.0], [5.0] * 6])[:6].tolist()


def test_passing_first_and_take_keep_the_order_drawn():
    from mixann.rollout import Rollout, passing_first

    # Rows 1 and 4 pass (kept in the order drawn); the others follow by shortfall 0.5, 1, 3;
    # equal shortfalls (rows 0 and 3, 3.0) keep their drawn order too.
    passes = np.array([False, True, False, False, True, False])
    shortfall = np.array([3.0, 0.0, 1.0, 3.0, 0.0, 0.5])
    assert passing_first(passes, shortfall, 6).tolist() == [1, 4, 5, 2, 0, 3]
    assert passing_first(passes, shortfall, 2).tolist() == [1, 4]
    out = Rollout(np.arange(12.0).reshape(6, 2), np.ones(6, dtype=int),
                  np.arange(12).reshape(6, 2), np.linspace(0, 1, 6))
    taken = out.take([4, 1])
    assert taken.X.tolist() == [[8.0, 9.0], [2.0, 3.0]]
    assert taken.sources.tolist() == [[8, 9], [2, 3]] and taken.alpha.tolist() == [0.8, 0.2]
    assert out.head(3).X.tobytes() == out.take(slice(3)).X.tobytes() == out.X[:3].tobytes()


def test_copies_use_every_minority_row_equally_often():
    X, y = _blobs()
    minority = np.flatnonzero(y == 1)
    out = copies(X, y, 2 * len(minority) + 3, np.random.default_rng(0))
    assert len(out) == 2 * len(minority) + 3 and np.all(out.y == 1) and np.all(out.alpha == 1)
    np.testing.assert_array_equal(out.sources[:, 0], out.sources[:, 1])
    np.testing.assert_array_equal(out.X, X[out.sources[:, 0]])
    counts = np.bincount(out.sources[:, 0], minlength=len(y))[minority]
    assert counts.min() == 2 and counts.max() == 3 and np.sum(counts == 3) == 3
    # a prefix is a weight: the first pass holds every minority row once
    assert sorted(out.head(len(minority)).sources[:, 0]) == sorted(minority)
    again = copies(X, y, 2 * len(minority) + 3, np.random.default_rng(0))
    assert again.X.tobytes() == out.X.tobytes()
    assert len(copies(X, y, 0, np.random.default_rng(0))) == 0
    assert len(copies(X, np.zeros(len(y), dtype=int), 5, np.random.default_rng(0))) == 0


def test_volume_target_hand_computed():
    y = np.array([0] * 90 + [1] * 10)
    assert [volume_target(v, y) for v in (0, 0.1, 0.5, 1.0)] == [0, 8, 40, 80]


def _two_minority_clusters():
    # Scattered minority points: a 10-NN vote never predicts them without augmentation.
    rng = np.random.default_rng(1)
    X = np.vstack([rng.uniform(0, 1, (300, 2)), rng.normal(0.5, 0.02, (20, 2))])
    X[300:310] += 0.3  # a second minority cluster
    return X, np.array([0] * 300 + [1] * 20), rng


def _rollout_generator(kind):
    # select_volume's generate(X_part, y_part, n_minority, rng), for a fixed policy.
    policy = _policy([0.0, -3.0, 0.0, -2.0])

    def gen(Xp, yp, n, g):
        return rollout(policy, Xp, yp, n, z_transform=lambda A: A, max_neighbors=5,
                       max_oversample=3, eta=0.3, max_steps=4, noise=0.3, rng=g, kind=kind)
    return gen


def test_select_volume_picks_augmentation_when_it_helps_and_none_when_not():
    X, y, rng = _two_minority_clusters()
    knn = KNeighborsClassifier(n_neighbors=10)
    gens = {"boundary": _rollout_generator("boundary")}
    best, scores = select_volume(gens, knn, X[::2], y[::2], X[1::2], y[1::2], (0.0, 0.1, 0.5),
                                 n_splits=3, n_repeats=2, metric="f1_macro", seed=0)
    assert set(scores) == {(None, 0.0), ("boundary", 0.1), ("boundary", 0.5)}
    assert best[1] > 0 and scores[best][0] > scores[(None, 0.0)][0]
    assert scores[best][0] == max(v[0] for v in scores.values())
    again = select_volume(gens, knn, X[::2], y[::2], X[1::2], y[1::2], (0.0, 0.1, 0.5),
                          n_splits=3, n_repeats=2, metric="f1_macro", seed=0)
    assert again == (best, scores)
    # one-se: the smallest volume within one standard error of the best
    chosen, _ = select_volume(gens, knn, X[::2], y[::2], X[1::2], y[1::2], (0.0, 0.1, 0.5),
                              n_splits=3, n_repeats=2, metric="f1_macro", seed=0, one_se=True)
    floor = scores[best][0] - scores[best][1]
    assert scores[chosen][0] >= floor
    assert all(c[1] >= chosen[1] for c, (sc, _) in scores.items() if sc >= floor)
    # Far-apart classes: every volume ties at a perfect score; the tie goes to volume 0.
    Xs = np.vstack([rng.normal(0, 0.1, (100, 2)), rng.normal(10, 0.1, (20, 2))])
    ys = np.array([0] * 100 + [1] * 20)
    best, scores = select_volume(gens, knn, Xs[::2], ys[::2], Xs[1::2], ys[1::2], (0.0, 0.5),
                                 n_splits=3, n_repeats=1, metric="f1_macro", seed=0)
    assert scores[(None, 0.0)][0] == 1.0 and best == (None, 0.0)


def test_kind_streams_depend_on_the_seed_and_the_kinds_name_only():
    both = kind_streams(["spread", "swap"], seed=3)
    alone = kind_streams(["swap"], seed=3)
    first = both["swap"].random(4)
    assert np.array_equal(first, alone["swap"].random(4))  # the other kind does not matter
    assert not np.array_equal(first, kind_streams(["swap"], seed=4)["swap"].random(4))
    assert not np.array_equal(first, kind_streams(["spread"], seed=3)["spread"].random(4))


def test_a_kind_added_to_the_search_leaves_the_other_kinds_scores():
    # With one stream shared by every kind, a new kind redrew the others' rollouts (and moved
    # XGBoost's chosen volume where the new kind was never chosen): each kind has its own now.
    X, y, _ = _two_minority_clusters()
    knn = KNeighborsClassifier(n_neighbors=10)
    args = (knn, X[::2], y[::2], X[1::2], y[1::2], (0.0, 0.1, 0.5))
    kw = dict(n_splits=3, n_repeats=2, metric="f1_macro", seed=0)
    _, alone = select_volume({"interior": _rollout_generator("interior")}, *args, **kw)
    _, both = select_volume({"boundary": _rollout_generator("boundary"),
                             "interior": _rollout_generator("interior")}, *args, **kw)
    assert {c: s for c, s in both.items() if c[0] != "boundary"} == alone
    assert set(both) - set(alone) == {("boundary", 0.1), ("boundary", 0.5)}


def test_resolve_update():
    assert resolve_update("auto", KNeighborsClassifier()) == "exact-knn"
    assert resolve_update("auto", XGBClassifier()) == "refit"
    assert resolve_update("auto", XGBClassifier(), prefer_warm_start=True) == "warm-start"
    assert resolve_update("auto", MLPClassifier(), prefer_warm_start=True) == "warm-start"
    assert resolve_update("auto", DecisionTreeClassifier(), prefer_warm_start=True) == "refit"
    assert resolve_update("refit", KNeighborsClassifier()) == "refit"


@pytest.mark.parametrize("volumes", [(), (-0.1,), (float("nan"),), ("lots",)])
def test_bad_volumes_are_clear_errors(diverse, tiny, volumes):
    X, y = diverse
    with pytest.raises(ValueError, match="volumes"):
        MixAnN(**{**tiny, "volumes": volumes}).fit_resample(X, y)


@pytest.mark.parametrize("multiples", [(0,), (-1,), (float("inf"),), ("lots",), 3])
def test_bad_minority_multiples_are_clear_errors(diverse, tiny, multiples):
    X, y = diverse
    with pytest.raises(ValueError, match="minority_multiples"):
        MixAnN(**{**tiny, "minority_multiples": multiples}).fit_resample(X, y)


def test_minority_volumes_hand_computed():
    y = np.array([0] * 2010 + [1] * 10)  # gap 2000, minority 10
    assert minority_volumes((1, 2, 5, 10), y, below=0.02) == [0.005, 0.01]
    assert minority_volumes((1, 4, 2), y, below=1.0) == [0.005, 0.01, 0.02]  # sorted
    assert minority_volumes((1,), y, below=0.005) == []  # strictly below
    assert minority_volumes((1,), np.array([0] * 5 + [1] * 5), below=1.0) == []  # no gap
    assert minority_volumes((1,), np.zeros(9), below=1.0) == []  # no minority


def test_minority_multiples_add_candidates_only_under_extreme_imbalance(tiny):
    # 2,000 majority rows, 12 anomalies: one minority count is 0.006 of the gap, under the
    # grid's smallest volume 0.25, so 1x and 2x (and 20x = 0.12) are candidates too.
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (2000, 2)), rng.normal(3, 0.3, (12, 2))])
    y = np.array([0] * 2000 + [1] * 12)
    # selection_rule="best": with 12 anomalies "auto" would skip the search (row 88).
    params = {**tiny, "minority_multiples": (1, 2, 20), "random_state": 0,
              "selection_rule": "best"}
    sampler = MixAnN(**params)
    sampler.fit_resample(X, y)
    # Every candidate scored: on every fold, or only on the first ones where KNN's default
    # pruned it (row 95).
    scored = sampler.history_["candidates"] + sampler.history_["pruned"]
    volumes = sorted({c["volume"] for c in scored})
    assert volumes == pytest.approx([0.0, 12 / 1988, 24 / 1988, 240 / 1988, 0.25, 1.0])
    assert {c["kind"] for c in scored if 0 < c["volume"] < 0.25} == {"boundary", "spread"}
    # Without them, the grid of gap shares alone.
    plain = MixAnN(**{**params, "minority_multiples": ()})
    plain.fit_resample(X, y)
    scored = plain.history_["candidates"] + plain.history_["pruned"]
    assert sorted({c["volume"] for c in scored}) == [0.0, 0.25, 1.0]


def test_auto_kinds_add_swap_and_off_majority_for_xgboost_trees_only():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    plain = ("boundary", "spread")
    assert default_mix_kinds(KNeighborsClassifier()) == plain
    assert default_mix_kinds(MLPClassifier()) == plain
    # Measured for XGBoost's trees only (row 53): not for other trees or the linear booster.
    assert default_mix_kinds(DecisionTreeClassifier()) == plain
    assert default_mix_kinds(XGBClassifier(booster="gblinear")) == plain
    assert default_mix_kinds(XGBRFClassifier()) == plain  # a subclass of XGBClassifier

    class TunedXGB(XGBClassifier):  # a user's subclass keeps XGBoost's kinds
        pass

    trees = (*plain, "swap", "spread-off-majority", "beta-mix")
    assert default_mix_kinds(TunedXGB()) == trees
    for model in (XGBClassifier(), XGBClassifier(booster="gbtree"), XGBClassifier(booster="dart"),
                  make_pipeline(StandardScaler(), XGBClassifier())):
        assert default_mix_kinds(model) == trees


def test_auto_kinds_are_what_the_sampler_scores(diverse, tiny):
    X, y = diverse
    xgb = XGBClassifier(n_estimators=10, max_depth=2, n_jobs=1)
    sampler = MixAnN(xgb, random_state=0, guard=False, **tiny)
    sampler.fit_resample(X, y)
    assert sampler.mix_kinds == "auto"  # the parameter is left as given (sklearn's rule)
    assert sampler.mix_kinds_ == ["boundary", "spread", "swap", "spread-off-majority", "beta-mix"]
    # Every kind was scored: on every fold (candidates) or, pruned, on the first folds.
    scored = sampler.history_["candidates"] + sampler.history_["pruned"]
    assert {c["kind"] for c in scored} == set(sampler.mix_kinds_)
    # "auto" given explicitly and the resolved list give the same bytes
    listed = MixAnN(xgb, random_state=0, guard=False,
                    **{**tiny, "mix_kinds": ("boundary", "spread", "swap",
                                             "spread-off-majority", "beta-mix")})
    listed.fit_resample(X, y)
    assert listed.synthetic_X_.tobytes() == sampler.synthetic_X_.tobytes()
    knn = MixAnN(random_state=0, guard=False, **tiny)
    knn.fit_resample(X, y)
    assert knn.mix_kinds_ == ["boundary", "spread"]


@pytest.mark.parametrize("kinds", [(), ("smote",), "nope"])
def test_bad_mix_kinds_are_clear_errors(diverse, tiny, kinds):
    X, y = diverse
    with pytest.raises(ValueError, match="mix_kinds must be \"auto\", one kind or a non-empty list"):
        MixAnN(**{**tiny, "mix_kinds": kinds}).fit_resample(X, y)


def test_unknown_preset_is_a_clear_error(diverse, tiny):
    X, y = diverse
    with pytest.raises(ValueError, match="preset"):
        MixAnN(**{**tiny, "preset": "fast"}).fit_resample(X, y)


def test_presets_differ_and_paper_ignores_volumes(diverse, tiny):
    X, y = diverse
    paper = MixAnN(random_state=0, guard=False, **{**tiny, "preset": "paper"})
    paper2 = MixAnN(random_state=0, guard=False, **{**tiny, "preset": "paper",
                                                    "volumes": (0.5,)})
    paper.fit_resample(X, y), paper2.fit_resample(X, y)
    assert paper.synthetic_X_.tobytes() == paper2.synthetic_X_.tobytes()
    assert "volume" not in paper.history_
    default = MixAnN(random_state=0, guard=False, **tiny)
    default.fit_resample(X, y)
    assert default.history_["volume"] in (0.25, 1.0)
    assert default.history_["mix_kind"] in ("boundary", "spread")
    assert np.all(default.synthetic_y_ == default.minority_label_)
    assert MixAnN().preset == "default"


def test_select_volume_max_rows_caps_the_fold_data():
    X, y = _blobs()
    seen = []

    def gen(Xp, yp, n, g):
        seen.append((len(yp), int(yp.sum())))
        return _roll(Xp, yp, n, _policy([0.0, 0.0, 0.0, -2.0]), seed=int(g.integers(100)))

    best, scores = select_volume({"boundary": gen}, KNeighborsClassifier(3), X[::2], y[::2],
                                 X[1::2], y[1::2], (0.0, 0.5), n_splits=3, n_repeats=1,
                                 metric="f1_macro", seed=0, max_rows=66)
    assert len(seen) == 3 and all(n <= 66 * 2 / 3 + 1 for n, _ in seen)
    assert all(m >= 3 for _, m in seen)  # stratified: the minority share is kept
    assert best in scores


def test_select_volume_gives_the_same_choice_with_parallel_fits():
    # The fits run in joblib workers; the rollouts stay in this process, in fold order.
    rng = np.random.default_rng(1)
    X = np.vstack([rng.uniform(0, 1, (300, 2)), rng.normal(0.5, 0.02, (20, 2))])
    X[300:310] += 0.3
    y = np.array([0] * 300 + [1] * 20)
    calls = []

    def gen(Xp, yp, n, g):
        calls.append(len(yp))
        return rollout(_policy([0.0, -3.0, 0.0, -2.0]), Xp, yp, n, z_transform=lambda A: A,
                       max_neighbors=5, max_oversample=3, eta=0.3, max_steps=4, noise=0.3,
                       rng=g, kind="boundary")

    args = ({"boundary": gen, "spread": lambda Xp, yp, n, g: spread(Xp, yp, n, rng=g)},
            KNeighborsClassifier(n_neighbors=10), X[::2], y[::2], X[1::2], y[1::2],
            (0.0, 0.1, 0.5, 1.0))
    kw = dict(n_splits=3, n_repeats=2, metric="f1_macro", seed=0)
    serial = select_volume(*args, **kw)
    parallel = select_volume(*args, **kw, n_jobs=2)
    assert parallel == serial
    assert serial[0][1] > 0  # augmentation chosen: the scores differ between candidates
    assert len(calls) == 2 * 3 * 2  # one boundary rollout per fold, per call


def test_n_jobs_returns_the_same_samples(diverse, tiny):
    X, y = diverse
    serial = MixAnN(random_state=0, guard=False, **tiny)
    parallel = MixAnN(random_state=0, guard=False, n_jobs=2, **tiny)
    X1, y1 = serial.fit_resample(X, y)
    X2, y2 = parallel.fit_resample(X, y)
    assert X1.tobytes() == X2.tobytes() and y1.tobytes() == y2.tobytes()
    assert serial.history_["candidates"] == parallel.history_["candidates"]


@pytest.mark.parametrize("n_jobs", [0, 1.5, "2"])
def test_bad_n_jobs_is_a_clear_error(diverse, tiny, n_jobs):
    X, y = diverse
    with pytest.raises((ValueError, TypeError), match="n_jobs"):
        MixAnN(n_jobs=n_jobs, **tiny).fit_resample(X, y)


def _spy_on_choose_draw(monkeypatch):
    """Wrap the sampler's choose_draw; returns the list its calls are recorded in."""
    import mixann.sampler as sampler_module

    calls, real = [], sampler_module.choose_draw

    def spy(draws, estimator, X, y, X_val, y_val, **kwargs):
        index, scores = real(draws, estimator, X, y, X_val, y_val, **kwargs)
        calls.append({"draws": draws, "X": X, "index": index, "scores": scores})
        return index, scores

    monkeypatch.setattr(sampler_module, "choose_draw", spy)
    return calls


def test_n_draws_returns_the_draw_best_on_validation(diverse, tiny, monkeypatch):
    X, y = diverse
    X_val, y_val = X[::4], y[::4]
    plain = MixAnN(random_state=0, guard=False, validation_data=(X_val, y_val), n_draws=1,
                   **tiny)
    plain.fit_resample(X, y)
    assert plain.history_["draw_scores"] is None  # n_draws=1 scores no draw
    calls = _spy_on_choose_draw(monkeypatch)
    drawn = MixAnN(random_state=0, guard=False, validation_data=(X_val, y_val), n_draws=3,
                   **tiny)
    drawn.fit_resample(X, y)
    (call,) = calls
    scores = drawn.history_["draw_scores"]
    assert len(call["draws"]) == 3 and scores == call["scores"]
    best = call["draws"][int(np.argmax(scores))]
    assert drawn.synthetic_X_.tobytes() == best.X.tobytes()
    # Same choice of kind and volume; the first draw is the one n_draws=1 returns.
    assert (drawn.history_["mix_kind"], drawn.history_["volume"]) == (
        plain.history_["mix_kind"], plain.history_["volume"])
    assert call["draws"][0].X.tobytes() == plain.synthetic_X_.tobytes()


def test_n_draws_never_draws_from_the_validation_rows(diverse, tiny, monkeypatch):
    # Without validation_data the validation rows are carved out of X: a draw scored on them
    # must not be made from them, so every draw comes from the training part.
    X, y = diverse
    calls = _spy_on_choose_draw(monkeypatch)
    sampler = MixAnN(random_state=0, guard=False, n_draws=2, **tiny)
    sampler.fit_resample(X, y)
    (call,) = calls
    X_train = call["X"]
    assert len(X_train) < len(X)
    training_rows = {row.tobytes() for row in X_train}
    sources = np.unique(sampler.synthetic_sources_)
    assert len(sources) and all(X[i].tobytes() in training_rows for i in sources)
    # ... and holds as many rows as one draw on all of X would (the chosen share of its gap)
    target = volume_target(sampler.history_["volume"], (y == sampler.minority_label_).astype(int))
    assert target <= len(sampler.synthetic_X_) < target + sampler.max_oversample


@pytest.mark.parametrize("n_draws", [0, 2.5, "many"])
def test_bad_n_draws_is_a_clear_error(diverse, tiny, n_draws):
    X, y = diverse
    with pytest.raises((ValueError, TypeError), match="n_draws"):
        MixAnN(n_draws=n_draws, **tiny).fit_resample(X, y)


def test_auto_n_draws_is_ten_for_knn_and_xgboost_trees_only(diverse, tiny):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    assert default_n_draws(KNeighborsClassifier()) == 10
    assert default_n_draws(XGBClassifier()) == 10
    assert default_n_draws(make_pipeline(StandardScaler(), KNeighborsClassifier())) == 10
    assert default_n_draws(XGBClassifier(booster="gblinear")) == 1
    assert default_n_draws(XGBRFClassifier()) == 1
    assert default_n_draws(MLPClassifier()) == 1
    assert default_n_draws(DecisionTreeClassifier()) == 1
    X, y = diverse
    knn = MixAnN(random_state=0, guard=False, **tiny)
    knn.fit_resample(X, y)
    assert knn.n_draws == "auto" and knn.n_draws_ == 10
    assert len(knn.history_["draw_scores"]) == 10
    tree = MixAnN(DecisionTreeClassifier(random_state=0), random_state=0, guard=False, **tiny)
    tree.fit_resample(X, y)
    assert tree.n_draws_ == 1 and tree.history_["draw_scores"] is None


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_auto_selection_rule_balances_an_mlp_only_with_twelve_anomalies_or_fewer(tiny):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from mixann.sampler import SMALL_MINORITY, default_selection_rule

    kinds = ("boundary", "spread")
    assert SMALL_MINORITY == 12  # row 80 (10 in rows 77-79)
    assert default_selection_rule(MLPClassifier(), 12, kinds) == "balance"
    assert default_selection_rule(MLPClassifier(), 13, kinds) == "best"
    assert default_selection_rule(make_pipeline(StandardScaler(), MLPClassifier()), 3,
                                  kinds) == "balance"
    assert default_selection_rule(MLPClassifier(), 3, ("boundary",)) == "best"  # no spread
    for other in (XGBClassifier(), DecisionTreeClassifier()):  # KNN: its own rule, below
        assert default_selection_rule(other, 3, kinds) == "best"
    # Through the sampler: 8 anomalies in train + validation (6 given, 2 for validation).
    X, y, params = eight_anomalies(tiny)
    mlp = MLPClassifier(hidden_layer_sizes=(8,), max_iter=50, random_state=0)
    balanced, X_res, new_y = fit_fixed_pick(mlp, params, X, y, "balance", "spread", 1.0)
    assert balanced.selection_rule == "auto"
    y_res = np.r_[y, new_y]
    assert int((y_res == 1).sum()) == int((y_res == 0).sum()) == 60  # the classes balanced
    # The same rows as asking for "balance" by name, and a search with "best" instead.
    searched = check_rule_by_name(mlp, "balance", params, X, y, X_res)
    # The demo's sentence says which happened.
    from mixann.cli import describe_choice

    assert "no volume search" in describe_choice(balanced)
    assert "out-of-fold" in describe_choice(searched)
    # KNN with as few anomalies has its own rule (row 88); kinds given by hand without its
    # kind keep the choice, and so does an MLP with 13 anomalies.
    assert MixAnN(KNeighborsClassifier(3), **params).fit(X, y).selection_rule_ == "swap"
    knn = MixAnN(KNeighborsClassifier(3), **dict(params, mix_kinds=("boundary",)))
    knn.fit_resample(X, y)
    assert knn.selection_rule_ == "best" and knn.history_["candidates"]
    X13, y13 = few_anomalies(11)  # 13 with validation's 2
    more = MixAnN(mlp, **params)
    more.fit_resample(X13, y13)
    assert more.selection_rule_ == "best"
    X12, y12 = few_anomalies(10)  # 12: the bar itself still balances
    assert MixAnN(mlp, **params).fit(X12, y12).selection_rule_ == "balance"
    # More than two classes: each class against the rest resolves its own rule.
    X14, y14 = few_anomalies(14)
    X3 = np.vstack([X14, X[y == 1] - 6.0])  # a third class of 6 rows, far from both
    y3 = np.r_[y14, np.full(6, 2)]
    three = MixAnN(mlp, **dict(tiny, random_state=0))  # validation carved out of X3: 14, 6
    three.fit_resample(X3, y3)
    assert three.selection_rule_ == {1: "best", 2: "balance"}
    assert three.history_["selection_rule"] == three.selection_rule_


def test_beta_mix_hand_computed():
    # Three anomalies, two normal rows: the draws are rng.choice over each class, then the
    # Beta(5, 2) shares, in that order, until 5 rows are labelled anomalies (share >= 0.5).
    X = np.array([[0.0, 0.0], [4.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    y = np.array([0, 0, 1, 1, 1])
    out = beta_mix(X, y, 5, np.random.default_rng(7))
    rng = np.random.default_rng(7)
    first, second = rng.choice([2, 3, 4], 16), rng.choice([0, 1], 16)
    lam = rng.beta(5.0, 2.0, 16)
    end = int(np.flatnonzero(np.cumsum(lam >= 0.5) >= 5)[0]) + 1
    np.testing.assert_array_equal(out.sources, np.column_stack([first, second])[:end])
    np.testing.assert_array_equal(out.alpha, lam[:end])
    np.testing.assert_array_equal(out.y, (lam[:end] >= 0.5).astype(int))
    np.testing.assert_allclose(out.X, lam[:end, None] * X[first[:end]]
                               + (1 - lam[:end, None]) * X[second[:end]])
    assert int(out.y.sum()) == 5 and out.y[-1] == 1
    # One row by hand: anomaly (1, 1) and normal (4, 0) at a share of 0.75 give (1.75, 0.75).
    lam_row = 0.75
    assert np.allclose(lam_row * X[2] + (1 - lam_row) * X[1], [1.75, 0.75])
    # A prefix is a smaller volume of the same draw; nothing to mix: nothing or copies.
    np.testing.assert_array_equal(out.head(2).X, beta_mix(X, y, 2, np.random.default_rng(7)).X)
    assert len(beta_mix(X, y, 0, np.random.default_rng(0))) == 0
    assert len(beta_mix(X, np.zeros(5, dtype=int), 4, np.random.default_rng(0))) == 0
    only = beta_mix(X[2:], y[2:], 4, np.random.default_rng(0))  # no majority row: copies
    assert only.y.tolist() == [1, 1, 1, 1] and np.all(only.alpha == 1.0)


def test_auto_selection_rule_takes_beta_mix_for_xgboost_with_twelve_anomalies_or_fewer(tiny):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from mixann.defaults import FIXED_PICKS, default_selection_rule

    xgb = XGBClassifier(n_estimators=5, max_depth=2, n_jobs=1)
    kinds = default_mix_kinds(xgb)
    assert FIXED_PICKS["beta-mix"] == ("beta-mix", 0.5)  # row 87
    assert default_selection_rule(xgb, 12, kinds) == "beta-mix"
    assert default_selection_rule(xgb, 13, kinds) == "best"
    assert default_selection_rule(make_pipeline(StandardScaler(), xgb), 8,
                                  default_mix_kinds(make_pipeline(StandardScaler(), xgb))) \
        == "beta-mix"
    assert default_selection_rule(xgb, 8, ("spread",)) == "best"  # kinds given by hand
    assert default_selection_rule(xgb, 8, ("spread", "beta-mix")) == "beta-mix"
    for other in (XGBRFClassifier(), XGBClassifier(booster="gblinear"), MLPClassifier()):
        assert default_selection_rule(other, 8, ("boundary",)) == "best"
    # Through the sampler: 8 anomalies in train + validation (6 given, 2 for validation).
    X, y, params = eight_anomalies(tiny)
    fixed, X_res, new_y = fit_fixed_pick(xgb, params, X, y, "beta-mix", "beta-mix", 0.5)
    h = fixed.history_
    assert int(new_y.sum()) == volume_target(0.5, y) == 27  # half of the gap of 54
    assert fixed.n_draws_ == 10 and len(h["draw_scores"]) == 10  # XGBoost's draws as ever
    # Every synthetic row mixes one given anomaly with one given normal row, at its share
    # (labelled an anomaly where the share is at least one half).
    check_beta_mix_rows(fixed, X, y)
    assert (new_y == 0).any()  # a few normal rows between the classes
    # The same rows as asking for "beta-mix" by name; "best" searches instead.
    check_rule_by_name(xgb, "beta-mix", params, X, y, X_res)
    # With 13 anomalies in train + validation XGBoost keeps its choice.
    X13, y13 = few_anomalies(11)
    assert MixAnN(xgb, **params).fit(X13, y13).selection_rule_ == "best"
    from mixann.cli import describe_choice

    assert "beta-mix mixing, volume 0.5" in describe_choice(fixed)
    assert "no volume search" in describe_choice(fixed)
    # More than two classes: a class of 6 rows against the rest takes half of the volume that
    # balances it with the largest class, as "balance" takes all of it.
    from mixann.multiclass import rest_volumes

    X14, y14 = few_anomalies(14)
    X3 = np.vstack([X14, X[y == 1] - 6.0])  # a third class of 6 rows, far from both
    y3 = np.r_[y14, np.full(6, 2)]
    three = MixAnN(xgb, **dict(tiny, random_state=0))  # validation carved out of X3: 14, 6
    three.fit_resample(X3, y3)
    assert three.selection_rule_ == {1: "best", 2: "beta-mix"}
    balance_volume = rest_volumes([1.0], 6, 60, len(y3) - 6)[0]
    assert three.samplers_[2].history_["volume"] == pytest.approx(0.5 * balance_volume)


def test_auto_selection_rule_takes_swap_for_knn_with_twelve_anomalies_or_fewer(tiny):
    from mixann.defaults import FIXED_PICKS, default_selection_rule

    knn = KNeighborsClassifier(3)
    kinds = default_mix_kinds(knn)
    assert FIXED_PICKS["swap"] == ("swap", 0.2)  # row 88
    assert default_selection_rule(knn, 12, kinds) == "swap"
    assert default_selection_rule(knn, 13, kinds) == "best"
    assert default_selection_rule(knn, 8, ("spread",)) == "best"  # kinds given by hand
    assert default_selection_rule(knn, 8, ("boundary", "swap")) == "swap"
    X, y, params = eight_anomalies(tiny)
    fixed, X_res, new_y = fit_fixed_pick(knn, params, X, y, "swap", "swap", 0.2)
    assert int(new_y.sum()) == len(new_y) == volume_target(0.2, y) == 11  # 0.2 of 54, rounded
    # Every synthetic row takes each feature from one of its two given anomalies.
    first, second = fixed.synthetic_sources_.T
    assert np.all(y[first] == 1) and np.all(y[second] == 1)
    rows = fixed.synthetic_X_
    assert np.all((rows == X[first]) | (rows == X[second]))
    named = MixAnN(knn, selection_rule="swap", **params).fit_resample(X, y)[0]
    assert named.tobytes() == X_res.tobytes()
    from mixann.cli import describe_choice

    assert "swap mixing, volume 0.2" in describe_choice(fixed)


def test_best_larger_sends_exact_ties_to_the_larger_volume(tiny):
    from mixann.selection import choose

    X, y = few_anomalies(8)  # separable blobs: many candidates tie at the top
    picks = {}
    for rule in ("best-larger", "best"):
        sampler = MixAnN(KNeighborsClassifier(3), selection_rule=rule, random_state=0, **tiny)
        X_res, _ = sampler.fit_resample(X, y)
        h = sampler.history_
        scores = {(c["kind"], c["volume"]): (c["score"], c["se"]) for c in h["candidates"]}
        larger = sampler.selection_rule_ == "best-larger"
        assert (h["mix_kind"], h["volume"]) == choose(scores, larger_ties=larger)
        picks[rule] = ((h["mix_kind"], h["volume"]), X_res.tobytes())
    # KNN's "auto" with 8 anomalies is row 88's "swap" (no search); "best" above is its rule
    # with more than 12 (row 78 kept it over "best-larger").
    assert MixAnN(KNeighborsClassifier(3), random_state=0, **tiny).fit(X, y).selection_rule_ \
        == "swap"
    # The same scores, tied at the top: the larger volume, where "best" takes the smaller.
    assert picks["best-larger"][0] == ("boundary", 1.0) and picks["best"][0] == ("boundary", 0.25)


def test_balance_without_spread_is_a_clear_error_before_training(tiny):
    X, y = few_anomalies(6)
    sampler = MixAnN(selection_rule="balance", mix_kinds=("boundary",), **tiny)
    with pytest.raises(ValueError, match='selection_rule="balance".*add "spread" to mix_kinds'):
        sampler.fit_resample(X, y)
    assert not hasattr(sampler, "actor_")  # it failed before any training
    with pytest.raises(ValueError, match="selection_rule"):
        MixAnN(selection_rule="smallest", **tiny).fit_resample(X, y)


def test_the_folds_sample_keeps_a_rare_minority():
    # Twenty-second audit: stratified, 2 anomalies among 200,000 rows kept 1 of the
    # 100,000 sampled, no fold could score an anomaly and every candidate tied at 0.5.
    from mixann.selection import MIN_SAMPLED_MINORITY, sample_rows

    y = np.r_[np.ones(2, int), np.zeros(200_000, int)]
    keep = sample_rows(y, y, 100_000, seed=0)
    assert len(keep) == 100_000 and y[keep].sum() == 2 and np.all(np.diff(keep) > 0)
    y = np.r_[np.ones(150, int), np.zeros(40_000, int)]  # stratified: 37 of 150
    assert y[sample_rows(y, y, 10_000, seed=0)].sum() == MIN_SAMPLED_MINORITY
    y = np.r_[np.ones(50, int), np.zeros(1000, int)]  # a tiny cap keeps half minority at most
    keep = sample_rows(y, y, 10, seed=0)
    assert len(keep) == 10 and y[keep].sum() == 5
    # Enough minority rows: the stratified sample, the class ratio kept.
    y = np.r_[np.ones(2_000, int), np.zeros(198_000, int)]
    assert y[sample_rows(y, y, 100_000, seed=0)].sum() == 1_000


def test_a_sampled_search_scores_a_rare_minority(tiny):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 2))
    X[:4] += 6  # four anomalies far from the rest
    y = np.r_[np.ones(4, int), np.zeros(2996, int)]
    sampler = MixAnN(random_state=0, selection_max_rows=1000, selection_rule="best",
                     **{**tiny, "volumes": (0.001, 0.01)}).fit(X, y)
    scores = {c["score"] for c in sampler.history_["candidates"]}
    assert len(scores) > 1  # before: every candidate tied, scored on no anomaly
