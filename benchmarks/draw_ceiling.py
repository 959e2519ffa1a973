"""Which of MixAnN's draws should ``fit_resample`` return, and how much could a choice gain?

With ``n_draws > 1`` the default preset generates that many draws of the chosen kind and
volume, fits the classifier on the training rows plus each, and returns the one with the best
validation ``metric`` (macro-F1; ties: the first) (:func:`mixann.selection.choose_draw`,
docs/quality.md row 57). The validation split is small (vowels: about 8 anomalies), so many
draws tie on F1 and the argmax is noisy. This script runs the bench's own MixAnN cell with
``--n-draws`` draws (:func:`mixann.bench.protocol.split`, the bench's parameters and budget),
records every draw's validation scores under several scorers and its test F1 (the test split
scores; it chooses nothing inside MixAnN), and compares choice rules on the same draws:

* ``first``: draw 0, what one draw (``n_draws=1``) returns;
* ``mean@n``: the mean test F1 of the first ``n`` draws (a draw at random);
* ``<scorer>@n``: the best validation score among the first ``n`` draws (ties: the first);
  ``f1@10`` is the default;
* ``f1><scorer>@n``: the best F1, ties broken by ``<scorer>`` (a smoother signal that only
  decides among the F1 ties);
* ``rank@n``: the best mean rank over F1, average precision and the Brier score;
* ``oracle@n``: the best test F1, a hindsight ceiling no rule can pass.

With ``--cv-folds k`` each draw is also scored out of fold on the training rows
(:func:`source_aware_oof`), giving two more scorers: ``oof`` (macro-F1 of those predictions)
and ``cv`` (macro-F1 of them pooled with the validation split's): the training anomalies as
judges next to the validation split's few (docs/quality.md row 59).

Run (cells in parallel, one JSON line per cell appended to ``--out``), then summarise, pairing
each rule against ``f1@10`` per (dataset, seed)::

    python benchmarks/draw_ceiling.py --classifier xgboost --budget paper --seeds 10 \\
        --n-draws 20 --jobs 2 --data-dir ../shared/datasets/adbench --out draws.jsonl
    python benchmarks/draw_ceiling.py --summarise draws.jsonl --seed-range 0-4
"""

from __future__ import annotations

import argparse
import time

import numpy as np

SCORERS = {"f1": "f1_macro", "ap": "average_precision", "brier": "neg_brier_score",
           "logloss": "neg_log_loss", "auc": "roc_auc"}
BASE_RULE = "f1@10"


