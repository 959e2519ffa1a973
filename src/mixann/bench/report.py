"""Table 2 of the paper from a results database, beside the paper's own numbers.

:func:`write_report` writes into ``out_dir``:

``table2.md``   rows = classifier x method, columns = datasets; each cell is
                ``P/R/F1 ± std(F1)`` (means over seeds, std of F1 over seeds), the best mean F1 per
                dataset and classifier in bold, then the paper's ``P/R/F1`` in brackets where the
                paper reports that cell; an ``Avg. F1`` column (mean of the per-dataset mean F1)
                and ``Δ vs MixAnN`` (a row's Avg. F1 minus MixAnN's, same classifier). The
                Wilcoxon section follows the table.
``table2.csv``  the same numbers, one column per quantity (no formatting).
``wilcoxon.md`` per classifier, MixAnN's test F1 against each baseline's over (dataset, seed)
                pairs: wins/ties/losses, mean difference, and scipy's two-sided signed-rank test,
                or a sentence saying why there is no test (too few pairs, all differences zero).
"""

from __future__ import annotations

import csv
import io
import math
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

# The paper's Table 2 method names -> ours.
PAPER_METHODS = {
    "w/o Augmentation": "none",
    "Random": "random",
    "SMOTE": "smote",
    "BorderlineSMOTE": "borderline-smote",
    "SVMSMOTE": "svm-smote",
    "ADASYN": "adasyn",
    "AutoSMOTE": "autosmote",
    "Mixboost": "mixboost",
    "MixAnN": "mixann",
}
METHOD_LABELS = {ours: paper for paper, ours in PAPER_METHODS.items()}
MIXANN = "mixann"
MIN_PAIRS = 2  # fewer (non-zero) pairs than this: no test, an explanation instead


def paper_table2():
    """The paper's Table 2 as a DataFrame with columns classifier, method (ours), dataset, P, R, F1."""
    text = resources.files("mixann.bench").joinpath("paper_tables.csv").read_text(encoding="utf-8")
    frame = pd.read_csv(io.StringIO(text))
    frame = frame[frame["table"] == "table2"].copy()
    frame["method"] = frame["method"].map(PAPER_METHODS).fillna(frame["method"])
    return frame[["classifier", "method", "dataset", "precision", "recall", "f1"]]


def _ordered(values, preferred):
    values = list(dict.fromkeys(values))
    head = [v for v in preferred if v in values]
    return head + sorted(v for v in values if v not in head)


def _load(db, budget):
    from .store import ResultStore

    with ResultStore(db) as store:
        rows = store.rows()
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame, frame, None, []
    budgets = sorted(frame["budget"].unique())
    if budget is None:
        budget = "paper" if "paper" in budgets else ("quick" if "quick" in budgets else budgets[0])
    frame = frame[frame["budget"] == budget]
    return frame[frame["status"] == "ok"], frame[frame["status"] == "failed"], budget, budgets


def _fmt(x, nd=2):
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"


def summarize(ok):
    """Mean P/R/F1, std of F1 and seed count per (classifier, method, dataset)."""
    g = ok.groupby(["classifier", "method", "dataset"])
    out = g.agg(precision=("precision", "mean"), recall=("recall", "mean"), f1=("f1", "mean"),
                f1_std=("f1", lambda s: float(np.std(s, ddof=1)) if len(s) > 1 else 0.0),
                n=("f1", "size"))
    return out.reset_index()


def wilcoxon_table(ok):
    """Rows of MixAnN-vs-baseline signed-rank tests, one per (classifier, baseline)."""
    from scipy.stats import wilcoxon

    from ..classifiers import CLASSIFIER_NAMES
    from .runner import all_methods

    rows = []
    for clf in _ordered(ok["classifier"], CLASSIFIER_NAMES):
        sub = ok[ok["classifier"] == clf]
        mix = sub[sub["method"] == MIXANN].set_index(["dataset", "seed"])["f1"]
        for method in _ordered(sub["method"], all_methods()):
            if method == MIXANN:
                continue
            base = sub[sub["method"] == method].set_index(["dataset", "seed"])["f1"]
            pairs = pd.concat([mix, base], axis=1, join="inner", keys=["mixann", "base"]).dropna()
            d = (pairs["mixann"] - pairs["base"]).to_numpy()
            row = {"classifier": clf, "baseline": method, "pairs": int(len(d)),
                   "wins": int(np.sum(d > 0)), "ties": int(np.sum(d == 0)),
                   "losses": int(np.sum(d < 0)),
                   "mean_delta_f1": float(np.mean(d)) if len(d) else float("nan"),
                   "statistic": float("nan"), "p_value": float("nan"), "note": ""}
            nonzero = int(np.sum(d != 0))
            if len(d) == 0:
                row["note"] = "no (dataset, seed) pairs with both MixAnN and this baseline"
            elif nonzero == 0:
                row["note"] = f"all {len(d)} differences are zero: the test is undefined"
            elif nonzero < MIN_PAIRS:
                row["note"] = (f"only {nonzero} non-zero difference(s): too few pairs for a test "
                               f"(need >= {MIN_PAIRS})")
            else:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        res = wilcoxon(pairs["mixann"], pairs["base"], zero_method="wilcox",
                                       alternative="two-sided")
                    row["statistic"], row["p_value"] = float(res.statistic), float(res.pvalue)
                    if nonzero < 6:
                        row["note"] = (f"{nonzero} non-zero pairs: p cannot fall below 0.05 "
                                       "with fewer than 6")
                except ValueError as exc:
                    row["note"] = f"test not computed: {exc}"
            rows.append(row)
    return rows


