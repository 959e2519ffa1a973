"""Table 2 of the paper from a results database, beside the paper's own numbers.

:func:`write_report` writes into ``out_dir``:

``table2.md``   rows = classifier x method, columns = datasets; each cell is
                ``P/R/F1 ± std(F1)`` (means over seeds, std of F1 over seeds), the best mean F1 per
                dataset and classifier in bold, then the paper's ``P/R/F1`` in brackets where the
                paper reports that cell; an ``Avg. F1`` column (mean of the per-dataset mean F1)
                and ``Δ vs MixAnN`` (a row's Avg. F1 minus MixAnN's, same classifier). Both
                run over the datasets where every row of the classifier has a result; a
                dataset left out is named under the table. The Wilcoxon section follows.
``table2.csv``  the same numbers, one column per quantity (no formatting).
``wilcoxon.md`` per classifier, MixAnN's test F1 against each baseline's over (dataset, seed)
                pairs: wins/ties/losses, mean difference, and scipy's two-sided signed-rank test,
                or a sentence saying why there is no test (too few pairs, all differences zero).

Table 2 and the Wilcoxon test use the horizontal methods only (none, the baselines, mixann);
the rows below come from the other methods of :mod:`mixann.bench.runner`, and each file is
written only when the database holds its rows:

``table3.md/.csv``  (detector rows present) Table 3: XGBOD, DevNet, DeepSAD (stored with
                    classifier ``-``), the best horizontal baseline per dataset (highest mean
                    F1 over every augmentation baseline, ``none`` excluded, and every
                    classifier; which one is named in the cell) and MixAnN with its best
                    classifier per dataset; the paper's Table 3 in brackets.
``table4.md/.csv``  (ablation rows present) Table 4: the three reward ablations and full MixAnN
                    per classifier (knn first) and dataset (vowels first); the paper's Table 4
                    (knn, vowels) beside.
``fig4_K.png``, ``fig4_eta.png``, ``fig4.csv``  (sweep rows ``mixann[K=..]`` /
                    ``mixann[eta=..]`` present) Fig. 4, see :mod:`mixann.bench.figures`.
``fig5.png``        only with ``case_study=True`` (``mixann report --case-study``): the case
                    study of :func:`mixann.plots.case_study` on toy2 from
                    :func:`mixann.datasets.load_toy2`; a ``fig5.png`` already in the folder is
                    kept and embedded.
``margin.png``, ``margin.csv``  (MixAnN rows present) per classifier and dataset, MixAnN's
                    test F1 minus the best other method's on the same seeds, with its standard
                    error, next to issue 6's goal line; see :mod:`mixann.bench.margins`.
``timing.md``, ``timing.csv``  seconds per cell to resample and to fit the classifier, per
                    classifier, method and dataset (mean over seeds); see
                    :mod:`mixann.bench.timing`.
``report.md``       Tables 2, 3, 4, the Wilcoxon table, the seconds per cell and the figures as
                    Markdown images; a missing piece is one line saying which ``mixann bench``
                    command fills it.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
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
    "MixAnN": "mixann-paper",  # the paper's numbers sit beside our run of its algorithm
}
METHOD_LABELS = {ours: paper for paper, ours in PAPER_METHODS.items()}
MIXANN = "mixann"
MIXANN_PAPER = "mixann-paper"
METHOD_LABELS.update({MIXANN: "MixAnN", MIXANN_PAPER: "MixAnN (paper preset)"})
#: Our two MixAnN rows: never counted as a baseline.
OURS = (MIXANN, MIXANN_PAPER)
BEST_BASELINE = "best-baseline"
# Table 3 and Table 4 row labels (the paper's) of our method names.
TABLE3_LABELS = {"xgbod": "XGBOD", "devnet": "DevNet", "deepsad": "DeepSAD",
                 BEST_BASELINE: "Best Baseline", MIXANN: "MixAnN"}
TABLE4_LABELS = {"mixann-random-reward": "Random reward",
                 "mixann-no-improvement": "w/o Improvement Stimulation (Eq. 5)",
                 "mixann-no-exploration": "w/o Model Exploration (Eq. 6)",
                 MIXANN: "Full MixAnN"}
NOT_RUN = {
    "table3": "not run: use `mixann bench --methods detectors ...` (and `--methods all` for the "
              "baseline and MixAnN rows)",
    "table4": "not run: use `mixann bench --methods ablations ...`",
    "fig4_K": "not run: use `mixann bench --sweep K=5,10,15,20,25 ...`",
    "fig4_eta": "not run: use `mixann bench --sweep eta=0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9 ...`",
    "fig5": "not drawn: use `mixann report --case-study` (needs toy2, see "
            "`mixann.datasets.load_toy2`)",
}
MIN_PAIRS = 2  # fewer (non-zero) pairs than this: no test, an explanation instead
#: The goal's verdict on one seed, in report.md and on the terminal: one split's F1 moves by
#: 0.03 to 0.06 from seed to seed, more than the goal's +0.02, and has no standard error.
NEEDS_SEEDS = "needs 2+ seeds"


def _paper(table):
    text = resources.files("mixann.bench").joinpath("paper_tables.csv").read_text(encoding="utf-8")
    frame = pd.read_csv(io.StringIO(text))
    return frame[frame["table"] == table].copy()


def paper_table3():
    """The paper's Table 3: columns method (our name), dataset, precision, recall, f1."""
    frame = _paper("table3")
    frame["method"] = frame["method"].map({v: k for k, v in TABLE3_LABELS.items()})
    return frame[["method", "dataset", "precision", "recall", "f1"]]


def paper_table4():
    """The paper's Table 4: columns classifier, method (our name), dataset, precision, recall, f1."""
    frame = _paper("table4")
    frame["method"] = frame["method"].map({v: k for k, v in TABLE4_LABELS.items()})
    return frame[["classifier", "method", "dataset", "precision", "recall", "f1"]]


