"""Fig. 4 of the paper (hyperparameter study) from benchmark results.

Sweep cells are stored as methods ``mixann[K=5]``, ``mixann[eta=0.3]`` (see
:func:`mixann.bench.runner.parse_sweep`). :func:`sweep_summary` reads them back into one row per
(parameter, dataset, classifier, value) with the mean, std (ddof=1; 0 for one seed) and count of
the test macro-F1 over seeds; :func:`plot_sweep` draws one panel per dataset (vowels first, the
paper's dataset), one line per classifier, error bars = std over seeds, with matplotlib's Agg
backend.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Size of one panel in inches, and the resolution: a figure of n datasets is
#: ``(PANEL_SIZE[0] * n * DPI) x (PANEL_SIZE[1] * DPI)`` pixels.
PANEL_SIZE = (4.8, 3.6)
DPI = 100
PARAM_LABELS = {"K": "maximum neighbourhood size K", "eta": "threshold η"}

_COLUMNS = ["param", "dataset", "classifier", "value", "f1_mean", "f1_std", "n"]


def sweep_summary(ok):
    """Rows of the ``mixann[...]`` sweep cells in ``ok`` (a frame of ok results), summarized.

    Only sweeps of full MixAnN with a single parameter count. Returns a DataFrame with columns
    ``param, dataset, classifier, value, f1_mean, f1_std, n`` (empty when there are none);
    ``value`` is a number, or a name for ``selection_rule``.
    """
    from .runner import MIXANN, parse_method

    records = []
    for row in ok.itertuples(index=False):
        try:
            base, overrides = parse_method(row.method)
        except ValueError:
            continue
        if base != MIXANN or len(overrides) != 1:
            continue
        (param, value), = overrides.items()
        value = value if isinstance(value, str) else float(value)  # a rule's name stays one
        records.append({"param": param, "dataset": row.dataset, "classifier": row.classifier,
                        "value": value, "seed": row.seed, "f1": float(row.f1)})
    if not records:
        return pd.DataFrame(columns=_COLUMNS)
    # Sorted here, not by pandas: names and numbers share the value column, and one param's
    # values are all of one type, so this key never compares a name with a number.
    records.sort(key=lambda r: (r["param"], r["dataset"], r["classifier"], r["value"]))
    frame = pd.DataFrame(records)
    out = frame.groupby(["param", "dataset", "classifier", "value"], sort=False).agg(
        f1_mean=("f1", "mean"),
        f1_std=("f1", lambda s: float(np.std(s, ddof=1)) if len(s) > 1 else 0.0),
        n=("f1", "size")).reset_index()
    return out[_COLUMNS]


def _ordered(values, preferred):
    values = list(dict.fromkeys(values))
    return [v for v in preferred if v in values] + sorted(v for v in values if v not in preferred)


def plot_sweep(summary, param, out):
    """Draw Fig. 4 for ``param`` (``"K"`` or ``"eta"``) from :func:`sweep_summary` into ``out``.

    Returns the path written, or None when ``summary`` has no rows for ``param``.
    """
    # A bare Figure renders with the Agg canvas: no pyplot state, no display needed.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ..classifiers import CLASSIFIER_NAMES
    from ..datasets import ADBENCH_FILES

    sub = summary[summary["param"] == param]
    if sub.empty:
        return None
    datasets = _ordered(sub["dataset"], list(ADBENCH_FILES))
    fig = Figure(figsize=(PANEL_SIZE[0] * len(datasets), PANEL_SIZE[1]))
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(datasets), squeeze=False)
    for ax, dataset in zip(axes[0], datasets):
        part = sub[sub["dataset"] == dataset]
        for clf in _ordered(part["classifier"], CLASSIFIER_NAMES):
            line = part[part["classifier"] == clf].sort_values("value")
            ax.errorbar(line["value"], line["f1_mean"], yerr=line["f1_std"], marker="o",
                        capsize=3, label=clf)
        values = sorted(part["value"].unique())
        ax.set_xticks(values)
        ax.set_xticklabels([f"{v:g}" for v in values])
        seeds = sorted(part["n"].unique())
        ax.set_title(f"{dataset} (seeds per point: {', '.join(map(str, seeds))})", fontsize=9)
        ax.set_xlabel(PARAM_LABELS.get(param, param))
        ax.set_ylabel("test macro-F1")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=DPI)
    return out