def _wilcoxon_md(rows, budget):
    lines = [f"## Wilcoxon signed-rank test: MixAnN vs each baseline (test macro-F1, budget "
             f"`{budget}`)", "",
             "Pairs are (dataset, seed) with both methods ok; two-sided, zero differences "
             "dropped (`zero_method='wilcox'`). Wins/ties/losses count MixAnN's F1 against the "
             "baseline's.", "",
             "| Classifier | Baseline | Pairs | MixAnN W/T/L | Mean ΔF1 | W | p-value | Note |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['classifier']} | {r['baseline']} | {r['pairs']} | "
                     f"{r['wins']}/{r['ties']}/{r['losses']} | {_fmt(r['mean_delta_f1'], 3)} | "
                     f"{_fmt(r['statistic'], 1)} | {_fmt(r['p_value'], 4)} | {r['note']} |")
    if not rows:
        lines.append("| | | 0 | | | | | no MixAnN results to compare |")
    return "\n".join(lines) + "\n"


def build_table(ok):
    """The Table 2 rows (list of dicts with numeric fields) and the dataset order."""
    from ..classifiers import CLASSIFIER_NAMES
    from ..datasets import ADBENCH_FILES
    from .runner import all_methods

    summ = summarize(ok)
    paper = paper_table2().set_index(["classifier", "method", "dataset"])
    datasets = _ordered(summ["dataset"], list(ADBENCH_FILES))
    idx = summ.set_index(["classifier", "method", "dataset"])
    rows = []
    for clf in _ordered(summ["classifier"], CLASSIFIER_NAMES):
        methods = _ordered(summ.loc[summ["classifier"] == clf, "method"], all_methods())
        best = summ[summ["classifier"] == clf].groupby("dataset")["f1"].max()
        for method in methods:
            row = {"classifier": clf, "method": method, "cells": {}}
            for ds in datasets:
                cell = {}
                if (clf, method, ds) in idx.index:
                    r = idx.loc[(clf, method, ds)]
                    cell.update(precision=float(r["precision"]), recall=float(r["recall"]),
                                f1=float(r["f1"]), f1_std=float(r["f1_std"]), n=int(r["n"]),
                                best=bool(np.isclose(r["f1"], best[ds])))
                if (clf, method, ds) in paper.index:
                    p = paper.loc[(clf, method, ds)]
                    cell.update(paper_precision=float(p["precision"]),
                                paper_recall=float(p["recall"]), paper_f1=float(p["f1"]))
                row["cells"][ds] = cell
            ours = [c["f1"] for c in row["cells"].values() if "f1" in c]
            row["avg_f1"] = float(np.mean(ours)) if ours else float("nan")
            theirs = [c["paper_f1"] for c in row["cells"].values() if "paper_f1" in c]
            row["paper_avg_f1"] = (float(np.mean(theirs)) if len(theirs) == len(datasets)
                                   else float("nan"))  # only when the paper has every column
            rows.append(row)
        mix = next((r for r in rows if r["classifier"] == clf and r["method"] == MIXANN), None)
        for r in rows:
            if r["classifier"] != clf:
                continue
            r["delta_vs_mixann"] = (r["avg_f1"] - mix["avg_f1"]) if mix else float("nan")
            r["paper_delta_vs_mixann"] = (r["paper_avg_f1"] - mix["paper_avg_f1"]) if mix else float("nan")
    return rows, datasets


def _cell_md(cell):
    if "f1" in cell:
        f1 = f"{cell['f1']:.2f}"
        f1 = f"**{f1}**" if cell["best"] else f1
        text = f"{cell['precision']:.2f}/{cell['recall']:.2f}/{f1} ± {cell['f1_std']:.2f}"
    else:
        text = "–"
    if "paper_f1" in cell:
        text += (f" [paper {cell['paper_precision']:.2f}/{cell['paper_recall']:.2f}/"
                 f"{cell['paper_f1']:.2f}]")
    return text


