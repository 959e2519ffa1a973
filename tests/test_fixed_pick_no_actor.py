"""The default preset trains the actor only where a kind it can return calls it (docs/quality.md,
row 104): a fixed pick (``selection_rule_`` in ``FIXED_PICKS``) returns an actor-free kind, and
kinds given by hand may all be actor-free. Then no MDP is built or stepped, the history says
so, and saving the untrained networks as a policy is refused with the fix."""

import numpy as np
import pytest
from conftest import eight_anomalies
from sklearn.ensemble import RandomForestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from xgboost import XGBClassifier

from mixann import MixAnN
from mixann import env as env_module
from mixann.bench.runner import Cell, run_cell
from mixann.cli import describe_choice
from mixann.rollout import ACTOR_FREE_KINDS

ESTIMATORS = {
    "knn": (KNeighborsClassifier, {}, "swap"),
    "xgboost": (XGBClassifier, dict(n_estimators=10, random_state=0), "beta-mix"),
    "mlp": (MLPClassifier, dict(hidden_layer_sizes=(8,), max_iter=30, random_state=0),
            "balance"),
    "random-forest": (RandomForestClassifier, dict(n_estimators=10, random_state=0),
                      "beta-mix-0.35"),
}


@pytest.fixture
def no_mdp(monkeypatch):
    """Building or stepping the MDP fails the test: a fit that trains the actor does both."""
    def refuse(*args, **kwargs):
        raise AssertionError("the actor was trained")

    monkeypatch.setattr(env_module.MixUpEnv, "__init__", refuse)
    monkeypatch.setattr(env_module.MixUpEnv, "step", refuse)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_a_fixed_pick_trains_no_actor(name, tiny, no_mdp):
    cls, kwargs, rule = ESTIMATORS[name]
    X, y, params = eight_anomalies(tiny)
    sampler = MixAnN(cls(**kwargs), **params)
    X_res, _ = sampler.fit_resample(X, y)
    h = sampler.history_
    assert sampler.selection_rule_ == rule and h["mix_kind"] in ACTOR_FREE_KINDS
    assert (h["actor_trained"], h["episodes"], h["steps"]) == (False, [], [])
    assert len(X_res) > len(X)  # the pick's rows are still returned
    assert "no actor trained" in describe_choice(sampler)
    # The networks exist (a policy= file is checked against X), frozen as after any fit.
    assert sampler.actor_ is not None and not any(p.requires_grad
                                                  for p in sampler.actor_.parameters())


def test_the_search_still_trains_the_actor(tiny):
    X, y, params = eight_anomalies(tiny)
    sampler = MixAnN(RandomForestClassifier(n_estimators=10, random_state=0),
                     selection_rule="best", **params)
    sampler.fit_resample(X, y)
    h = sampler.history_
    assert h["actor_trained"] is True and len(h["episodes"]) == tiny["n_episodes"]
    assert sum(e["n_steps"] for e in h["episodes"]) == len(h["steps"]) > 0


def test_the_same_seed_gives_the_same_bytes_without_training(tiny):
    X, y, params = eight_anomalies(tiny)
    first, second = (MixAnN(KNeighborsClassifier(), **params).fit_resample(X, y)[0]
                     for _ in range(2))
    assert first.tobytes() == second.tobytes()


def test_saving_an_untrained_policy_is_refused(tiny, tmp_path):
    X, y, params = eight_anomalies(tiny)
    fixed = MixAnN(KNeighborsClassifier(), **params)
    fixed.fit_resample(X, y)
    with pytest.raises(ValueError, match=r"trained no policy to save: selection_rule_ 'swap' "
                                         r"returns 'swap' rows.*selection_rule=\"best\""):
        fixed.save_policy(tmp_path / "p.pt")
    assert not (tmp_path / "p.pt").exists()
    searched = MixAnN(KNeighborsClassifier(), selection_rule="best", **params)
    searched.fit_resample(X, y)
    searched.save_policy(tmp_path / "p.pt")  # the advice works
    assert (tmp_path / "p.pt").exists()


def test_a_policy_of_another_width_is_still_refused(tiny, tmp_path):
    X, y, params = eight_anomalies(tiny)
    trained = MixAnN(selection_rule="best", **params)
    trained.fit_resample(X, y)
    trained.save_policy(tmp_path / "p.pt")
    X4 = np.hstack([X, X[:, :1]])
    X_val, y_val = params["validation_data"]
    wider = dict(params, validation_data=(np.hstack([X_val, X_val[:, :1]]), y_val))
    # The default KNN with 8 anomalies: the "swap" pick, which builds the networks untrained.
    with pytest.raises(ValueError, match="trained on 3 features"):
        MixAnN(**wider).load_policy(tmp_path / "p.pt").fit_resample(X4, y)


def test_a_bench_cell_records_no_episode_score(tmp_path):
    # 10 anomalies: 8 in train + validation after the bench's 80/20 split, a fixed pick.
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0.0, 1.0, (120, 3)), rng.normal(3.0, 1.0, (10, 3))])
    y = np.r_[np.zeros(120, dtype=int), np.ones(10, dtype=int)]
    np.savez(tmp_path / "tiny10.npz", X=X, y=y)
    row = run_cell(Cell("tiny10", "random-forest", "mixann", 0, "test"), tmp_path)
    assert row["status"] == "ok", row.get("error")
    trial = row["config"]["mixann"]["trials"][0]
    assert trial["selection_rule"] == "beta-mix-0.35" and trial["best_episode_score"] is None
    assert row["n_synthetic"] == trial["n_synthetic"] > 0


def test_kinds_that_are_all_actor_free_train_no_actor(diverse, tiny, no_mdp, tmp_path):
    # More anomalies than the tiny-minority bar: the volume search runs, on kinds given by
    # hand that never call the actor.
    X, y = diverse
    sampler = MixAnN(mix_kinds=["spread", "swap"], random_state=0, **tiny)
    sampler.fit_resample(X, y)
    h = sampler.history_
    assert sampler.selection_rule_ == "best" and h["candidates"]
    assert (h["actor_trained"], h["episodes"]) == (False, [])
    with pytest.raises(ValueError, match=r"none of mix_kinds_ \['spread', 'swap'\] calls the "
                                         r"actor.*such as \"boundary\""):
        sampler.save_policy(tmp_path / "p.pt")


def test_one_actor_kind_among_them_trains_the_actor(diverse, tiny):
    X, y = diverse
    sampler = MixAnN(mix_kinds=["spread", "boundary"], random_state=0, **tiny)
    sampler.fit_resample(X, y)
    assert sampler.history_["actor_trained"] is True
    assert len(sampler.history_["episodes"]) == tiny["n_episodes"]
