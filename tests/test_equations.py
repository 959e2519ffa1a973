"""The paper's equations against hand-computed numbers (Eq. 1, 2, 3/4 targets, 5, 6, action scaling)."""

import numpy as np
import pytest
import torch

from mixann.ddpg import MixAction, critic_target, scale_action, soft_update
from mixann.mixup import hard_label, mix
from mixann.reward import MovingBaseline, combine, improvement, step_reward, uncertainty


def test_eq1_mix_by_hand():
    # 0.25*[1, 2] + 0.75*[3, 6] = [0.25 + 2.25, 0.5 + 4.5]
    np.testing.assert_allclose(mix([1.0, 2.0], [3.0, 6.0], 0.25), [2.5, 5.0])
    assert np.array_equal(mix([1.0], [3.0], 1.0), [1.0])
    assert np.array_equal(mix([1.0], [3.0], 0.0), [3.0])


def test_eq1_rowwise_alpha():
    x0 = np.array([[0.0, 0.0], [10.0, 10.0]])
    x1 = np.array([[4.0, 8.0], [0.0, 0.0]])
    np.testing.assert_allclose(mix(x0, x1, np.array([0.5, 0.1])), [[2.0, 4.0], [1.0, 1.0]])


def test_eq2_threshold_by_hand():
    assert hard_label("normal", "anomaly", alpha=0.3, eta=0.3) == "normal"  # alpha >= eta -> y0
    assert hard_label("normal", "anomaly", alpha=0.2999, eta=0.3) == "anomaly"
    np.testing.assert_array_equal(hard_label(0, 1, np.array([0.1, 0.5, 0.9]), 0.5), [1, 0, 0])


def test_eq5_improvement_is_mean_baseline():
    # m terms divided by m (the paper's m-1 is a typo): 0.9 - (0.5 + 0.7) / 2 = 0.3
    assert improvement(0.9, [0.5, 0.7]) == pytest.approx(0.3)
    assert improvement(0.9, []) == 0.0


def test_eq5_moving_window_drops_old_values():
    b = MovingBaseline(window=3)
    for v in (0.0, 0.3, 0.6, 0.9):  # 0.0 falls out of the window
        b.push(v)
    assert b.improvement(1.0) == pytest.approx(1.0 - 0.6)
    with pytest.raises(ValueError):
        MovingBaseline(0)


def test_eq6_uncertainty_by_hand():
    proba = [[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]]  # 0.16 + 0.25 + 0.09 = 0.5, / 3
    assert uncertainty(proba) == pytest.approx(0.5 / 3)
    assert uncertainty([[1.0, 0.0]]) == 0.0
    with pytest.raises(ValueError):
        uncertainty(np.zeros((0, 2)))


def test_reward_combination_and_ablations():
    rng = np.random.default_rng(0)
    kw = dict(metric_value=0.8, delta_metric=0.3, confidence=0.5 / 3, scale=10.0, rng=rng)
    assert combine(0.3, 0.5 / 3, 10.0) == pytest.approx(0.5)
    assert step_reward("full", **kw) == pytest.approx(0.5)
    assert step_reward("no-improvement", **kw) == pytest.approx(10 * 0.8 * 0.5 / 3)
    assert step_reward("no-exploration", **kw) == pytest.approx(3.0)
    r = step_reward("random", **kw)
    assert 0.0 <= r < 1.0
    with pytest.raises(ValueError, match="reward must be one of"):
        step_reward("nope", **kw)


def test_action_scaling_by_hand():
    # w = [K, 1, N, 1] = [10, 1, 5, 1]; k = round(5.0) = 5, n = round(2.5) = 2 (half to even)
    assert scale_action([0.5, 0.25, 0.5, 0.9], 10, 5) == MixAction(k=5, alpha=0.25, n=2, eps=0.9)
    assert scale_action([0.36, 0.0, 0.71, 0.0], 10, 5) == MixAction(k=4, alpha=0.0, n=4, eps=0.0)
    # extremes: rounded zeros are lifted to 1; full scale gives K and N
    assert scale_action([0.0, 0.0, 0.0, 0.0], 25, 3) == MixAction(k=1, alpha=0.0, n=1, eps=0.0)
    assert scale_action([1.0, 1.0, 1.0, 1.0], 25, 3) == MixAction(k=25, alpha=1.0, n=3, eps=1.0)
    with pytest.raises(ValueError):
        scale_action([0.5, 0.5], 10, 5)


def test_action_scaling_from_sigmoid():
    raw = np.array([0.0, np.log(3.0), 0.0, -np.log(4.0)])  # sigmoid -> 0.5, 0.75, 0.5, 0.2
    u = 1 / (1 + np.exp(-raw))
    a = scale_action(u, 20, 4)
    assert (a.k, a.n) == (10, 2)
    assert a.alpha == pytest.approx(0.75) and a.eps == pytest.approx(0.2)


def test_eq4_target_and_soft_update():
    t = critic_target(torch.tensor([1.0, 0.5]), torch.tensor([2.0, 4.0]), torch.tensor([0.0, 1.0]), 0.9)
    torch.testing.assert_close(t, torch.tensor([1.0 + 0.9 * 2.0, 0.5]))
    a, b = torch.nn.Linear(1, 1), torch.nn.Linear(1, 1)
    with torch.no_grad():
        a.weight.fill_(0.0), a.bias.fill_(0.0), b.weight.fill_(1.0), b.bias.fill_(2.0)
    soft_update(a, b, tau=0.25)
    assert a.weight.item() == pytest.approx(0.25) and a.bias.item() == pytest.approx(0.5)
