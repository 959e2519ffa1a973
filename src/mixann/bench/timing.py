"""What each method costs: seconds per cell to resample and to fit the classifier.

Every bench cell records ``resample_seconds`` (the method's ``fit_resample`` on the train part,
validation included where the method uses it) and ``fit_seconds`` (the classifier's fit on the
result). Table 2 says how well a method does; this says what it costs, per classifier and
dataset, as the mean over seeds. Why both: MixAnN's and AutoSMOTE's cost is their search,
which refits the classifier many times, while the SMOTE family's is one pass over the data;
a method that adds many rows makes the classifier's own fit slower too (XGBoost's trees, the
MLP's epochs; KNN's fit only builds its index).

Cells run side by side on shared cores (``--jobs``) take longer than alone, so compare
methods of one run, not runs on different machines or with different ``--jobs``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The table's columns besides the per-dataset ones.
KEYS = ["classifier", "method"]


def timing_table(ok, datasets, methods=None):
    """Mean seconds per cell, per classifier, method and dataset.

    Parameters
    ----------
    ok : pandas.DataFrame
        The bench's ok rows (``classifier``, ``method``, ``dataset``, ``resample_seconds``,
        ``fit_seconds``).
    datasets : list of str
        The column order.
    methods : list of str, optional
        The row order within a classifier (default: as they come).

    Returns
    -------
    pandas.DataFrame
        One row per (classifier, method): ``<dataset>_resample`` and ``<dataset>_fit`` (mean
        seconds over seeds, NaN where a cell is missing), then ``mean_resample`` and
        ``mean_fit`` over the datasets present.

    Examples
    --------
    >>> import pandas as pd
    >>> ok = pd.DataFrame({"classifier": "knn", "method": ["none", "none", "smote"],
    ...                    "dataset": "d", "resample_seconds": [0.0, 0.2, 1.0],
    ...                    "fit_seconds": [1.0, 3.0, 4.0]})
    >>> timing_table(ok, ["d"])[["method", "d_resample", "d_fit", "mean_resample"]]
      method  d_resample  d_fit  mean_resample
    0   none         0.1    2.0            0.1
    1  smote         1.0    4.0            1.0
    """
    means = ok.groupby([*KEYS, "dataset"], sort=False)[["resample_seconds", "fit_seconds"]].mean()
    pairs = list(dict.fromkeys(zip(ok["classifier"], ok["method"])))
    if methods is not None:  # classifiers in their order of appearance, methods as given
        first = {clf: i for i, clf in enumerate(dict.fromkeys(ok["classifier"]))}
        rank = {m: i for i, m in enumerate(methods)}
        pairs.sort(key=lambda pair: (first[pair[0]], rank.get(pair[1], len(rank))))
    rows = []
    for clf, method in pairs:
        row = {"classifier": clf, "method": method}
        for part in ("resample", "fit"):
            values = [means[f"{part}_seconds"].get((clf, method, d), np.nan) for d in datasets]
            row.update({f"{d}_{part}": v for d, v in zip(datasets, values)})
            row[f"mean_{part}"] = float(np.nanmean(values)) if np.isfinite(values).any() else np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=[*KEYS, *(f"{d}_{part}" for part in ("resample", "fit")
                                                for d in datasets), "mean_resample", "mean_fit"])


def _seconds(x):
    """Seconds as a short string: "<0.01", 2 significant digits below 10 s, whole seconds
    from 10 s, "–" for a missing value."""
    if not np.isfinite(x):
        return "–"
    if x < 0.01:
        return "<0.01"
    return f"{x:.0f}" if x >= 10 else f"{x:.2g}"


def timing_md(table, datasets, budget, labels=None):
    """Markdown of :func:`timing_table`: ``resample + fit`` seconds per cell and dataset.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"classifier": ["knn"], "method": ["smote"], "d_resample": [0.012],
    ...                       "d_fit": [0.5], "mean_resample": [0.012], "mean_fit": [0.5]})
    >>> print(timing_md(table, ["d"], "quick", {"smote": "SMOTE"}).splitlines()[-1])
    | knn | SMOTE | 0.012 + 0.5 | 0.012 + 0.5 |
    """
    labels = labels or {}
    lines = [f"# Seconds per cell (budget `{budget}`)", "",
             "Resampling + the classifier's fit on the result, mean over seeds (see "
             "`mixann.bench.timing`: cells that ran side by side share the cores).", "",
             "| classifier | method | " + " | ".join(datasets) + " | mean |",
             "|---|---|" + "---:|" * (len(datasets) + 1)]
    for r in table.to_dict("records"):
        cells = [f"{_seconds(r[f'{d}_resample'])} + {_seconds(r[f'{d}_fit'])}"
                 for d in [*datasets, "mean"]]
        lines.append(f"| {r['classifier']} | {labels.get(r['method'], r['method'])} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
