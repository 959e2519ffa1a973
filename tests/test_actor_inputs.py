"""The actor levers of docs/quality.md rows 22-23: reward_metric and the model-aware state."""

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier

from mixann import MixAnN
from mixann.env import MixUpEnv, in_sample_proba, model_features, state_width
from mixann.reward import MovingBaseline
from mixann.rollout import rollout
from mixann.updaters import RefitUpdater


def test_model_features_hand_computed():
    Z = np.array([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0]])
    p = np.array([0.1, 0.8, 0.5])
    out = model_features(Z, p, [0, 2], [1, 0])
    # distance / sqrt(2): 5 / 1.41421 = 3.53553 and sqrt(2) / sqrt(2) = 1
    np.testing.assert_allclose(out, [[0.1, 0.8, 3.5355339], [0.5, 0.1, 1.0]], rtol=1e-6)
    assert out.dtype == np.float32
    assert state_width(4, False) == 8 and state_width(4, True) == 11


def test_in_sample_proba_is_the_minority_column():
    X = np.array([[0.0], [1.0], [2.2], [3.0], [10.0], [11.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    # k = 3 votes, each row counting itself. 2.2 sees 2.2, 3 (0.8 away), 1 (1.2): one
    # minority vote of three; 3 sees 3, 2.2, 1: one; 10 and 11 see 10, 11, 3: all minority.
    proba = in_sample_proba(KNeighborsClassifier(n_neighbors=3), X, y)
    np.testing.assert_allclose(proba, [0.0, 0.0, 1 / 3, 1 / 3, 1.0, 1.0])


def _line_env(**kwargs):
    X = np.array([[float(v)] for v in (0, 1, 2, 3, 4, 5, 6, 7, 10, 11)])
    y = np.array([0] * 8 + [1, 1])
    X_val, y_val = np.array([[0.5], [10.5], [6.5], [9.0]]), np.array([0, 1, 0, 1])
    updater = RefitUpdater(KNeighborsClassifier(n_neighbors=3), X, y, X_val)
    env = MixUpEnv(X, y, X_val, y_val, updater=updater, metric="f1_macro",
                   baseline=MovingBaseline(25), rng=np.random.default_rng(0), max_neighbors=3,
                   max_oversample=2, eta=0.3, reward_scale=10.0, reward_kind="full",
                   max_steps=50, mix_kind="boundary", **kwargs)
    return env, X, y


def test_model_aware_state_appends_probabilities_and_distance():
    proba = np.linspace(0.0, 0.9, 10)
    env, X, y = _line_env(state_proba=proba)
    assert env.state_dim == 5
    state = env.reset()
    assert state.shape == (5,)
    z = env.scaler.transform(X)
    expected = [z[env.i0, 0], z[env.i1, 0], proba[env.i0], proba[env.i1],
                abs(z[env.i0, 0] - z[env.i1, 0])]
    np.testing.assert_allclose(state, expected, rtol=1e-6)
    with pytest.raises(ValueError, match="one probability per training row"):
        _line_env(state_proba=np.ones(3))


def test_reward_metric_drives_the_reward_not_the_episode_score():
    # Same actions on both envs: the validation F1 (StepInfo.metric) must match step by step,
    # while the rewards come from different scorers.
    actions = np.random.default_rng(1).uniform(size=(30, 4))
    actions[:, 3] = 0.0  # never terminate by eps
    infos = {}
    for name, kwargs in (("f1", {}), ("brier", {"reward_metric": "neg_brier_score"})):
        env, _, _ = _line_env(**kwargs)
        env.reset()
        infos[name] = [env.step(a)[4] for a in actions]
    assert [i.metric for i in infos["f1"]] == [i.metric for i in infos["brier"]]
    assert [i.delta_metric for i in infos["f1"]] != [i.delta_metric for i in infos["brier"]]
    # Brier moves with any changed probability, F1 only when a prediction flips.
    moved = {k: sum(abs(i.delta_metric) > 0 for i in v) for k, v in infos.items()}
    assert moved["brier"] > moved["f1"]


def test_rollout_feeds_the_model_features_to_the_policy():
    X = np.array([[float(v)] for v in (0, 1, 2, 3, 4, 5, 6, 7, 10, 11)])
    y = np.array([0] * 8 + [1, 1])
    seen = []

    def policy(states):
        seen.append(states)
        return np.zeros((len(states), 4))

    proba = np.linspace(0.0, 0.9, 10)
    rollout(policy, X, y, 4, z_transform=lambda a: a, max_neighbors=3, max_oversample=1,
            eta=0.3, max_steps=5, noise=0.0, rng=np.random.default_rng(0), kind="boundary",
            proba=proba)
    first = seen[0]
    assert first.shape[1] == 5
    # Rows are (x0, x1, P(x0), P(x1), |x0 - x1|): x0 a minority row, x1 its nearest majority (7).
    np.testing.assert_allclose(first[:, 3], proba[7])
    np.testing.assert_allclose(first[:, 2], np.interp(first[:, 0], X[:, 0], proba), rtol=1e-6)
    np.testing.assert_allclose(first[:, 4], np.abs(first[:, 0] - first[:, 1]), rtol=1e-6)
    with pytest.raises(ValueError, match="one probability per row"):
        rollout(policy, X, y, 4, z_transform=lambda a: a, max_neighbors=3, max_oversample=1,
                eta=0.3, max_steps=5, noise=0.0, rng=np.random.default_rng(0), proba=proba[:3])


def test_sampler_with_both_levers_is_seeded_and_saves_its_state_kind(diverse, tiny, tmp_path):
    X, y = diverse
    kwargs = dict(random_state=0, state_features="model-aware", reward_metric="neg_brier_score",
                  **tiny)
    first = MixAnN(**kwargs)
    X1, y1 = first.fit_resample(X, y)
    X2, y2 = MixAnN(**kwargs).fit_resample(X, y)
    assert X1.tobytes() == X2.tobytes() and y1.tobytes() == y2.tobytes()
    assert first.actor_.net[0].in_features == 2 * X.shape[1] + 3
    # The validation score of each step stays macro-F1 (metric), whatever the reward's scorer.
    assert all(0.0 <= s["metric"] <= 1.0 for s in first.history_["steps"])

    path = tmp_path / "model_aware.pt"
    first.save_policy(path)
    with pytest.raises(ValueError, match="state_features='model-aware'"):
        MixAnN(random_state=0, **tiny).load_policy(path).fit_resample(X, y)
    reused = MixAnN(**kwargs).load_policy(path)
    reused.fit_resample(X, y)  # same state kind: loads


@pytest.mark.parametrize("kwargs, match", [
    ({"reward_metric": "brier"}, "'brier' is not a scikit-learn scorer name"),
    ({"state_features": "probabilities"}, "state_features"),
])
def test_bad_lever_values_are_clear_errors(diverse, tiny, kwargs, match):
    X, y = diverse
    with pytest.raises(ValueError, match=match):
        MixAnN(random_state=0, **{**tiny, **kwargs}).fit_resample(X, y)
