"""Shared fixtures: where the shared datasets live, and small datasets for fast tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def load_benchmark(name):
    """The script ``benchmarks/<name>.py`` as a module (the scripts are not a package).

    The folder goes on ``sys.path`` first, as ``python benchmarks/<name>.py`` puts it, so a
    script that imports a sibling (``rule_curve`` imports ``choice_ceiling``) loads the same way.
    """
    import importlib.util
    import sys

    folder = str(REPO / "benchmarks")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    # Registered under its name, as an import would, so a sibling's `import <name>` and
    # doctest's lookup of each function's module find this same module.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _shared_datasets():
    """``$MIXANN_SHARED_DATASETS``, else ``../shared/datasets`` beside the checkout."""
    env = os.environ.get("MIXANN_SHARED_DATASETS")
    return Path(env) if env else REPO.parent / "shared" / "datasets"


@pytest.fixture(scope="session")
def shared_datasets():
    path = _shared_datasets()
    if not (path / "adbench").is_dir():
        # A missing data folder is a broken checkout, not a reason to skip: fail loudly.
        raise FileNotFoundError(f"shared datasets not found at {path}; set MIXANN_SHARED_DATASETS")
    return path


@pytest.fixture
def kind_tables_restored():
    """The library's kind tables (``MIX_KINDS``, ``ACTOR_FREE_KINDS``) restored after the test:
    ``benchmarks/extra_kinds.py``'s ``register`` edits them for the whole process, and a kind
    left registered (``smote``) made a later test's "unknown kind" error pass silently."""
    import mixann.rollout as rollout_module
    import mixann.sampler as sampler_module

    kinds, table = sampler_module.MIX_KINDS, dict(rollout_module.ACTOR_FREE_KINDS)
    yield
    sampler_module.MIX_KINDS = kinds
    rollout_module.ACTOR_FREE_KINDS.clear()
    rollout_module.ACTOR_FREE_KINDS.update(table)


@pytest.fixture
def extra_kinds(ceiling, kind_tables_restored):
    """``benchmarks/extra_kinds.py`` as loaded by the test module's ``ceiling`` fixture (the
    ``choice_ceiling`` script), with the library's kind tables restored after the test."""
    return ceiling.load_extra_kinds()


@pytest.fixture(scope="session")
def vowels(shared_datasets):
    from mixann.datasets import load_dataset

    return load_dataset("vowels", data_dir=shared_datasets / "adbench")


@pytest.fixture(scope="session")
def diverse():
    from mixann.datasets import make_diverse_minorities

    return make_diverse_minorities(n_samples=400, random_state=0)


# Budgets small enough for the whole suite to stay under a few minutes on 2 cores.
# ``volumes``, ``minority_multiples`` and ``selection_folds`` only matter to the default preset
# (the volume search); no minority-count candidates below 0.25 keeps the searches small.
TINY = dict(n_episodes=3, max_steps_per_episode=6, ddpg_updates=3, warmup_steps=5, batch_size=8,
            hidden_sizes=(16, 16), volumes=(0.25, 1.0), minority_multiples=(), selection_folds=2)


@pytest.fixture
def tiny():
    return dict(TINY)


@pytest.fixture
def paper_tiny():
    """TINY with ``preset="paper"``: the paper's algorithm as written."""
    return dict(TINY, preset="paper")


def check_beta_mix_rows(sampler, X, y):
    """Assert that every synthetic row of a fitted ``sampler`` is ``beta-mix``'s: one given
    anomaly mixed with one given normal row at its share, labelled an anomaly where the
    share is at least one half (the fixed picks ``"beta-mix"`` and ``"beta-mix-0.35"``)."""
    import numpy as np

    first, second = sampler.synthetic_sources_.T
    assert np.all(y[first] == 1) and np.all(y[second] == 0)
    share = sampler.synthetic_alpha_
    np.testing.assert_allclose(sampler.synthetic_X_, share[:, None] * X[first]
                               + (1 - share[:, None]) * X[second])
    np.testing.assert_array_equal(sampler.synthetic_y_, (share >= 0.5).astype(int))


def check_unmeasured_settings(estimator):
    """The "auto" settings of a classifier no session tuned: kinds ``boundary`` and ``spread``,
    one draw, the full search, and the ``best`` rule above the tiny-minority bar. Returns the
    kinds, for a test's checks below the bar."""
    from mixann.defaults import (default_mix_kinds, default_n_draws, default_selection_prune,
                                 default_selection_rule)

    kinds = ("boundary", "spread")
    assert default_mix_kinds(estimator) == kinds
    assert default_n_draws(estimator) == 1
    assert default_selection_prune(estimator) is None
    assert default_selection_rule(estimator, 13, kinds) == "best"
    return kinds


def check_rule_by_name(estimator, rule, params, X, y, X_res):
    """Assert that asking for the fixed pick ``rule`` by name gives the bytes ``X_res`` that
    ``"auto"`` gave, and that ``"best"`` searches instead (its candidates recorded)."""
    from mixann import MixAnN

    named = MixAnN(estimator, selection_rule=rule, **params).fit_resample(X, y)[0]
    assert named.tobytes() == X_res.tobytes()
    searched = MixAnN(estimator, selection_rule="best", **params)
    searched.fit_resample(X, y)
    assert searched.selection_rule_ == "best" and searched.history_["candidates"]
    return searched


def fit_fixed_pick(estimator, params, X, y, rule, kind, volume):
    """Fit MixAnN with ``"auto"`` on data whose minority is under the tiny-minority bar and
    assert that it took the fixed pick ``rule`` (``kind`` at ``volume``, no candidates
    searched). Returns the sampler, the resampled ``X`` and the synthetic rows' labels."""
    from mixann import MixAnN

    fixed = MixAnN(estimator, **params)
    X_res, y_res = fixed.fit_resample(X, y)
    h = fixed.history_
    assert (fixed.selection_rule_, h["selection_rule"], h["mix_kind"], h["volume"],
            h["candidates"]) == (rule, rule, kind, volume, [])
    return fixed, X_res, y_res[len(y):]


def few_anomalies(n_minority, n_majority=60, seed=0):
    """Two well-separated Gaussian blobs: ``n_majority`` normal rows, ``n_minority`` anomalies."""
    import numpy as np

    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(0.0, 1.0, (n_majority, 3)), rng.normal(3.0, 1.0, (n_minority, 3))])
    return X, np.r_[np.zeros(n_majority, dtype=int), np.ones(n_minority, dtype=int)]


def eight_anomalies(tiny):
    """``X, y`` and MixAnN's parameters with 8 anomalies in train + validation (6 given, 2 in
    ``validation_data``): under the tiny-minority rules' bar of 12."""
    X_val, y_val = few_anomalies(2, n_majority=20, seed=1)
    return (*few_anomalies(6), dict(tiny, validation_data=(X_val, y_val), random_state=0))
