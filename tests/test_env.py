"""The MDP: transition rule, termination, neighbour precomputation."""

import numpy as np
import pytest

from mixann.env import MixUpEnv, nearest_opposite
from mixann.reward import MovingBaseline
from mixann.updaters import RefitUpdater
from sklearn.neighbors import KNeighborsClassifier


def _line_env(max_steps=5, max_neighbors=3, seed=0):
    # Points on a line: majority at 0..7, minority at 10, 11.
    X = np.array([[float(v)] for v in (0, 1, 2, 3, 4, 5, 6, 7, 10, 11)])
    y = np.array([0] * 8 + [1, 1])
    X_val, y_val = np.array([[0.5], [10.5], [6.5]]), np.array([0, 1, 0])
    updater = RefitUpdater(KNeighborsClassifier(n_neighbors=3), X, y, X_val)
    baseline = MovingBaseline(25)
    env = MixUpEnv(X, y, X_val, y_val, updater=updater, metric="f1_macro", baseline=baseline,
                   rng=np.random.default_rng(seed), max_neighbors=max_neighbors, max_oversample=2,
                   eta=0.3, reward_scale=10.0, reward_kind="full", max_steps=max_steps)
    return env, X, y


def test_nearest_opposite_by_hand():
    X = np.array([[0.0], [1.0], [5.0], [9.0]])
    assert list(nearest_opposite(X, np.array([0, 0, 1, 1]))) == [2, 2, 1, 1]


def test_reset_pairs_opposite_labels():
    env, X, y = _line_env()
    for _ in range(20):
        state = env.reset()
        assert y[env.i0] != y[env.i1]
        assert state.shape == (2,)


def test_transition_rule():
    env, X, y = _line_env(max_steps=50, max_neighbors=3)
    env.reset()
    for _ in range(30):
        i0, i1 = env.i0, env.i1
        u = np.array([1.0, 0.5, 0.0, 0.0])  # k = 3, alpha = 0.5, n = 1, eps = 0 (never stop)
        _, reward, done, terminated, info = env.step(u)
        x_syn = 0.5 * X[i0] + 0.5 * X[i1]
        # next x0 is one of the 3 nearest training points of x_syn ...
        dist = np.abs(X[:, 0] - x_syn[0])
        assert dist[env.i0] <= np.sort(dist)[2] + 1e-12
        # ... and x1 the nearest training point with the other label
        other = np.flatnonzero(y != y[env.i0])
        assert env.i1 == other[np.argmin(np.abs(X[other, 0] - X[env.i0, 0]))]
        assert info.k == 3 and info.n == 1 and not terminated
        assert 0.0 <= info.confidence <= 0.25
        if done:
            break


def test_synthetic_label_follows_eq2():
    env, X, y = _line_env()
    env.reset()
    i0, i1 = env.i0, env.i1
    env.step(np.array([0.5, 0.2, 0.0, 0.0]))  # alpha 0.2 < eta 0.3 -> label of x1
    assert env.episode.y[-1] == y[i1]
    assert env.episode.sources[-1] == (i0, i1)


def test_termination_by_eps_and_by_cap():
    env, _, _ = _line_env(max_steps=4)
    env.reset()
    *_, done, terminated, _ = env.step(np.array([0.5, 0.5, 0.5, 0.5]))  # eps = 0.5 ends it
    assert done and terminated
    env.reset()
    dones = [env.step(np.array([0.5, 0.5, 0.5, 0.1]))[2] for _ in range(4)]
    assert dones == [False, False, False, True] and env.t == 4


def test_reset_restores_original_classifier():
    env, X, y = _line_env()
    env.reset()
    before = env.updater.predict_proba(env.X_val)
    for _ in range(3):
        env.step(np.array([0.3, 0.1, 1.0, 0.0]))
    env.reset()
    np.testing.assert_array_equal(env.updater.predict_proba(env.X_val), before)
    assert env.episode.X == [] and env.t == 0


@pytest.mark.parametrize("seed", [0, 1])
def test_copies_enter_classifier(seed):
    env, X, y = _line_env(seed=seed)
    env.reset()
    env.step(np.array([0.5, 0.5, 1.0, 0.0]))  # n = 2 copies
    assert env.episode.copies == [2]
