"""Figures: written, non-empty PNGs of the expected size."""

import numpy as np
import pytest
from matplotlib.image import imread
from typer.testing import CliRunner

from mixann import MixAnN
from mixann.cli import app
from mixann.plots import case_study, policy_map


@pytest.fixture
def toy2(shared_datasets, monkeypatch):
    monkeypatch.setenv("MIXANN_TOY2", str(shared_datasets / "toy2" / "toy2_1.csv"))
    from mixann.datasets import load_toy2

    return load_toy2()


def _png_shape(path):
    image = imread(path)
    assert image.size > 0 and image.std() > 0  # not blank
    return image.shape


def test_case_study_panels(toy2, tmp_path):
    X, y = toy2
    out = tmp_path / "fig5.png"
    scores = case_study(out, X, y, methods=["none", "smote", "mixann"], n_episodes=2)
    assert set(scores) == {"none", "smote", "mixann"}
    assert all(0.0 <= s <= 1.0 for s in scores.values())
    height, width, _ = _png_shape(out)
    assert width == pytest.approx(3 * 4.2 * 110, abs=2) and height == pytest.approx(3.8 * 110, abs=2)


def test_policy_map(toy2, tmp_path, tiny):
    X, y = toy2
    sampler = MixAnN(random_state=0, guard=False, **tiny)
    sampler.fit_resample(X, y)
    out = tmp_path / "policy.png"
    policy_map(sampler, X, y, out)
    assert _png_shape(out)[:2] == (550, 660)


def test_plot_rejects_non_2d(tmp_path):
    X = np.random.default_rng(0).normal(size=(50, 3))
    y = np.array([0] * 45 + [1] * 5)
    with pytest.raises(ValueError, match="2-D"):
        case_study(tmp_path / "x.png", X, y, methods=["none"])


def test_plot_cli_case_study(toy2, tmp_path):
    out = tmp_path / "cs.png"
    result = CliRunner().invoke(app, ["plot", "case-study", "--out", str(out), "--methods",
                                      "none,random", "--episodes", "1"])
    assert result.exit_code == 0, result.output
    assert "test macro-F1" in result.output and out.stat().st_size > 1000