def is_table2_method(method):
    """True for Table 2's horizontal methods: not a detector, ablation or sweep point."""
    from .runner import ABLATIONS, is_detector, parse_method

    if is_detector(method) or method in ABLATIONS:
        return False
    try:
        return not parse_method(method)[1]
    except ValueError:
        # A sweep point this version no longer parses (an older database's
        # `mixann[selection_rule=auto]`) is still a sweep point, never a "best other".
        return "[" not in method


def paper_table2():
    """The paper's Table 2 as a DataFrame with columns classifier, method (ours), dataset, P, R, F1."""
    frame = _paper("table2")
    frame["method"] = frame["method"].map(PAPER_METHODS).fillna(frame["method"])
    return frame[["classifier", "method", "dataset", "precision", "recall", "f1"]]


def _ordered(values, preferred):
    values = list(dict.fromkeys(values))
    head = [v for v in preferred if v in values]
    return head + sorted(v for v in values if v not in head)


def _load(dbs, budget, datasets=None, seeds=None, first_seed=0):
    from .store import ResultStore

    # The same file given twice (--db X --db ./X) is one database, not a clash of every cell.
    dbs = list({Path(db).resolve(): db for db in reversed(list(dbs))}.values())[::-1]
    frames = []
    for db in dbs:
        with ResultStore(db, new_ok=False, read_only=True) as store:  # reads, never writes
            part = pd.DataFrame(store.rows())
        if not part.empty:
            frames.append(part.assign(_db=str(db)))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if frame.empty:
        return frame, frame, None, []
    key = ["dataset", "classifier", "method", "seed", "budget"]
    is_ok = frame["status"] == "ok"
    ok_rows = frame[is_ok]
    clash = ok_rows[ok_rows.duplicated(key, keep=False)]
    if len(clash):
        # Why: two files with the same cell would make every mean depend on which one wins.
        first = clash.iloc[0]
        where = sorted(set(clash.loc[(clash[key] == first[key]).all(axis=1), "_db"]))
        raise ValueError(f"the cell {first['dataset']} / {first['classifier']} / "
                         f"{first['method']} / seed {first['seed']} / {first['budget']} is in "
                         f"more than one database ({', '.join(where)}); report them separately, "
                         "or give each classifier's cells in one file only")
    # A failed attempt of a cell that is ok in another file (or failed in two) is no clash:
    # the ok row is the cell's result, and one failure is listed once.
    failed = frame[~is_ok]
    failed = failed[~pd.MultiIndex.from_frame(failed[key]).isin(
        pd.MultiIndex.from_frame(ok_rows[key]))].drop_duplicates(key)
    frame = frame[is_ok | frame.index.isin(failed.index)].drop(columns="_db")
    source = ", ".join(str(d) for d in dbs)
    budgets = sorted(frame["budget"].unique())
    if budget is None:
        budget = "paper" if "paper" in budgets else ("quick" if "quick" in budgets else budgets[0])
    elif budget not in budgets:
        # Why: an unknown budget (a typo) would otherwise write an empty report and exit 0.
        raise ValueError(f"budget {budget!r} has no results in {source}; it holds "
                         f"{', '.join(budgets)}")
    frame = frame[frame["budget"] == budget]
    if datasets is not None:
        # Why: leave out a dataset whose row is unfinished (e.g. one classifier's slow cells).
        present = sorted(frame["dataset"].unique())
        missing = [d for d in datasets if d not in present]
        if missing or not datasets:
            raise ValueError(f"datasets {missing or list(datasets)} have no {budget!r} results "
                             f"in {source}; choose from {present}")
        frame = frame[frame["dataset"].isin(list(datasets))]
    if seeds is not None or first_seed:
        frame = _keep_seeds(frame, seeds, first_seed, budget, source)
    return frame[frame["status"] == "ok"], frame[frame["status"] == "failed"], budget, budgets


def _keep_seeds(frame, seeds, first_seed, budget, source):
    """The rows of seeds ``first_seed..first_seed+seeds-1`` (``seeds=None``: every seed from
    ``first_seed`` on), as ``mixann bench --seeds n --first-seed f`` runs them.

    A window the results do not hold whole is a ``ValueError`` that names the seeds they hold:
    a report of fewer seeds, or of others, would read as the table asked for.
    """
    if first_seed is None:
        first_seed = 0
    if isinstance(first_seed, bool) or not isinstance(first_seed, numbers.Integral) or \
            first_seed < 0:
        raise ValueError(f"first_seed must be an integer >= 0 (the first seed reported), got "
                         f"{first_seed!r}")
    if seeds is not None and (isinstance(seeds, bool) or not isinstance(seeds, numbers.Integral)
                              or seeds < 1):
        raise ValueError(f"seeds must be an integer >= 1 (seeds 0..n-1 are reported), "
                         f"got {seeds!r}")
    held = sorted({int(seed) for seed in frame["seed"]})
    if seeds is None:
        # Why: the fresh seeds of a database that a later run extended (e.g. 15..24 beside 0..14).
        if not any(seed >= first_seed for seed in held):
            raise ValueError(f"seeds {first_seed} and on asked for, but the {budget!r} results in "
                             f"{source} hold seeds {seed_span(held)}; lower --first-seed")
        return frame[frame["seed"] >= first_seed]
    last = first_seed + seeds - 1
    window = f"{first_seed}..{last}"
    if first_seed == 0 and held and held[0] > 0:
        # Why: a database run with --first-seed holds no seed 0; --seeds n would report
        # nothing, or a few of its seeds as if they were the first n.
        raise ValueError(f"seeds {window} asked for, but the {budget!r} results in {source} hold "
                         f"seeds {seed_span(held)} (run with --first-seed); leave --seeds out to "
                         f"report the seeds they hold, or give --first-seed")
    missing = [seed for seed in range(first_seed, last + 1) if seed not in held]
    if missing:
        # Why: asked for n seeds, a report of fewer would read as the n-seed table.
        start = f" --first-seed {first_seed}" if first_seed else ""
        raise ValueError(f"seeds {window} asked for, but the {budget!r} results in {source} hold "
                         f"seeds {seed_span(held)} only (not {seed_span(missing)}); run mixann "
                         f"bench --seeds {seeds}{start} to add the rest (it resumes), or ask for "
                         f"seeds they hold")
    return frame[(frame["seed"] >= first_seed) & (frame["seed"] <= last)]


