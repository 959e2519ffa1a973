"""save_policy / load_policy: weights only, round trip, clear errors."""

import numpy as np
import pytest
import torch

from mixann import MixAnN


def _weights(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def test_round_trip_starts_from_saved_weights(diverse, tiny, tmp_path):
    X, y = diverse
    trained = MixAnN(random_state=0, **tiny)
    trained.fit_resample(X, y)
    path = tmp_path / "policy.pt"
    trained.save_policy(path)

    # With no DDPG update the networks stay exactly the loaded ones.
    reused = MixAnN(random_state=1, **{**tiny, "ddpg_updates": 0}).load_policy(path)
    reused.fit_resample(X, y)
    for name in ("actor_", "critic_"):
        saved = _weights(getattr(trained, name))
        loaded = _weights(getattr(reused, name))
        assert saved.keys() == loaded.keys()
        for key in saved:
            torch.testing.assert_close(saved[key], loaded[key], rtol=0, atol=0)


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