def run_one(job):
    """One (dataset, seed) cell: each draw's validation scores and test F1."""
    from sklearn.base import clone

    import mixann.sampler as sampler_module
    from mixann import MixAnN
    from mixann.bench import protocol
    from mixann.bench.runner import mixann_params
    from mixann.classifiers import make_classifier
    from mixann.datasets import load_dataset
    from mixann.metrics import score_proba
    from mixann.selection import _proba

    classifier, dataset, seed, budget, data_dir, n_draws, *rest = job
    cv_folds = rest[0] if rest else 0
    X, y = load_dataset(dataset, data_dir=data_dir)
    sp = protocol.split(X, y, seed)
    start = time.perf_counter()
    draws_out = []

    def recording(draws, estimator, X_fit, y_fit, X_val, y_val, *, metric, n_jobs=None,
                  judge=None):
        # choose_draw's own fits, kept: each draw's validation probabilities (several scorers)
        # and its test F1 from the same fitted model; the return value is choose_draw's.
        if judge is not None:  # the bench's datasets are binary: never reached
            raise ValueError("draw_ceiling records binary cells only")
        scores = []
        for draw in draws:
            model = clone(estimator).fit(np.vstack([X_fit, draw.X]),
                                         np.concatenate([y_fit, draw.y]))
            proba = _proba(model, X_val)
            val = {name: float(score_proba(scorer, proba, y_val))
                   for name, scorer in SCORERS.items()}
            if cv_folds:
                oof = source_aware_oof(estimator, X_fit, y_fit, draw, cv_folds, seed)
                val["oof"] = float(score_proba("f1_macro", oof, y_fit))
                val["cv"] = float(score_proba("f1_macro", np.vstack([oof, proba]),
                                              np.concatenate([y_fit, y_val])))
            scores.append(float(score_proba(metric, proba, y_val)))  # MixAnN's own choice
            test = protocol.evaluate(sp.y_test, model.predict(sp.X_test))["f1"]
            draws_out.append({"val": val, "test_f1": test})
        return int(np.argmax(scores)), scores

    def make_estimator():
        return make_classifier(classifier, random_state=seed, n_jobs=1)  # as the bench's

    original = sampler_module.choose_draw
    sampler_module.choose_draw = recording
    try:
        sampler = MixAnN(estimator=make_estimator(), validation_data=(sp.X_val, sp.y_val),
                         random_state=seed, verbose=False, n_draws=n_draws,
                         **mixann_params(budget, make_estimator()))
        X_res, y_res = sampler.fit_resample(sp.X_train, sp.y_train)
    finally:
        sampler_module.choose_draw = original
    fitted = protocol.evaluate(sp.y_test, clone(make_estimator()).fit(X_res, y_res)
                               .predict(sp.X_test))["f1"]
    h = sampler.history_
    return {"classifier": classifier, "dataset": dataset, "seed": seed, "budget": budget,
            "n_draws": n_draws, "kind": h["mix_kind"], "volume": h["volume"],
            "draws": draws_out, "fitted": fitted, "seconds": time.perf_counter() - start}


def source_aware_oof(estimator, X, y, draw, n_folds, seed):
    """Out-of-fold probabilities on ``X`` for a classifier fitted on the other folds plus the
    draw's rows whose sources all lie in those folds.

    A synthetic row made from a held-out row would carry that row's answer into its own
    fit; dropping such rows makes every fold as clean as the validation split (whose rows
    are never sources). The folds are the same for every draw (``seed``), so draws compare
    on the same rows: the training anomalies join the validation split's few in the choice.
    """
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    from mixann.selection import _proba

    oof = np.zeros((len(y), 2))
    folds = StratifiedKFold(n_folds, shuffle=True, random_state=seed)
    for train, held in folds.split(X, y):
        out = np.zeros(len(y), dtype=bool)
        out[held] = True
        keep = ~out[draw.sources].any(axis=1)
        model = clone(estimator).fit(np.vstack([X[train], draw.X[keep]]),
                                     np.concatenate([y[train], draw.y[keep]]))
        oof[held] = _proba(model, X[held])
    return oof


def rules(record, sizes=(10, 20)):
    """Each rule's test F1 on ``record``'s draws; None when it has none (no augmentation
    won, so there was nothing to choose)."""
    draws = record["draws"]
    if not draws:  # no augmentation won: one result, whatever the rule
        return None
    out = {"first": draws[0]["test_f1"]}
    for n in sizes:
        if n > len(draws):
            continue
        part = draws[:n]
        test = [d["test_f1"] for d in part]
        out[f"mean@{n}"] = float(np.mean(test))
        out[f"oracle@{n}"] = max(test)
        names = list(part[0]["val"])  # SCORERS, and oof, cv with --cv-folds
        for name in names:
            # np.argmax: ties go to the first draw, as in choose_draw
            out[f"{name}@{n}"] = test[int(np.argmax([d["val"][name] for d in part]))]
        for name in names:
            if name != "f1":  # F1 first, then the smoother scorer among F1's ties
                keys = [(d["val"]["f1"], d["val"][name]) for d in part]
                out[f"f1>{name}@{n}"] = test[max(range(n), key=lambda i: (keys[i], -i))]
        ranks = np.mean([np.argsort(np.argsort([-d["val"][m] for d in part], kind="stable"),
                                    kind="stable") for m in ("f1", "ap", "brier")], axis=0)
        out[f"rank@{n}"] = test[int(np.argmin(ranks))]
    return out