def seed_span(seeds):
    """``seeds`` (sorted ints) as runs: ``0..9``, ``0..4, 10..14``, ``3``.

    Examples
    --------
    >>> from mixann.bench.report import seed_span
    >>> seed_span([0, 1, 2, 3, 4, 10, 11, 12, 13, 14]), seed_span([3]), seed_span([])
    ('0..4, 10..14', '3', 'none')
    """
    runs = []
    for seed in seeds:
        if runs and seed == runs[-1][1] + 1:
            runs[-1][1] = seed
        else:
            runs.append([seed, seed])
    return ", ".join(f"{a}..{b}" if b > a else f"{a}" for a, b in runs) or "none"


class NoResults(ValueError):
    """The databases hold nothing to report: no rows at all, or only failed cells."""


def _no_results(dbs, failed, budget, selected):
    """Why there is nothing to report (the message of :class:`NoResults`)."""
    source = ", ".join(str(d) for d in dbs)
    holds = "holds" if len(dbs) == 1 else "hold"
    if budget is None:
        return f"{source} {holds} no results; run `mixann bench ... --db {dbs[0]}` first"
    where = " for the datasets and seeds asked for" if selected else ""
    if not len(failed):
        return f"{source} {holds} no {budget!r} results{where}; run `mixann bench` first"
    first = failed.iloc[0]
    error = first["error"]
    error = error.strip().splitlines()[0] if isinstance(error, str) and error.strip() else \
        "no message"
    return (f"{source} {holds} no ok {budget!r} results{where}: all {len(failed)} cell(s) "
            f"failed (e.g. {first['dataset']}/{first['classifier']}/{first['method']}/seed "
            f"{first['seed']}: {error}); fix the cause and rerun `mixann bench`, which retries "
            "them")


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
    from .margins import paired_f1, standard_error
    from .runner import all_methods

    rows = []
    for clf in _ordered(ok["classifier"], CLASSIFIER_NAMES):
        sub = ok[ok["classifier"] == clf]
        for method in _ordered(sub["method"], all_methods()):
            if method == MIXANN:
                continue
            pairs = paired_f1(sub, MIXANN, method)
            d = (pairs["mixann"] - pairs["base"]).to_numpy()
            row = {"classifier": clf, "baseline": method, "pairs": int(len(d)),
                   "wins": int(np.sum(d > 0)), "ties": int(np.sum(d == 0)),
                   "losses": int(np.sum(d < 0)),
                   "mean_delta_f1": float(np.mean(d)) if len(d) else float("nan"),
                   # Why: with 6 to 10 test anomalies per split, one cell's F1 moves by
                   # 0.03-0.06; the standard error says how far a mean margin can be trusted.
                   "se_delta_f1": standard_error(d),
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
             "baseline's. SE = standard error of the mean ΔF1 over the pairs (their std / "
             "sqrt(pairs)): a margin within two SEs of a goal cannot tell meeting it from "
             "missing it.", "",
             "| Classifier | Baseline | Pairs | MixAnN W/T/L | Mean ΔF1 | SE | W | p-value | Note |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['classifier']} | {r['baseline']} | {r['pairs']} | "
                     f"{r['wins']}/{r['ties']}/{r['losses']} | {_fmt(r['mean_delta_f1'], 3)} | "
                     f"{_fmt(r['se_delta_f1'], 3)} | {_fmt(r['statistic'], 1)} | "
                     f"{_fmt(r['p_value'], 4)} | {r['note']} |")
    if not rows:
        lines.append("| | | 0 | | | | | | no MixAnN results to compare |")
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
            rows.append(row)
        average_over_shared([r for r in rows if r["classifier"] == clf], datasets)
        mix = next((r for r in rows if r["classifier"] == clf and r["method"] == MIXANN), None)
        # The paper's deltas are against the paper's MixAnN row (beside our mixann-paper).
        mix_p = next((r for r in rows if r["classifier"] == clf and r["method"] == MIXANN_PAPER),
                     None)
        for r in rows:
            if r["classifier"] != clf:
                continue
            r["delta_vs_mixann"] = (r["avg_f1"] - mix["avg_f1"]) if mix else float("nan")
            r["paper_delta_vs_mixann"] = ((r["paper_avg_f1"] - mix_p["paper_avg_f1"]) if mix_p
                                          else float("nan"))
    return rows, datasets


def average_over_shared(rows, datasets):
    """Set each row's ``avg_f1`` to its mean F1 over the datasets where every row has a result.

    ``rows`` are one table's rows (one classifier's in Table 2), each with ``cells`` keyed by
    the names in ``datasets``. A row without any result (a method not run) does not count. A
    dataset some row lacks is left out of every row's average, so that the rows and the
    Δ vs MixAnN between them are over the same datasets; each row gets ``avg_datasets``, the
    datasets averaged over (empty: no dataset is shared, ``avg_f1`` is NaN), and
    ``paper_avg_f1``, the paper's mean F1 over the same datasets (NaN unless the paper has
    every one of them). With every cell present the averages are the plain means over
    ``datasets``.

    Examples
    --------
    >>> from mixann.bench.report import average_over_shared
    >>> rows = [{"cells": {"a": {"f1": 0.5}, "b": {"f1": 0.9}}},
    ...         {"cells": {"a": {"f1": 0.7}, "b": {}}}, {"cells": {"a": {}, "b": {}}}]
    >>> average_over_shared(rows, ["a", "b"])
    ['a']
    >>> [r["avg_f1"] for r in rows][:2], rows[0]["avg_datasets"]
    ([0.5, 0.7], ['a'])
    """
    run = [r for r in rows if any("f1" in r["cells"][d] for d in datasets)]
    shared = [d for d in datasets if all("f1" in r["cells"][d] for r in run)]
    for r in rows:
        ours = [r["cells"][d]["f1"] for d in shared if "f1" in r["cells"][d]]
        r["avg_f1"] = float(np.mean(ours)) if ours else float("nan")
        r["avg_datasets"] = list(shared) if ours else []
        theirs = [r["cells"][d]["paper_f1"] for d in shared if "paper_f1" in r["cells"][d]]
        r["paper_avg_f1"] = (float(np.mean(theirs)) if theirs and len(theirs) == len(shared)
                             else float("nan"))  # only when the paper has every column
    return shared


