"""MixAnN's margin over the best other method, dataset by dataset, as numbers and a figure.

Issue 6's goal is a margin of at least +0.02 test macro-F1 over the best other method (the
non-MixAnN method with the highest mean over the datasets, ``none`` included) for each
classifier. The report's table gives that margin as one number; this module shows where it
comes from. :func:`margin_deltas` pairs MixAnN's test F1 with that method's on the same
(dataset, seed) and summarises the differences per dataset; :func:`plot_margins` draws them as
horizontal bars with a standard error each, next to the goal's line.

Why a standard error and not the std of the F1: with 6 to 10 test anomalies per split a cell's
F1 moves by 0.03 to 0.06 from seed to seed, for every method alike. The paired difference
cancels what the seed does to both methods; its standard error says how far a mean margin can
be trusted, and a bar whose error bar crosses the goal's line cannot tell meeting it from
missing it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Issue 6's margin: MixAnN's mean at least this far above the best other method's.
GOAL = 0.02
#: The row of the mean over every dataset of a classifier.
ALL = "mean"
_COLUMNS = ["classifier", "baseline", "dataset", "delta", "se", "n", "wins", "ties", "losses"]
#: Width of the figure, and height per bar, in inches.
PANEL_WIDTH, BAR_HEIGHT = 5.2, 0.42
DPI = 100


def standard_error(d):
    """Standard error of the mean of ``d`` (std with ddof=1 over sqrt(n)); NaN for one value."""
    return float(np.std(d, ddof=1) / np.sqrt(len(d))) if len(d) > 1 else float("nan")


def paired_f1(ok, method, other):
    """Test F1 of ``method`` and ``other`` on their common (dataset, seed) cells.

    ``ok`` holds one classifier's finished results. Returns a DataFrame indexed by
    ``(dataset, seed)`` with columns ``mixann`` (``method``'s F1) and ``base`` (``other``'s).
    """
    def f1(name):
        return ok[ok["method"] == name].set_index(["dataset", "seed"])["f1"]

    return pd.concat([f1(method), f1(other)], axis=1, join="inner",
                     keys=["mixann", "base"]).dropna()


def _summary(clf, baseline, dataset, delta, d):
    return {"classifier": clf, "baseline": baseline, "dataset": dataset, "delta": delta,
            "se": standard_error(d), "n": int(len(d)), "wins": int(np.sum(d > 0)),
            "ties": int(np.sum(d == 0)), "losses": int(np.sum(d < 0))}


def margin_deltas(ok, best, datasets=None):
    """Paired differences of test F1, MixAnN minus the best other method, per dataset.

    Parameters
    ----------
    ok : pandas.DataFrame
        Finished results with columns ``classifier, method, dataset, seed, f1`` (one row per
        cell, as the results database stores them).
    best : dict
        ``{classifier: method}``: the method MixAnN is measured against for each classifier,
        e.g. the best other method of :func:`mixann.bench.report.margin_summary`.
    datasets : list of str, optional
        The order of the rows (the report's column order); by default the order in which
        ``ok`` first names them. Datasets not listed are left out.

    Returns
    -------
    pandas.DataFrame
        Columns ``classifier, baseline, dataset, delta, se, n, wins, ties, losses``: one row per
        dataset where both methods have a seed in common (in ``datasets``' order), then one
        row ``dataset="mean"``. ``delta`` is the mean difference over the common seeds, ``se``
        its standard error (std with ddof=1 over sqrt(n); NaN for one seed), wins / ties /
        losses count the seeds. The ``mean`` row's ``delta`` is the mean of the datasets'
        deltas, which is the report's margin when every dataset has the same seeds; its ``se``,
        ``n`` and counts run over all the (dataset, seed) pairs, as the Wilcoxon table's do.

    Examples
    --------
    >>> import pandas as pd
    >>> from mixann.bench.margins import margin_deltas
    >>> ok = pd.DataFrame([("knn", m, d, s, f) for m, d, s, f in [
    ...     ("mixann", "a", 0, 0.9), ("mixann", "a", 1, 0.8), ("smote", "a", 0, 0.8),
    ...     ("smote", "a", 1, 0.8), ("mixann", "b", 0, 0.5), ("smote", "b", 0, 0.7)]],
    ...     columns=["classifier", "method", "dataset", "seed", "f1"])
    >>> out = margin_deltas(ok, {"knn": "smote"})
    >>> [(r.dataset, round(r.delta, 3), r.n, r.wins, r.ties, r.losses)
    ...  for r in out.itertuples()]
    [('a', 0.05, 2, 1, 1, 0), ('b', -0.2, 1, 0, 0, 1), ('mean', -0.075, 3, 1, 1, 1)]
    """
    from .report import MIXANN

    records = []
    for clf, baseline in best.items():
        if baseline is None:
            continue
        sub = ok[ok["classifier"] == clf]
        pairs = paired_f1(sub, MIXANN, baseline)
        diff = pairs["mixann"] - pairs["base"]
        present = set(diff.index.get_level_values("dataset"))
        order = datasets if datasets is not None else dict.fromkeys(sub["dataset"])
        per = [(d, diff.xs(d, level="dataset").to_numpy()) for d in order if d in present]
        if not per:
            continue
        rows = [_summary(clf, baseline, d, float(np.mean(v)), v) for d, v in per]
        records += rows + [_summary(clf, baseline, ALL, float(np.mean([r["delta"] for r in rows])),
                                    np.concatenate([v for _, v in per]))]
    return pd.DataFrame(records, columns=_COLUMNS)


def plot_margins(deltas, out, goal=GOAL, labels=None):
    """Draw :func:`margin_deltas` as one panel of horizontal bars per classifier into ``out``.

    Each bar is a dataset's mean difference (MixAnN minus the best other method), with one
    standard error either side; the last bar, ``mean``, is the classifier's margin. A solid line
    marks 0 and a dashed one the goal (+0.02). Bars at or above the goal are green, between 0
    and the goal grey, below 0 red. ``labels`` maps method names to display names. Returns the
    path written, or None when ``deltas`` is empty.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> from mixann.bench.margins import plot_margins
    >>> d = pd.DataFrame([{"classifier": "knn", "baseline": "smote", "dataset": "a",
    ...                    "delta": 0.03, "se": 0.01, "n": 5, "wins": 4, "ties": 0,
    ...                    "losses": 1}])
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "margin.png"
    >>> plot_margins(d, out) == out and out.stat().st_size > 0
    True
    >>> plot_margins(d.iloc[:0], out) is None
    True
    """
    # A bare Figure renders with the Agg canvas: no pyplot state, no display needed.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if deltas.empty:
        return None
    labels = labels or {}
    classifiers = list(dict.fromkeys(deltas["classifier"]))
    most_bars = int(deltas.groupby("classifier").size().max())
    fig = Figure(figsize=(PANEL_WIDTH * len(classifiers), BAR_HEIGHT * (most_bars + 3)))
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(classifiers), squeeze=False)[0]
    lo = min(0.0, float(np.nanmin(deltas["delta"] - deltas["se"].fillna(0)))) - 0.01
    hi = max(goal, float(np.nanmax(deltas["delta"] + deltas["se"].fillna(0)))) + 0.01
    for ax, clf in zip(axes, classifiers):
        part = deltas[deltas["classifier"] == clf].iloc[::-1]  # first dataset on top
        colours = ["tab:green" if v >= goal else ("tab:gray" if v >= 0 else "tab:red")
                   for v in part["delta"]]
        y = np.arange(len(part))
        # One seed's SE is unknown, not 0: NaN draws no error bar, where 0 drew a cap that
        # read as a certain margin.
        bars = ax.barh(y, part["delta"], xerr=part["se"], color=colours, capsize=3)
        for bar, dataset in zip(bars, part["dataset"]):
            # The classifier's margin in full colour and outlined, the datasets lighter.
            bar.set_alpha(1.0 if dataset == ALL else 0.55)
            bar.set_edgecolor("black" if dataset == ALL else "none")
        ax.set_yticks(y)
        # The value sits in the label, where no bar or error bar can cover it.
        ax.set_yticklabels([f"{d} {v:+.3f} (n={n}, {w}/{t}/{los})" for d, v, n, w, t, los in
                            zip(part["dataset"], part["delta"], part["n"], part["wins"],
                                part["ties"], part["losses"])], fontsize=8)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.axvline(goal, color="tab:green", linestyle="--", linewidth=1,
                   label=f"goal +{goal:g}")
        ax.set_xlim(lo, hi)
        baseline = part["baseline"].iloc[0]
        ax.set_title(f"{clf}: MixAnN − {labels.get(baseline, baseline)}", fontsize=9)
        # Two lines: on one, centred under an axes narrowed by the long tick labels, its end
        # ran off the image's right edge.
        ax.set_xlabel("test macro-F1 difference\n(± 1 SE over seeds; W/T/L)", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(out, dpi=DPI)
    return out
