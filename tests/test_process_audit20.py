"""Twentieth audit, what a fit leaves in the caller's process: no GPU generator reseeded, one
seed for MixAnNClassifier's sampler and classifier whatever form random_state takes, and
trained networks that hold no gradients."""

import numpy as np
import pytest
import torch
from sklearn.ensemble import RandomForestClassifier

from mixann import MixAnN, MixAnNClassifier
from mixann.detectors import DeepSAD, DevNet
from mixann.sampler import drawn_seed


@pytest.fixture
def gpu_seedings(monkeypatch):
    """Every call that would reseed a GPU's generator (torch.manual_seed makes them all)."""
    calls = []
    for module, name in [(torch.cuda, "manual_seed_all"), (torch.cuda, "manual_seed"),
                         (torch.mps, "manual_seed"), (torch.xpu, "manual_seed_all"),
                         (torch.xpu, "manual_seed")]:
        monkeypatch.setattr(module, name,
                            lambda seed, _n=f"{module.__name__}.{name}": calls.append(_n))
    return calls


def test_a_cpu_fit_reseeds_no_gpu_generator(diverse, tiny, gpu_seedings):
    # Before: torch.manual_seed inside fork_rng(devices=[]) set every GPU's generator to
    # MixAnN's seed and never put it back (seen on a CPU build as torch's queued CUDA seed).
    X, y = diverse
    torch.manual_seed(7)
    gpu_seedings.clear()  # the line above's own
    cpu_state = torch.random.get_rng_state()
    first = MixAnN(random_state=0, **tiny).fit_resample(X, y)
    DevNet(epochs=1, n_batches=2, random_state=0).fit(X, y)
    DeepSAD(epochs=1, random_state=0).fit(X, y)
    assert gpu_seedings == []
    assert torch.equal(torch.random.get_rng_state(), cpu_state) and torch.initial_seed() == 7
    # The networks are drawn from the same CPU stream as before: the same bytes.
    torch.manual_seed(123)
    again = MixAnN(random_state=0, **tiny).fit_resample(X, y)
    assert first[0].tobytes() == again[0].tobytes()


def test_a_random_state_instance_seeds_sampler_and_classifier_with_one_draw(diverse, tiny):
    # Before: the sampler took the instance's first draw and the classifier its second, so
    # RandomState(0) and 0 gave the same rows and different predictions.
    X, y = diverse
    forest = RandomForestClassifier(n_estimators=10)
    by_int = MixAnNClassifier(forest, random_state=0, **tiny).fit(X, y)
    state = np.random.RandomState(0)
    by_instance = MixAnNClassifier(forest, random_state=state, **tiny).fit(X, y)
    assert by_instance.estimator_.random_state == by_int.estimator_.random_state == drawn_seed(0)
    np.testing.assert_array_equal(by_instance.predict_proba(X), by_int.predict_proba(X))
    # The caller's instance is used up by that one draw, as scikit-learn's are.
    fresh = np.random.RandomState(0)
    fresh.randint(np.iinfo(np.int32).max)
    assert state.randint(1000) == fresh.randint(1000)


def test_trained_networks_hold_no_gradients_and_still_save(diverse, tiny, tmp_path):
    X, y = diverse
    sampler = MixAnN(random_state=0, **tiny).fit(X, y)
    for net in (sampler.actor_, sampler.critic_):
        assert not net.training
        assert all(not p.requires_grad and p.grad is None for p in net.parameters())
    assert not sampler.actor_(torch.zeros(1, sampler.actor_.net[0].in_features)).requires_grad
    path = tmp_path / "policy.pt"
    sampler.save_policy(path)
    # A later fit from those weights trains (fresh networks, gradients on) and repeats itself.
    runs = [MixAnN(random_state=0, policy=path, **tiny).fit_resample(X, y)[0] for _ in range(2)]
    assert runs[0].tobytes() == runs[1].tobytes()
