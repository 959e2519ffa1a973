"""save_policy / load_policy: weights only, round trip, clear errors."""

import numpy as np
import pytest
import torch

from mixann import MixAnN


def _weights(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _trained_policy(X, y, tiny, path):
    """A sampler fitted on (X, y) whose policy is saved at ``path``."""
    trained = MixAnN(random_state=0, **tiny)
    trained.fit_resample(X, y)
    trained.save_policy(path)
    return trained


def _assert_same_networks(a, b):
    for name in ("actor_", "critic_"):
        first, second = _weights(getattr(a, name)), _weights(getattr(b, name))
        assert first.keys() == second.keys()
        for key in first:
            torch.testing.assert_close(first[key], second[key], rtol=0, atol=0)


def test_round_trip_starts_from_saved_weights(diverse, tiny, tmp_path):
    X, y = diverse
    path = tmp_path / "policy.pt"
    trained = _trained_policy(X, y, tiny, path)
    # With no DDPG update the networks stay exactly the loaded ones.
    reused = MixAnN(random_state=1, **{**tiny, "ddpg_updates": 0}).load_policy(path)
    reused.fit_resample(X, y)
    _assert_same_networks(trained, reused)


def test_file_is_weights_only(diverse, tiny, tmp_path):
    X, y = diverse
    path = tmp_path / "policy.pt"
    sampler = MixAnN(random_state=0, **tiny)
    sampler.fit_resample(X, y)
    sampler.save_policy(path)
    payload = torch.load(path, weights_only=True)  # would raise if code were pickled
    assert payload["format"] == "mixann-policy-v1" and payload["n_features"] == X.shape[1]


class _Evil:
    def __reduce__(self):
        return (print, ("code ran",))


def test_refuses_pickled_code(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"format": "mixann-policy-v1", "x": _Evil()}, path)
    with pytest.raises(ValueError, match="not a MixAnN policy file"):
        MixAnN().load_policy(path)
    other = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(2)}, other)
    with pytest.raises(ValueError, match="not a MixAnN policy file"):
        MixAnN().load_policy(other)


def test_width_mismatch(diverse, tiny, tmp_path):
    X, y = diverse
    sampler = MixAnN(random_state=0, **tiny)
    sampler.fit_resample(X, y)
    sampler.save_policy(tmp_path / "p.pt")
    X3 = np.hstack([X, X[:, :1]])
    with pytest.raises(ValueError, match="trained on 2 features"):
        MixAnN(random_state=0, **tiny).load_policy(tmp_path / "p.pt").fit_resample(X3, y)


def test_save_before_fit_raises(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        MixAnN().save_policy(tmp_path / "p.pt")


def test_loaded_policy_survives_clone(diverse, tiny, tmp_path):
    """A pipeline or a grid search clones the sampler: the loaded weights must come along."""
    from sklearn.base import clone

    X, y = diverse
    path = tmp_path / "policy.pt"
    trained = _trained_policy(X, y, tiny, path)
    loaded = MixAnN(random_state=1, **{**tiny, "ddpg_updates": 0}).load_policy(path)
    assert loaded.policy == path and loaded.get_params()["policy"] == path
    copy = clone(loaded)
    assert copy.policy == path
    copy.fit_resample(X, y)
    _assert_same_networks(trained, copy)
    # The same bytes as the sampler it was cloned from, and not those of a fresh start.
    X_a, _ = loaded.fit_resample(X, y)
    X_b, _ = clone(loaded).fit_resample(X, y)
    fresh = MixAnN(random_state=1, **{**tiny, "ddpg_updates": 0}).fit(X, y)
    assert np.array_equal(X_a, X_b)
    assert not all(torch.equal(v, _weights(fresh.actor_)[k])
                   for k, v in _weights(copy.actor_).items())


def test_policy_parameter_matches_load_policy(diverse, tiny, tmp_path):
    X, y = diverse
    path = tmp_path / "policy.pt"
    MixAnN(random_state=0, **tiny).fit(X, y).save_policy(path)
    by_method = MixAnN(random_state=2, **tiny).load_policy(path).fit_resample(X, y)
    by_param = MixAnN(random_state=2, policy=str(path), **tiny).fit_resample(X, y)
    assert np.array_equal(by_method[0], by_param[0]) and np.array_equal(by_method[1], by_param[1])


def test_policy_parameter_errors(diverse, tiny, tmp_path):
    X, y = diverse
    with pytest.raises(ValueError, match="does not exist; save one with"):
        MixAnN(policy=tmp_path / "missing.pt", **tiny).fit_resample(X, y)
    with pytest.raises(ValueError, match="does not exist"):
        MixAnN().load_policy(tmp_path / "missing.pt")
    with pytest.raises((TypeError, ValueError), match="policy"):
        MixAnN(policy=3, **tiny).fit_resample(X, y)
