"""MixAnN on more than two classes (one MixAnN per smaller class against the rest) against the
over-samplers that take several classes, on the bench's protocol.

The ADBench files are binary, so this script builds its own multiclass data, none of it looked
at while MixAnN's defaults were chosen:

* ``digits_rare``: scikit-learn's bundled 8x8 digits, ten classes; digits 0-6 whole (about 180
  images each), 12 images each of digits 7, 8 and 9 (the draw of ``heldout_data.py``'s
  ``digits_div``, which pools those three into one minority).
* ``diverse3``: :func:`mixann.datasets.make_diverse_minorities` (3000 rows, 2 features, 6%
  anomalies in six clusters plus isolated points), the anomalies split into three classes by
  the angle around the majority: three kinds of scattered fault.
* ``blobs4``: ``make_classification`` with four classes of 88%, 6%, 4% and 2%, three clusters
  per class, 6 informative features of 10.

Three more, for trying a change before it meets the three above (``--datasets
digits_low,diverse4,blobs5``; ``multiclass_choice="all-classes"`` was measured there first,
docs/quality.md row 74):

* ``digits_low``: the digits again, 3-9 whole and 12 images each of 0, 1 and 2 (another draw);
* ``diverse4``: ``make_diverse_minorities`` with 4000 rows, 5% anomalies in eight clusters,
  split into four classes by angle;
* ``blobs5``: ``make_classification`` with five classes of 85/7/4/2.5/1.5%, two clusters per
  class, 7 informative features of 12.

Each dataset and seed is split as the bench splits (64/16/20 stratified, MinMax on train),
every method resamples the train part, and the classifier fitted on it is scored by macro-F1
over all classes on test. Methods: no augmentation, imbalanced-learn's random copies
(``copies``), SMOTE, Borderline-SMOTE, SVM-SMOTE, ADASYN (each balancing every class with
the largest), AutoSMOTE one-vs-rest (``autosmote-ovr``: the bench's AutoSMOTE, binary, fitted
per smaller class against the rest exactly as MixAnN is, its rows labelled with the class),
and MixAnN with the bench's parameters (``mixann-all-classes``, not run unless named: the
same with ``multiclass_choice="all-classes"``)::

    python benchmarks/multiclass.py --classifiers knn --seeds 5 --budget paper --jobs 2

prints mean test macro-F1 ± std over seeds per dataset and method, the mean over datasets, and
MixAnN's margin over the best other method with its standard error over (dataset, seed) pairs.
``--out results.csv`` also writes one row per cell.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import time
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np

DATASETS = ("digits_rare", "diverse3", "blobs4")
DEV_DATASETS = ("digits_low", "diverse4", "blobs5")
METHODS = ("none", "copies", "smote", "borderline-smote", "svm-smote", "adasyn",
           "autosmote-ovr", "mixann")
EXTRA_METHODS = ("mixann-all-classes",)  # run when named in --methods


def make_dataset(name):
    """``(X, y)`` of one of :data:`DATASETS` (the same bytes on every call).

    Examples
    --------
    >>> import numpy as np
    >>> X, y = make_dataset("blobs4")
    >>> X.shape, np.bincount(y).tolist()
    ((3000, 10), [2640, 180, 120, 60])
    """
    from sklearn.datasets import load_digits, make_classification

    from mixann.datasets import make_diverse_minorities

    if name in ("digits_rare", "digits_low"):
        rare_digits, seed = ((7, 8, 9), 123) if name == "digits_rare" else ((0, 1, 2), 7)
        rng = np.random.default_rng(seed)  # digits_rare: heldout_data.py's draw
        X, y = load_digits(return_X_y=True)
        rare = [rng.choice(np.flatnonzero(y == digit), 12, replace=False)
                for digit in rare_digits]
        rows = np.concatenate([np.flatnonzero(~np.isin(y, rare_digits)), *rare])
        return X[rows].astype(float), y[rows]
    if name in ("diverse3", "diverse4"):
        n_kinds, params = ((3, dict(n_samples=3000, anomaly_ratio=0.06, n_clusters=6,
                                    random_state=123)) if name == "diverse3" else
                           (4, dict(n_samples=4000, anomaly_ratio=0.05, n_clusters=8,
                                    random_state=7)))
        X, y = make_diverse_minorities(**params)
        angle = np.arctan2(X[:, 1] - X[y == 0, 1].mean(), X[:, 0] - X[y == 0, 0].mean())
        sector = np.floor((angle + np.pi) / (2 * np.pi / n_kinds)).clip(0, n_kinds - 1)
        return X, np.where(y == 1, 1 + sector.astype(int), 0)
    if name == "blobs4":
        return make_classification(n_samples=3000, n_features=10, n_informative=6,
                                   n_redundant=2, n_classes=4, n_clusters_per_class=3,
                                   weights=[0.88, 0.06, 0.04, 0.02], flip_y=0,
                                   random_state=123)
    if name == "blobs5":
        return make_classification(n_samples=3000, n_features=12, n_informative=7,
                                   n_redundant=2, n_classes=5, n_clusters_per_class=2,
                                   weights=[0.85, 0.07, 0.04, 0.025, 0.015], flip_y=0,
                                   random_state=7)
    raise ValueError(f"unknown dataset {name!r}; choose one of "
                     f"{', '.join(DATASETS + DEV_DATASETS)}")


def autosmote_one_vs_rest(estimator, X, y, X_val, y_val, seed, budget):
    """The bench's AutoSMOTE per class smaller than the largest, that class against the rest
    (as MixAnN's multiclass path does); its synthetic rows labelled with the class."""
    from sklearn.base import clone

    from mixann.baselines import make_sampler
    from mixann.multiclass import classes_to_augment

    parts_X, parts_y = [X], [y]
    for label in classes_to_augment(y):
        y_c = (y == label).astype(int)
        sampler = make_sampler("autosmote", estimator=clone(estimator), random_state=seed,
                               y=y_c, budget=budget,
                               validation_data=(X_val, (y_val == label).astype(int)))
        X_res, _ = sampler.fit_resample(X, y_c)
        parts_X.append(np.asarray(X_res, dtype=float)[len(X):])
        parts_y.append(np.full(len(X_res) - len(X), label, dtype=y.dtype))
    return np.vstack(parts_X), np.concatenate(parts_y)


def resample(method, classifier, split, seed, budget, volumes=None, extra_kind=None):
    """The train part resampled by ``method`` (the classifier is the bench's ``classifier``;
    ``volumes``, if given, are MixAnN's only candidate volumes; ``extra_kind``, a kind of
    ``benchmarks/extra_kinds.py``, is scored next to MixAnN's default kinds)."""
    from mixann import MixAnN
    from mixann.baselines import make_sampler
    from mixann.bench.runner import mixann_params
    from mixann.classifiers import make_classifier

    X, y = split.X_train, split.y_train
    estimator = make_classifier(classifier, random_state=seed, n_jobs=1)
    if method == "none":
        return X, y
    if method == "copies":
        from imblearn.over_sampling import RandomOverSampler

        return RandomOverSampler(random_state=seed).fit_resample(X, y)
    if method == "autosmote-ovr":
        return autosmote_one_vs_rest(estimator, X, y, split.X_val, split.y_val, seed, budget)
    if method in ("mixann", "mixann-all-classes"):
        choice = "all-classes" if method == "mixann-all-classes" else "one-vs-rest"
        params = mixann_params(budget, estimator)
        if volumes is not None:  # exactly these: no minority-count steps, no guard's 0
            params.update(volumes=tuple(volumes), minority_multiples=(),
                          guard=0.0 in volumes)
        if extra_kind is not None:  # registered in this (worker) process, as choice_ceiling does
            from mixann.sampler import default_mix_kinds

            _extra_kinds().register(extra_kind, estimator)
            params["mix_kinds"] = (*default_mix_kinds(estimator), extra_kind)
        sampler = MixAnN(estimator=estimator, validation_data=(split.X_val, split.y_val),
                         random_state=seed, multiclass_choice=choice, **params)
        return sampler.fit_resample(X, y)
    return make_sampler(method, y=y, random_state=seed).fit_resample(X, y)


def _extra_kinds():
    """``benchmarks/extra_kinds.py``, the kinds measured and not kept (a sibling script)."""
    import sys
    from pathlib import Path

    folder = str(Path(__file__).resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    import extra_kinds

    return extra_kinds


def run_cell(dataset, classifier, method, seed, budget, volumes=None, extra_kind=None):
    """One cell: ``{"dataset", "classifier", "method", "seed", "f1", "seconds", "added"}``."""
    from mixann.bench import protocol
    from mixann.classifiers import make_classifier

    X, y = make_dataset(dataset)
    split = protocol.split(X, y, seed)
    cell = {"dataset": dataset, "classifier": classifier, "method": method, "seed": seed}
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            X_res, y_res = resample(method, classifier, split, seed, budget, volumes,
                                    extra_kind)
        except (ValueError, RuntimeError) as exc:  # ADASYN can refuse a dataset: shown, not hidden
            return {**cell, "f1": float("nan"), "seconds": time.perf_counter() - start,
                    "added": 0, "error": str(exc)}
        seconds = time.perf_counter() - start
        clf = make_classifier(classifier, random_state=seed, n_jobs=1).fit(X_res, y_res)
    f1 = protocol.evaluate(split.y_test, clf.predict(split.X_test))["f1"]
    return {**cell, "f1": f1, "seconds": seconds, "added": int(len(y_res) - len(split.y_train)),
            "error": ""}


def _run(args):
    from mixann.bench.runner import _init_worker

    _init_worker()  # one BLAS thread per worker, as the bench's workers
    return run_cell(*args)


def summarise(rows, methods):
    """Per (classifier, dataset): mean and std of F1 per method; per classifier the mean over
    datasets, and MixAnN's margin over the best other method (by mean over datasets) with
    the standard error of the paired (dataset, seed) differences.

    Examples
    --------
    >>> rows = [{"dataset": d, "classifier": "knn", "method": m, "seed": s, "f1": f + s / 100}
    ...         for d in ("a", "b") for s in (0, 1)
    ...         for m, f in (("none", 0.5), ("smote", 0.6), ("mixann", 0.7))]
    >>> out = summarise(rows, ("none", "smote", "mixann"))
    >>> out["knn"]["mean"]["mixann"], out["knn"]["best_other"], out["knn"]["margin"]
    (0.705, 'smote', 0.1)
    """
    out = {}
    for clf in dict.fromkeys(r["classifier"] for r in rows):
        mine = [r for r in rows if r["classifier"] == clf]
        datasets = list(dict.fromkeys(r["dataset"] for r in mine))
        f1 = {(r["dataset"], r["method"], r["seed"]): r["f1"] for r in mine}
        seeds = sorted({r["seed"] for r in mine})
        # A method that failed on a seed (F1 NaN) has no mean on that dataset.
        table = {d: {m: [f1[d, m, s] for s in seeds if (d, m, s) in f1] for m in methods}
                 for d in datasets}
        table = {d: {m: v if v and not np.isnan(v).any() else [] for m, v in row.items()}
                 for d, row in table.items()}
        mean = {m: round(float(np.mean([np.mean(table[d][m]) for d in datasets])), 6)
                for m in methods if all(table[d][m] for d in datasets)}
        result = {"datasets": table, "mean": mean}
        if "mixann" in mean and len(mean) > 1:
            # The best *other* method: no MixAnN variant (mixann-all-classes) counts.
            best = max((m for m in mean if m != "mixann" and m not in EXTRA_METHODS),
                       key=mean.get)
            diffs = [f1[d, "mixann", s] - f1[d, best, s] for d in datasets for s in seeds
                     if (d, "mixann", s) in f1 and (d, best, s) in f1]
            result.update(best_other=best, margin=round(mean["mixann"] - mean[best], 6),
                          se=float(np.std(diffs, ddof=1) / np.sqrt(len(diffs)))
                          if len(diffs) > 1 else float("nan"))
        out[clf] = result
    return out


def print_summary(summary, methods):
    for clf, result in summary.items():
        datasets = list(result["datasets"])
        print(f"\n{clf}: mean test macro-F1 ± std over seeds")
        print("| method | " + " | ".join(datasets) + " | mean |")
        print("|---|" + "---:|" * (len(datasets) + 1))
        for m in methods:
            cells = [result["datasets"][d][m] for d in datasets]
            text = [f"{np.mean(c):.3f} ± {np.std(c):.3f}" if c else "failed" for c in cells]
            mean = f"{result['mean'][m]:.3f}" if m in result["mean"] else "–"
            print(f"| {m} | " + " | ".join(text) + f" | {mean} |")
        if "margin" in result:
            print(f"MixAnN - best other ({result['best_other']}): {result['margin']:+.3f} "
                  f"(standard error {result['se']:.3f})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--classifiers", default="knn")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget", default="quick", choices=("quick", "paper", "test"))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", default=None, help="CSV file for one row per cell")
    parser.add_argument("--volumes", default=None,
                        help="MixAnN's only candidate volumes instead of its grid, e.g. 1: "
                             "every class balanced with the largest (0 must be listed to be one)")
    parser.add_argument("--extra-kind", default=None,
                        help="a kind of benchmarks/extra_kinds.py (e.g. smote, borderline) "
                             "scored next to MixAnN's default kinds")
    args = parser.parse_args(argv)
    methods = args.methods.split(",")
    bad = [m for m in methods if m not in METHODS + EXTRA_METHODS]
    if bad:
        parser.error(f"unknown method {bad[0]!r}; choose one of "
                     f"{', '.join(METHODS + EXTRA_METHODS)}")
    volumes = None if args.volumes is None else [float(v) for v in args.volumes.split(",")]
    if args.extra_kind is not None and args.extra_kind not in _extra_kinds().EXTRA_KINDS:
        parser.error(f"unknown extra kind {args.extra_kind!r}; choose one of "
                     f"{', '.join(_extra_kinds().EXTRA_KINDS)}")
    cells = [(d, c, m, s, args.budget, volumes, args.extra_kind)
             for d in args.datasets.split(",")
             for c in args.classifiers.split(",") for s in range(args.seeds) for m in methods]
    for d in dict.fromkeys(c[0] for c in cells):
        make_dataset(d)  # an unknown name stops here, before any work
    rows, writer = [], None
    # --jobs 1 runs in this process (and keeps its thread settings); more, in worker processes.
    pool = ProcessPoolExecutor(max_workers=args.jobs) if args.jobs > 1 else None
    # --out gets each row as its cell finishes, so an interrupted run keeps what it finished.
    out = open(args.out, "w", newline="") if args.out else contextlib.nullcontext()
    with pool or contextlib.nullcontext(), out as handle:
        for row in (pool.map(_run, cells) if pool else (run_cell(*c) for c in cells)):
            rows.append(row)
            if handle is not None:
                if writer is None:
                    writer = csv.DictWriter(handle, fieldnames=list(row))
                    writer.writeheader()
                writer.writerow(row)
                handle.flush()
            what = f"failed: {row['error']}" if row["error"] else (
                f"F1 {row['f1']:.3f}, {row['added']} rows added, {row['seconds']:.1f} s")
            print(f"{row['dataset']} {row['classifier']} {row['method']} seed {row['seed']}: "
                  + what, flush=True)
    print_summary(summarise(rows, methods), methods)
    return rows


if __name__ == "__main__":
    main()
