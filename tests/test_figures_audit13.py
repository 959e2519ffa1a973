"""The thirteenth audit: the code that draws figures (plots.py, bench/margins.py). Each test
fails on the code before its fix."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from mixann import MixAnN
from mixann.bench.margins import plot_margins
from mixann.datasets import make_diverse_minorities
from mixann.plots import _regions, case_study, policy_map


@pytest.fixture(scope="module")
def data():
    return make_diverse_minorities(n_samples=300, random_state=0)


@pytest.fixture
def saved(monkeypatch):
    """The figures saved during a test (pyplot's or bare ones alike)."""
    figures = []
    original = Figure.savefig

    def spy(self, *args, **kwargs):
        figures.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    return figures


def test_plots_leave_the_caller_s_backend_and_pyplot_alone(tmp_path, data):
    # case_study and policy_map called matplotlib.use("Agg"): a notebook's inline backend
    # became Agg, so its later plots stopped showing; and a figure stayed open in pyplot
    # when a panel raised (an unknown method, a format matplotlib cannot write).
    import matplotlib.pyplot as plt

    X, y = data
    before = matplotlib.get_backend()
    plt.close("all")
    matplotlib.use("pdf")  # stands for a caller's own backend (a notebook's inline one)
    try:
        for methods, out in ((["none", "bogus"], "a.png"), (["none"], "b.notaformat")):
            with pytest.raises(ValueError):
                case_study(tmp_path / out, X, y, methods=methods)
        case_study(tmp_path / "c.png", X, y, methods=["none"])
        sampler = MixAnN(n_episodes=2, max_steps_per_episode=5, random_state=0).fit(X, y)
        policy_map(sampler, X, y, tmp_path / "p.png")
        assert matplotlib.get_backend() == "pdf"
        assert plt.get_fignums() == []
    finally:
        plt.close("all")
        matplotlib.use(before)


def test_policy_map_marks_synthetic_normals_apart_from_synthetic_anomalies(tmp_path, data,
                                                                          saved):
    # The paper preset's Eq. 2 also makes synthetic normals (MixAnN(preset="paper",
    # n_episodes=3, max_steps_per_episode=10, guard=False, random_state=0) on these data: 1
    # of 5); the map drew every synthetic row as one "synthetic" diamond, as if all were
    # anomalies. Half of a fitted sampler's rows relabelled stand for such a fit.
    X, y = data
    sampler = MixAnN(n_episodes=2, max_steps_per_episode=5, random_state=0).fit(X, y)
    assert len(sampler.synthetic_y_) >= 2
    sampler.synthetic_y_ = sampler.synthetic_y_.copy()
    sampler.synthetic_y_[::2] = 1 - sampler.minority_label_
    policy_map(sampler, X, y, tmp_path / "p.png")
    ax = saved[-1].axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "synthetic normal" in labels and "synthetic anomaly" in labels
    assert "synthetic" not in labels


def test_regions_are_drawn_for_a_constant_feature():
    # The grid had zero height along a constant feature: the regions were drawn with no area,
    # a map of points only that looked like a classifier with no decision.
    from sklearn.neighbors import KNeighborsClassifier

    rng = np.random.default_rng(0)
    X = np.c_[rng.normal(size=60), np.ones(60)]
    y = (X[:, 0] > 1).astype(int)
    ax = Figure().subplots()
    _regions(ax, KNeighborsClassifier(3).fit(X, y), X)
    filled = [p for p in ax.collections[0].get_paths() if len(p.vertices)]
    assert filled and all(p.get_extents().height > 0 for p in filled)


def test_a_one_seed_margin_bar_draws_no_error_bar(tmp_path, saved):
    # One seed's standard error is unknown (NaN); it was drawn as 0: a capped error bar of no
    # width, which reads as a margin known exactly.
    row = {"classifier": "knn", "baseline": "smote", "wins": 1, "ties": 0, "losses": 0}
    deltas = pd.DataFrame([{**row, "dataset": "a", "delta": 0.03, "se": np.nan, "n": 1},
                           {**row, "dataset": "mean", "delta": -0.01, "se": 0.01, "n": 3}])
    assert plot_margins(deltas, tmp_path / "m.png")
    ax = saved[-1].axes[0]
    bars = next(c for c in ax.containers if isinstance(c, BarContainer))
    caps = bars.errorbar.lines[1]
    # Bars run bottom-up: y=0 is "mean" (se 0.01), y=1 is "a" (one seed).
    x = np.array([np.asarray(line.get_xdata(), dtype=float) for line in caps])
    assert np.isfinite(x[:, 0]).all() and not np.isfinite(x[:, 1]).any()


def test_a_sweep_point_that_no_longer_parses_is_never_a_table2_baseline():
    from mixann.bench.report import is_table2_method

    # An older or hand-made database may hold sweep names today's bench refuses.
    assert not is_table2_method("mixann[selection_rule=auto]")
    assert not is_table2_method("mixann-paper[n_draws=10]")
    assert is_table2_method("autosmote") and is_table2_method("some-new-baseline")


@pytest.mark.parametrize("methods, out, message", [
    (["mixann", "bogus"], "fig5.png", "unknown method"),
    (["mixann"], "fig5.bogusext", "cannot write '.bogusext'"),
])
def test_case_study_refuses_a_bad_method_or_format_before_training(tmp_path, monkeypatch,
                                                                   methods, out, message):
    import mixann.sampler
    from mixann.datasets import make_diverse_minorities
    from mixann.plots import case_study

    def no_training(*args, **kwargs):
        raise AssertionError("trained before refusing")

    monkeypatch.setattr(mixann.sampler.MixAnN, "fit_resample", no_training)
    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    with pytest.raises(ValueError, match=message):
        case_study(tmp_path / out, X, y, methods=methods)


def test_margin_figure_keeps_every_label_inside_the_image(tmp_path, saved):
    # The x-axis label was centred under an axes narrowed by the long per-dataset tick labels,
    # so its end ran off the image's right edge (session 68's seeds 0-14 figure showed "W/T/L"
    # cut). Every text the panel draws must lie inside the figure.
    rows = [{"classifier": "xgboost", "baseline": "autosmote", "dataset": d, "delta": v,
             "se": se, "n": n, "wins": w, "ties": t, "losses": n - w - t}
            for d, v, se, n, w, t in (("vowels", -0.007, 0.009, 15, 5, 3),
                                      ("annthyroid", 0.010, 0.002, 15, 13, 0),
                                      ("mammography", 0.001, 0.005, 15, 10, 0),
                                      ("smtp", 0.101, 0.024, 15, 12, 3),
                                      ("mean", 0.028, 0.006, 90, 62, 6))]
    plot_margins(pd.DataFrame(rows), tmp_path / "m.png")
    fig = saved[-1]
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    texts = [t for ax in fig.axes for t in (ax.xaxis.label, ax.title, *ax.get_yticklabels())]
    assert texts and all(t.get_text() for t in texts[:2])
    for text in texts:
        extent = text.get_window_extent(renderer)
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1, text.get_text()
        assert box.y0 <= extent.y0 and extent.y1 <= box.y1, text.get_text()