def _average_notes(groups, datasets):
    """Lines under a table naming the datasets its averages leave out (none when complete).

    ``groups`` maps a label (a classifier; ``Table 3``) to the rows averaged together by
    :func:`average_over_shared`; a group whose averages cover all of ``datasets`` adds nothing.
    """
    notes = []
    for label, rows in groups.items():
        run = [r for r in rows if any("f1" in r["cells"][d] for d in datasets)]
        shared = next((r["avg_datasets"] for r in run if r["avg_datasets"]), [])
        if not run or shared == list(datasets):
            continue
        if shared:
            out = [d for d in datasets if d not in shared]
            notes.append(f"- {label}: Avg. F1 (ours and the paper's) and Δ vs MixAnN are over "
                         f"{', '.join(shared)} only; {', '.join(out)} left out, where a row has "
                         "no result (–).")
        else:
            notes.append(f"- {label}: no dataset has a result in every row, so no Avg. F1 or "
                         "Δ vs MixAnN (the rows would be averaged over different datasets).")
    return ["", "Averages over the same datasets only:", "", *notes] if notes else []


def margin_summary(rows, datasets):
    """Per classifier: MixAnN's margin over the best other method, and every losing cell.

    ``rows`` and ``datasets`` come from :func:`build_table`. "Other" is any method but our
    two MixAnN rows (``none`` included). Averages run over the datasets where MixAnN has a
    result. Returns one dict per classifier with ``mixann``, ``paper_preset``, ``best``
    (method, avg), ``margin``, ``seeds`` (the fewest seeds of a MixAnN or best-other cell;
    cells without ``n`` count as 2), ``goal_met`` (margin >= 0.02 and never below ``none`` by
    more than one std, on 2 seeds or more: one seed cannot meet it), ``oracle`` (the mean
    over the datasets of the best other method *on each dataset*: what choosing the right
    baseline per dataset with hindsight would score) and ``losses`` (one line of text per
    losing dataset).

    Why the oracle: when ``oracle < best + 0.02``, the goal can only be met by beating the
    best baseline on most datasets, which says how far a resampler alone can go.

    Examples
    --------
    >>> from mixann.bench.report import margin_summary
    >>> cell = lambda f: {"f1": f, "f1_std": 0.01}
    >>> rows = [{"classifier": "knn", "method": m, "cells": {"a": cell(fa), "b": cell(fb)}}
    ...         for m, fa, fb in [("none", 0.5, 0.9), ("smote", 0.8, 0.7), ("mixann", 0.8, 0.9)]]
    >>> r = margin_summary(rows, ["a", "b"])[0]
    >>> r["best"], round(r["margin"], 3), round(r["oracle"], 3), r["goal_met"]
    (('smote', 0.75), 0.1, 0.85, True)
    """
    out = []
    for clf in dict.fromkeys(r["classifier"] for r in rows):
        mine = {r["method"]: r for r in rows if r["classifier"] == clf}
        mix = mine.get(MIXANN)
        if mix is None:
            continue
        ds = [d for d in datasets if "f1" in mix["cells"][d]]

        def avg(row):
            vals = [row["cells"][d]["f1"] for d in ds if "f1" in row["cells"][d]]
            return float(np.mean(vals)) if len(vals) == len(ds) and vals else float("nan")

        others = {m: avg(r) for m, r in mine.items() if m not in OURS}
        others = {m: v for m, v in others.items() if not math.isnan(v)}
        best = max(others, key=others.get) if others else None
        losses, below_none, tops = [], False, []
        for d in ds:
            f = mix["cells"][d]["f1"]
            per = {m: r["cells"][d]["f1"] for m, r in mine.items()
                   if m not in OURS and "f1" in r["cells"][d]}
            if per:
                top = max(per, key=per.get)
                tops.append(per[top])
                if f < per[top]:
                    losses.append(f"{d}: MixAnN {f:.3f} < {METHOD_LABELS.get(top, top)} "
                                  f"{per[top]:.3f} ({f - per[top]:+.3f})")
            none = mine.get("none", {"cells": {}})["cells"].get(d, {})
            if "f1" in none and f < none["f1"] - none["f1_std"]:
                below_none = True
                losses.append(f"{d}: MixAnN {f:.3f} is below `none` {none['f1']:.3f} by more "
                              f"than its std {none['f1_std']:.3f}")
        margin = avg(mix) - others[best] if best else float("nan")
        # Why: one seed's margin has no standard error and moves by more than the goal.
        seeds = min((row["cells"][d].get("n", 2) for row in (mix, mine.get(best)) if row
                     for d in ds if "f1" in row["cells"][d]), default=2)
        paper = mine.get(MIXANN_PAPER)
        out.append({"classifier": clf, "datasets": ds, "mixann": avg(mix),
                    "paper_preset": avg(paper) if paper else float("nan"),
                    "none": others.get("none", float("nan")), "best": (best, others.get(best)),
                    "margin": margin, "below_none": below_none, "seeds": seeds,
                    "oracle": (float(np.mean(tops)) if tops and len(tops) == len(ds)
                               else float("nan")),
                    "goal_met": bool(best and margin >= 0.02 and not below_none
                                     and seeds >= 2),
                    "losses": losses})
    return out