def _table_md(rows, datasets, budget, budgets, failed):
    seeds = sorted({c["n"] for r in rows for c in r["cells"].values() if "n" in c})
    lines = [f"# Table 2: macro precision / recall / F1 on test (budget `{budget}`)", "",
             "Each cell: mean P/R/F1 over seeds ± std of F1 (seeds per cell: "
             f"{', '.join(map(str, seeds)) or '0'}); best mean F1 per dataset and classifier in "
             "bold; the paper's P/R/F1 in brackets where the paper reports it. Avg. F1 = mean "
             "over the datasets shown (paper: only where it has every column); Δ vs MixAnN = "
             "row's Avg. F1 minus MixAnN's for the same classifier (ours, then the paper's). "
             "Protocol: stratified 80/20 train/test, 20% of train as validation, MinMax scaling "
             "fit on train.", ""]
    if len(budgets) > 1:
        lines += [f"The database also holds budgets {', '.join(b for b in budgets if b != budget)}"
                  " (use `--budget` to report them).", ""]
    header = ["Classifier", "Method", *datasets, "Avg. F1", "Δ vs MixAnN"]
    lines += ["| " + " | ".join(header) + " |",
              "|" + "|".join(["---", "---"] + ["---:"] * (len(datasets) + 2)) + "|"]
    for r in rows:
        avg = _fmt(r["avg_f1"])
        if not math.isnan(r["paper_avg_f1"]):
            avg += f" [paper {r['paper_avg_f1']:.2f}]"
        if r["method"] == MIXANN:
            delta = "–"
        else:
            delta = ("n/a (no MixAnN row)" if math.isnan(r["delta_vs_mixann"])
                     else f"{r['delta_vs_mixann']:+.3f}")
            if not math.isnan(r.get("paper_delta_vs_mixann", float("nan"))):
                delta += f" [paper {r['paper_delta_vs_mixann']:+.3f}]"
        lines.append("| " + " | ".join([r["classifier"], METHOD_LABELS.get(r["method"], r["method"]),
                                         *[_cell_md(r["cells"][d]) for d in datasets], avg, delta])
                     + " |")
    if not rows:
        lines.append("| (no ok results) |" + " |" * (len(header) - 1))
    if len(failed):
        lines += ["", f"{len(failed)} failed cell(s) left out (rerun `mixann bench` to retry):", ""]
        for _, f in failed.iterrows():
            first = (f["error"] or "").splitlines()[0] if f["error"] else ""
            lines.append(f"- {f['dataset']}/{f['classifier']}/{f['method']}/seed {f['seed']}: {first}")
    return "\n".join(lines) + "\n"


def _write_csv(rows, datasets, path):
    fields = ["classifier", "method", "method_label"]
    per = ["precision", "recall", "f1", "f1_std", "n", "best", "paper_precision",
           "paper_recall", "paper_f1"]
    fields += [f"{d}_{q}" for d in datasets for q in per]
    fields += ["avg_f1", "delta_vs_mixann", "paper_avg_f1", "paper_delta_vs_mixann"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for r in rows:
            out = {"classifier": r["classifier"], "method": r["method"],
                   "method_label": METHOD_LABELS.get(r["method"], r["method"])}
            for d in datasets:
                for q in per:
                    out[f"{d}_{q}"] = r["cells"][d].get(q, "")
            for q in ("avg_f1", "delta_vs_mixann", "paper_avg_f1", "paper_delta_vs_mixann"):
                v = r.get(q, float("nan"))
                out[q] = "" if isinstance(v, float) and math.isnan(v) else v
            writer.writerow(out)


def write_report(db, out_dir, budget=None):
    """Write ``table2.md``, ``table2.csv`` and ``wilcoxon.md`` for ``db`` into ``out_dir``.

    ``budget=None`` reports the ``paper`` budget if the database has it, else ``quick``, else
    the only one present. Returns the dict of written paths.
    """
    db = Path(db)
    if not db.is_file():
        raise FileNotFoundError(f"no results database at {db}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ok, failed, budget, budgets = _load(db, budget)
    if budget is None:
        rows, datasets, wil = [], [], []
    else:
        rows, datasets = build_table(ok) if len(ok) else ([], [])
        wil = wilcoxon_table(ok) if len(ok) else []
    wil_md = _wilcoxon_md(wil, budget)
    paths = {"md": out_dir / "table2.md", "csv": out_dir / "table2.csv",
             "wilcoxon": out_dir / "wilcoxon.md"}
    paths["md"].write_text(_table_md(rows, datasets, budget, budgets, failed) + "\n" + wil_md,
                           encoding="utf-8")
    paths["wilcoxon"].write_text(wil_md, encoding="utf-8")
    _write_csv(rows, datasets, paths["csv"])
    return paths