def summarise(records, base=BASE_RULE, sizes=(10, 20)):
    """A table: each rule's mean test F1, and its paired difference from ``base``."""
    from mixann.bench.margins import standard_error  # the reports' own

    rows = [(r, rules(r, sizes)) for r in records]
    rows = [(r, rr) for r, rr in rows if rr is not None and base in rr]
    if not rows:
        return "no cell with draws"
    names = sorted({k for _, rr in rows for k in rr}, key=lambda k: (k.split("@")[-1], k))
    lines = [f"{len(rows)} cells with draws ({len(records) - len(rows)} without), "
             f"paired against {base}", "",
             "| rule | mean test F1 | minus base | SE | W/T/L |", "|---|---:|---:|---:|---|"]
    for name in names:
        pairs = [(rr[name], rr[base]) for _, rr in rows if name in rr]
        diff = np.array([a - b for a, b in pairs])
        se = standard_error(diff)
        wtl = (int((diff > 1e-12).sum()), int((np.abs(diff) <= 1e-12).sum()),
               int((diff < -1e-12).sum()))
        lines.append(f"| {name} | {np.mean([a for a, _ in pairs]):.4f} | {diff.mean():+.4f} | "
                     f"{se:.4f} | {wtl[0]}/{wtl[1]}/{wtl[2]} |")
    per = {}
    for r, rr in rows:
        per.setdefault(r["dataset"], []).append(rr)
    lines += ["", "Per dataset (mean test F1): " + ", ".join(
        f"{d}: {base} {np.mean([x[base] for x in v]):.3f}" for d, v in per.items())]
    return "\n".join(lines)


def read_records(path, seed_range=None):
    """The records of an ``--out`` file (``ValueError`` on a cell stored twice), optionally
    only the seeds in ``seed_range`` ("lo-hi")."""
    from choice_ceiling import read_records as read_all  # the same format and the same check

    records = read_all(path)
    if seed_range:
        lo, hi = (int(s) for s in seed_range.split("-"))
        records = [r for r in records if lo <= r["seed"] <= hi]
    return records


def main():
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--classifier", default="xgboost")
    parser.add_argument("--datasets", default="vowels,annthyroid,mammography,satellite,smtp,"
                                              "cifar10")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--budget", default="paper")
    parser.add_argument("--n-draws", type=int, default=20,
                        help="draws per cell, 10 or more (rules are scored on the first 10 "
                             "and, from 20 draws on, on the first 20)")
    parser.add_argument("--cv-folds", type=int, default=0,
                        help="also score each draw out of fold on the training rows "
                             "(source_aware_oof): the scorers oof and cv (oof + validation)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--out", default=None, help="append one JSON line per cell here")
    parser.add_argument("--summarise", default=None, help="only print the table of --out")
    parser.add_argument("--seed-range", default=None, help="with --summarise: e.g. 0-4")
    args = parser.parse_args()
    if args.summarise:
        try:
            records = read_records(args.summarise, args.seed_range)
        except ValueError as error:  # a cell stored twice: say so instead of a traceback
            parser.error(str(error))
        print(summarise(records))
        return
    if args.n_draws < 10:
        # Every rule is compared with f1@10 (BASE_RULE): fewer draws would score no rule.
        parser.error("--n-draws must be 10 or more: the rules are scored on the first 10 draws")
    if args.cv_folds == 1 or args.cv_folds < 0:
        parser.error("--cv-folds must be 0 (off) or 2 or more")
    jobs = [(args.classifier, d, s, args.budget, args.data_dir, args.n_draws, args.cv_folds)
            for d in args.datasets.split(",")
            for s in range(args.first_seed, args.first_seed + args.seeds)]
    from mixann.bench.runner import map_records  # the bench's own worker setup

    records = map_records(run_one, jobs, args.jobs, args.out, show=lambda r: {
        "dataset": r["dataset"], "seed": r["seed"], "fitted": r["fitted"],
        "seconds": round(r["seconds"], 1), **(rules(r) or {})})
    print(summarise(records))


if __name__ == "__main__":
    main()