def _margin_md(summary):
    if not summary:
        return ""
    lines = ["## MixAnN against the best other method", "",
             "Avg. F1 over the datasets MixAnN ran on; best other = the non-MixAnN method "
             "(`none` included) with the highest Avg. F1 for that classifier. Goal (issue 6): "
             "margin >= +0.02 and never below `none` by more than one std. Per-dataset best "
             "other = the mean over the datasets of the best other method on each one (a "
             "hindsight choice of baseline per dataset); when it is below best other + 0.02, "
             "the goal needs MixAnN to beat every baseline on most datasets."
             + (" One seed is not judged (" + NEEDS_SEEDS + "): its margin has no standard "
                "error and moves by more than the goal from seed to seed."
                if any(r.get("seeds", 2) < 2 for r in summary) else ""), "",
             "| Classifier | MixAnN | MixAnN (paper preset) | none | best other | margin | "
             "per-dataset best other | goal |",
             "|---|---:|---:|---:|---|---:|---:|---|"]
    for r in summary:
        name, value = r["best"]
        best = f"{METHOD_LABELS.get(name, name)} {value:.3f}" if name else "–"
        lines.append(f"| {r['classifier']} | {r['mixann']:.3f} | {_fmt(r['paper_preset'], 3)} | "
                     f"{_fmt(r['none'], 3)} | {best} | {_fmt(r['margin'], 3)} | "
                     f"{_fmt(r['oracle'], 3)} | {_goal(r)} |")
    lines += ["", "Cells where MixAnN loses:", ""]
    for r in summary:
        lines += [f"- {r['classifier']}: " + (line if line else "")
                  for line in (r["losses"] or ["none"])]
    return "\n".join(lines) + "\n"


def _goal(r):
    """The goal column of a margin_summary row: met, not met, or not judged on one seed."""
    if r.get("seeds", 2) < 2:
        return NEEDS_SEEDS
    return "met" if r["goal_met"] else "not met"


def _spread(cell):
    """`` ± std`` of a cell's F1 over seeds; nothing for one seed, whose std is not 0 but unknown.

    Examples
    --------
    >>> from mixann.bench.report import _spread
    >>> _spread({"f1_std": 0.0312, "n": 5}), _spread({"f1_std": 0.0, "n": 1})
    (' ± 0.03', '')
    """
    return f" ± {cell['f1_std']:.2f}" if cell.get("n", 2) > 1 else ""


def _cell_md(cell):
    if "f1" in cell:
        f1 = f"{cell['f1']:.2f}"
        f1 = f"**{f1}**" if cell["best"] else f1
        text = f"{cell['precision']:.2f}/{cell['recall']:.2f}/{f1}{_spread(cell)}"
        if cell.get("via"):
            text += f" ({cell['via']})"
    else:
        text = "–"
    if "paper_f1" in cell:
        text += (f" [paper {cell['paper_precision']:.2f}/{cell['paper_recall']:.2f}/"
                 f"{cell['paper_f1']:.2f}]")
    return text


def _table_md(rows, datasets, budget, budgets, failed):
    seeds = sorted({c["n"] for r in rows for c in r["cells"].values() if "n" in c})
    lines = [f"# Table 2: macro precision / recall / F1 on test (budget `{budget}`)", "",
             "Each cell: mean P/R/F1 over seeds ± std of F1 (no ± for one seed; seeds per cell: "
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
    has_mix = {r["classifier"] for r in rows if r["method"] == MIXANN}
    for r in rows:
        avg = _fmt(r["avg_f1"]) or "n/a"
        if not math.isnan(r["paper_avg_f1"]):
            avg += f" [paper {r['paper_avg_f1']:.2f}]"
        if r["method"] == MIXANN:
            delta = "–"
        else:
            if r["classifier"] not in has_mix:
                delta = "n/a (no MixAnN row)"
            elif math.isnan(r["delta_vs_mixann"]):
                delta = "n/a"  # no dataset where every row has a result (said under the table)
            else:
                delta = f"{r['delta_vs_mixann']:+.3f}"
            if not math.isnan(r.get("paper_delta_vs_mixann", float("nan"))):
                delta += f" [paper {r['paper_delta_vs_mixann']:+.3f}]"
        lines.append("| " + " | ".join([r["classifier"], METHOD_LABELS.get(r["method"], r["method"]),
                                         *[_cell_md(r["cells"][d]) for d in datasets], avg, delta])
                     + " |")
    if not rows:
        lines.append("| (no ok results) |" + " |" * (len(header) - 1))
    lines += _average_notes({c: [r for r in rows if r["classifier"] == c]
                             for c in dict.fromkeys(r["classifier"] for r in rows)}, datasets)
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


# ---------------------------------------------------------------- Table 3
def _cell_from(r):
    return dict(precision=float(r["precision"]), recall=float(r["recall"]), f1=float(r["f1"]),
                f1_std=float(r["f1_std"]), n=int(r["n"]))


def build_table3(ok):
    """Table 3 rows (dicts like :func:`build_table`'s) and datasets; ``([], [])`` without detectors.

    Datasets are those with detector results. Best Baseline: per dataset, the (baseline,
    classifier) with the highest mean F1 among the augmentation baselines (``none`` and
    ``mixann`` excluded); MixAnN: its classifier with the highest mean F1 per dataset.
    """
    from ..datasets import ADBENCH_FILES
    from .runner import DETECTOR_CLASSIFIER, DETECTORS

    summ = summarize(ok)
    det = summ[summ["method"].isin(DETECTORS) & (summ["classifier"] == DETECTOR_CLASSIFIER)]
    if det.empty:
        return [], []
    datasets = _ordered(det["dataset"], list(ADBENCH_FILES))
    horizontal = summ[summ["method"].map(is_table2_method)
                      & (summ["classifier"] != DETECTOR_CLASSIFIER)]
    groups = {m: det[det["method"] == m] for m in DETECTORS}
    groups[BEST_BASELINE] = horizontal[~horizontal["method"].isin(["none", *OURS])]
    groups[MIXANN] = horizontal[horizontal["method"] == MIXANN]
    paper = paper_table3().set_index(["method", "dataset"])
    rows = []
    for method, frame in groups.items():
        row = {"category": "Label-informed" if method in DETECTORS else "Data Augmentation",
               "method": method, "cells": {}}
        for ds in datasets:
            cell, part = {}, frame[frame["dataset"] == ds]
            if len(part):
                r = part.loc[part["f1"].idxmax()]
                cell = _cell_from(r)
                if method == BEST_BASELINE:
                    label = METHOD_LABELS.get(r["method"], r["method"])
                    cell["via"] = f"{label}, {r['classifier']}"
                elif method == MIXANN:
                    cell["via"] = r["classifier"]
            if (method, ds) in paper.index:
                pr = paper.loc[(method, ds)]
                cell.update(paper_precision=float(pr["precision"]),
                            paper_recall=float(pr["recall"]), paper_f1=float(pr["f1"]))
            row["cells"][ds] = cell
        rows.append(row)
    for ds in datasets:
        f1s = [r["cells"][ds]["f1"] for r in rows if "f1" in r["cells"][ds]]
        for r in rows:
            if "f1" in r["cells"][ds]:
                r["cells"][ds]["best"] = bool(np.isclose(r["cells"][ds]["f1"], max(f1s)))
    mix = rows[-1]
    average_over_shared(rows, datasets)
    for r in rows:
        r["delta_vs_mixann"] = r["avg_f1"] - mix["avg_f1"]
    return rows, datasets


def _table3_md(rows, datasets, budget):
    lines = [f"# Table 3: label-informed detectors vs data augmentation (budget `{budget}`)", "",
             "Each cell: mean P/R/F1 over seeds ± std of F1 (no ± for one seed); best mean F1 "
             "per dataset in bold; "
             "the paper's P/R/F1 in brackets. Detectors are fit on train and thresholded on "
             "validation (no downstream classifier; stored with classifier `-`). Best Baseline "
             "= the augmentation baseline and classifier with the highest mean F1 on that "
             "dataset (named in parentheses; `none` excluded); MixAnN = its best classifier "
             "on that dataset. Avg. F1 = mean over the datasets shown; Δ vs MixAnN = row's "
             "Avg. F1 minus MixAnN's.", "",
             "| Category | Method | " + " | ".join(datasets) + " | Avg. F1 | Δ vs MixAnN |",
             "|" + "|".join(["---", "---"] + ["---:"] * (len(datasets) + 2)) + "|"]
    for r in rows:
        avg = _fmt(r["avg_f1"])
        if not math.isnan(r["paper_avg_f1"]):
            avg += f" [paper {r['paper_avg_f1']:.2f}]"
        delta = "–" if r["method"] == MIXANN or math.isnan(r["delta_vs_mixann"]) else \
            f"{r['delta_vs_mixann']:+.3f}"
        lines.append("| " + " | ".join([r["category"], TABLE3_LABELS[r["method"]],
                                         *[_cell_md(r["cells"][d]) for d in datasets], avg,
                                         delta]) + " |")
    missing = {BEST_BASELINE: "`mixann bench --methods all ...`",
               MIXANN: "`mixann bench --methods mixann ...`"}
    notes = [f"- {TABLE3_LABELS[r['method']]}: not run: use {missing[r['method']]}"
             for r in rows if r["method"] in missing
             and not any("f1" in c for c in r["cells"].values())]
    if notes:
        lines += ["", *notes]
    lines += _average_notes({"Table 3": rows}, datasets)
    return "\n".join(lines) + "\n"


def _write_table3_csv(rows, datasets, path):
    per = ["precision", "recall", "f1", "f1_std", "n", "best", "via", "paper_precision",
           "paper_recall", "paper_f1"]
    fields = ["category", "method", "method_label", *[f"{d}_{q}" for d in datasets for q in per],
              "avg_f1", "delta_vs_mixann", "paper_avg_f1"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for r in rows:
            out = {"category": r["category"], "method": r["method"],
                   "method_label": TABLE3_LABELS[r["method"]]}
            for d in datasets:
                for q in per:
                    out[f"{d}_{q}"] = r["cells"][d].get(q, "")
            for q in ("avg_f1", "delta_vs_mixann", "paper_avg_f1"):
                out[q] = "" if math.isnan(r[q]) else r[q]
            writer.writerow(out)


# ---------------------------------------------------------------- Table 4
def build_table4(ok):
    """Table 4 rows, one per (classifier, dataset, ablation or full MixAnN); [] without ablations.

    Groups are the (classifier, dataset) pairs with ablation results, knn and vowels first.
    """
    from ..classifiers import CLASSIFIER_NAMES
    from ..datasets import ADBENCH_FILES
    from .runner import ABLATIONS

    summ = summarize(ok)
    abl = summ[summ["method"].isin(ABLATIONS)]
    if abl.empty:
        return []
    idx = summ.set_index(["classifier", "method", "dataset"])
    paper = paper_table4().set_index(["classifier", "method", "dataset"])
    rows = []
    for clf in _ordered(abl["classifier"], CLASSIFIER_NAMES):
        for ds in _ordered(abl.loc[abl["classifier"] == clf, "dataset"], list(ADBENCH_FILES)):
            group = []
            for method in TABLE4_LABELS:
                row = {"classifier": clf, "dataset": ds, "method": method}
                if (clf, method, ds) in idx.index:
                    row.update(_cell_from(idx.loc[(clf, method, ds)]))
                if (clf, method, ds) in paper.index:
                    pr = paper.loc[(clf, method, ds)]
                    row.update(paper_precision=float(pr["precision"]),
                               paper_recall=float(pr["recall"]), paper_f1=float(pr["f1"]))
                group.append(row)
            best = max(r["f1"] for r in group if "f1" in r)
            for r in group:
                if "f1" in r:
                    r["best"] = bool(np.isclose(r["f1"], best))
            rows += group
    return rows


def _table4_md(rows, budget):
    lines = [f"# Table 4: reward ablations (budget `{budget}`)", "",
             "Mean macro P/R/F1 on test over seeds ± std of F1 (no ± for one seed); best mean F1 "
             "per classifier and "
             "dataset in bold; the paper's numbers (KNN, vowels) beside. Each ablation is MixAnN "
             "with that reward and otherwise the settings and split of full MixAnN (default "
             "preset).", "",
             "| Classifier | Dataset | Ablation | Precision | Recall | F1 ± std | Seeds | "
             "Paper P/R/F1 |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        if "f1" in r:
            f1 = f"{r['f1']:.2f}"
            f1 = f"**{f1}**" if r["best"] else f1
            ours = [f"{r['precision']:.2f}", f"{r['recall']:.2f}", f"{f1}{_spread(r)}",
                    str(r["n"])]
        else:
            ours = ["–", "–", "not run", "0"]
        paper = (f"{r['paper_precision']:.2f}/{r['paper_recall']:.2f}/{r['paper_f1']:.2f}"
                 if "paper_f1" in r else "")
        lines.append("| " + " | ".join([r["classifier"], r["dataset"],
                                         TABLE4_LABELS[r["method"]], *ours, paper]) + " |")
    return "\n".join(lines) + "\n"


def _write_table4_csv(rows, path):
    fields = ["classifier", "dataset", "method", "method_label", "precision", "recall", "f1",
              "f1_std", "n", "best", "paper_precision", "paper_recall", "paper_f1"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for r in rows:
            writer.writerow({**{f: r.get(f, "") for f in fields},
                             "method_label": TABLE4_LABELS[r["method"]]})


# ---------------------------------------------------------------- report.md
def _demote(md):
    """Markdown headings one level down, to nest a file's text in report.md."""
    return "\n".join("#" + line if line.startswith("#") else line for line in md.splitlines())


#: report.md's first line, up to the budget: how a later report knows the folder is one.
REPORT_TITLE = "# MixAnN benchmark report"


def _report_md(budget, sections):
    lines = [f"{REPORT_TITLE} (budget `{budget}`)", "",
             "Tables 2-4, the Wilcoxon test and Figures 4-5 of the paper, regenerated by "
             "`mixann report` from the results database. A missing piece says which command "
             "fills it.", ""]
    for title, body in sections:
        # A body that starts with its own (demoted) heading needs no section title.
        lines += ([] if body.startswith("## ") else [f"## {title}", ""]) + [body.rstrip(), ""]
    return "\n".join(lines)


def _draw_case_study(path):
    """Fig. 5 via :func:`mixann.plots.case_study` on toy2; returns None or why it was not drawn."""
    from .. import plots
    from ..datasets import load_toy2, toy2_path

    try:
        X, y = load_toy2()
    except (FileNotFoundError, ValueError) as exc:  # missing or malformed: exc names the file
        return f"not drawn: {exc}"
    try:
        plots.case_study(path, X, y)
    except ValueError as exc:  # e.g. too few anomalies for a method's neighbours
        return f"not drawn from {toy2_path()}: {exc}"
    return None


def write_report(db, out_dir, budget=None, case_study=False, datasets=None, seeds=None,
                 require_results=False, notify=None, first_seed=0):
    """Write the report files (see the module docstring) for ``db`` into ``out_dir``.

    ``db`` is one results file or a list of them (e.g. one per classifier, run apart); their
    rows are read together, and a cell present in two of them is a ``ValueError``.

    ``budget=None`` reports the ``paper`` budget if the database has it, else ``quick``, else
    the only one present. ``case_study=True`` also draws ``fig5.png`` (toy2 case study).
    ``datasets`` (names) keeps only those datasets' rows, ``seeds`` (an integer n) only seeds
    0..n-1, as ``mixann bench --seeds n`` runs them, and ``first_seed`` (an integer f) starts
    them at f: seeds f..f+n-1, or every seed from f on when ``seeds`` is None (the fresh seeds
    a later ``--first-seed`` run added to a database); seeds asked for that the database does
    not hold are a ``ValueError`` naming those it holds, as is a dataset without rows for the
    budget, which lists the ones present. ``require_results=True`` (``mixann
    report``) raises :class:`NoResults` instead of writing a report without a number, when
    the selected rows hold no ok cell (an empty database, or only failed cells); nothing is
    written then.
    Returns the dict of written paths: always ``md``, ``csv``, ``wilcoxon`` (Table 2) and
    ``report``; ``timing_md`` and ``timing_csv`` when any cell is ok; ``margin_png`` and
    ``margin_csv`` when MixAnN and another method have rows; ``table3_md``,
    ``table3_csv``, ``table4_md``, ``table4_csv``, ``fig4_K``, ``fig4_eta``, ``fig4_csv`` and
    ``fig5`` when written (or already present, for fig5). Those files left in ``out_dir`` by
    an earlier report that this one does not write are removed, so that the folder never
    mixes two databases' numbers; only in a folder that held an earlier report's
    ``report.md``, so that a user's own ``table4.md`` elsewhere is never touched; other files
    are left alone. ``notify(message)``, when given, hears of each removal and of a Fig. 5
    that ``case_study=True`` could not draw (``mixann report`` prints them).
    """
    from .figures import plot_sweep, sweep_summary
    from .margins import margin_deltas, plot_margins

    dbs = [Path(d) for d in ([db] if isinstance(db, (str, Path)) else db)]
    if not dbs:
        raise ValueError("no results database given")
    for path in dbs:
        if not path.is_file():
            raise FileNotFoundError(f"no results database at {path}")
    ok, failed, budget, budgets = _load(dbs, budget, datasets=datasets, seeds=seeds,
                                        first_seed=first_seed)
    if require_results and not len(ok):
        raise NoResults(_no_results(dbs, failed, budget, datasets is not None or
                                    seeds is not None or bool(first_seed)))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    earlier_report = _is_report_md(out_dir / "report.md")
    horizontal = ok[ok["method"].map(is_table2_method)] if len(ok) else ok
    if budget is None:
        rows, columns, wil = [], [], []
    else:
        rows, columns = build_table(horizontal) if len(horizontal) else ([], [])
        wil = wilcoxon_table(horizontal) if len(horizontal) else []
    wil_md = _wilcoxon_md(wil, budget)
    table2_md = _table_md(rows, columns, budget, budgets, failed)
    summary = margin_summary(rows, columns)
    margin_md = _margin_md(summary)
    paths = {"md": out_dir / "table2.md", "csv": out_dir / "table2.csv",
             "wilcoxon": out_dir / "wilcoxon.md"}
    deltas = margin_deltas(horizontal, {r["classifier"]: r["best"][0] for r in summary},
                           datasets=columns)
    if plot_margins(deltas, out_dir / "margin.png", labels=METHOD_LABELS):
        paths["margin_png"], paths["margin_csv"] = out_dir / "margin.png", out_dir / "margin.csv"
        deltas.to_csv(paths["margin_csv"], index=False)
        margin_md += ("\n![MixAnN minus the best other method, per dataset](margin.png)\n\n"
                      "Per dataset, MixAnN's test F1 minus the best other method's on the same "
                      "seeds (bars: ± 1 standard error; W/T/L over seeds; dashed: the goal). "
                      "The numbers: [margin.csv](margin.csv).\n")
    if margin_md:
        table2_md += "\n" + margin_md
    paths["md"].write_text(table2_md + "\n" + wil_md, encoding="utf-8")
    paths["wilcoxon"].write_text(wil_md, encoding="utf-8")
    _write_csv(rows, columns, paths["csv"])

    sections = [("Table 2: horizontal comparison", _demote(table2_md))]
    t3_rows, t3_datasets = build_table3(ok) if len(ok) else ([], [])
    if t3_rows:
        md = _table3_md(t3_rows, t3_datasets, budget)
        paths["table3_md"], paths["table3_csv"] = out_dir / "table3.md", out_dir / "table3.csv"
        paths["table3_md"].write_text(md, encoding="utf-8")
        _write_table3_csv(t3_rows, t3_datasets, paths["table3_csv"])
        sections.append(("Table 3: vertical comparison", _demote(md)))
    else:
        sections.append(("Table 3: vertical comparison", NOT_RUN["table3"]))
    t4_rows = build_table4(ok) if len(ok) else []
    if t4_rows:
        md = _table4_md(t4_rows, budget)
        paths["table4_md"], paths["table4_csv"] = out_dir / "table4.md", out_dir / "table4.csv"
        paths["table4_md"].write_text(md, encoding="utf-8")
        _write_table4_csv(t4_rows, paths["table4_csv"])
        sections.append(("Table 4: ablation study", _demote(md)))
    else:
        sections.append(("Table 4: ablation study", NOT_RUN["table4"]))
    sections.append(("Wilcoxon signed-rank test", wil_md))
    if len(ok):
        from ..datasets import ADBENCH_FILES
        from .runner import all_methods
        from .timing import timing_md, timing_table

        # Table 2's columns first, then datasets with only sweep, ablation or detector cells
        # (they cost seconds too; left out before session 50).
        order = _ordered(ok["dataset"], list(dict.fromkeys([*columns, *ADBENCH_FILES])))
        times = timing_table(ok, order, methods=all_methods())
        md = timing_md(times, order, budget, METHOD_LABELS)
        paths["timing_md"], paths["timing_csv"] = out_dir / "timing.md", out_dir / "timing.csv"
        paths["timing_md"].write_text(md, encoding="utf-8")
        times.to_csv(paths["timing_csv"], index=False)
        sections.append(("Seconds per cell", _demote(md)))

    sweeps = sweep_summary(ok) if len(ok) else sweep_summary(pd.DataFrame(
        columns=["method", "dataset", "classifier", "seed", "f1"]))
    from .runner import SWEEP_PARAMS

    figs = []
    for param in SWEEP_PARAMS:  # Fig. 4's axes; the selection sweeps only go to fig4.csv
        path = plot_sweep(sweeps, param, out_dir / f"fig4_{param}.png")
        if path is None:
            figs.append(f"- {param}: {NOT_RUN['fig4_' + param]}")
        else:
            paths[f"fig4_{param}"] = path
            figs.append(f"![Fig. 4: macro-F1 vs {param}]({path.name})")
    if len(sweeps):
        paths["fig4_csv"] = out_dir / "fig4.csv"
        sweeps.to_csv(paths["fig4_csv"], index=False)
        figs.append("\nThe plotted numbers: [fig4.csv](fig4.csv) (mean and std of test "
                    "macro-F1 over seeds per point; error bars = std).")
    sections.append(("Figure 4: hyperparameter study", "\n\n".join(figs)))

    fig5, note = out_dir / "fig5.png", None
    if case_study:
        note = _draw_case_study(fig5)
        if note and notify is not None:
            notify(f"fig5.png {note}")
    body = [note] if note else []
    if fig5.is_file():
        paths["fig5"] = fig5
        body.append("![Fig. 5: case study on toy2](fig5.png)")
    sections.append(("Figure 5: case study", "\n\n".join(body) or NOT_RUN["fig5"]))

    paths["report"] = out_dir / "report.md"
    paths["report"].write_text(_report_md(budget, sections), encoding="utf-8")
    # An earlier report into the same folder may have written a table or figure this one has
    # no rows for: left there, it would show numbers report.md calls "not run". Only the
    # names a report writes are removed (fig5.png is kept: it is drawn apart, and reused).
    stale = ["margin.png", "margin.csv", "table3.md", "table3.csv", "table4.md", "table4.csv",
             "timing.md", "timing.csv", "fig4.csv", *(f"fig4_{p}.png" for p in SWEEP_PARAMS)]
    written = {path.name for path in paths.values()}
    for name in stale if earlier_report else ():
        path = out_dir / name
        if name not in written and path.is_file():
            path.unlink()
            if notify is not None:
                notify(f"removed {path} (an earlier report's; no rows for it now)")
    return paths


def _is_report_md(path):
    """Whether ``path`` is a report.md that ``mixann report`` wrote (its first line)."""
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.readline().startswith(REPORT_TITLE)
    except (OSError, UnicodeDecodeError):
        return False
