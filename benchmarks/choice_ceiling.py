"""How much does the default preset's choice lose, and what could its candidates reach at best?

The default preset scores every candidate (kind, volume) on out-of-fold predictions over
train + validation and returns the best one (:mod:`mixann.selection`). This script runs the
bench's own cells (:func:`mixann.bench.protocol.split`, the bench's fixed parameters and budget)
and, after each ``fit_resample``, also trains the classifier on *every* candidate's samples
and scores it on the test split. That is never done inside MixAnN (the test split chooses
nothing there); here it measures:

* ``best``: the default rule (the best pooled out-of-fold score, exact ties going to the
  smaller volume), evaluated on the same regenerated samples as the other rules;
* ``smooth``: the best score after averaging each volume's score with its neighbouring
  volumes of the same kind (a choice less drawn to a single lucky volume);
* ``best-larger``: the default rule with exact ties going to the larger volume, not the
  smaller (``selection_rule="best-larger"``, :func:`mixann.selection.choose`; rows 75-78);
* ``one-se``: the smallest volume within one standard error of the best;
* ``balance``: ``spread`` at volume 1.0 whatever the scores say (no choice; session 38,
  row 77: what ``selection_rule="auto"`` returns for an MLP with at most 10 anomalies in
  train + validation); left out of a record whose candidates lack it;
* ``median-se``: the median volume among the candidates within one standard error of the best
  (:func:`median_se_choice`): the argmax of noisy scores is drawn to lucky extremes, the
  one-standard-error rule always leans to the smallest volume; the median of the near-ties leans
  neither way; ``median-se:spread`` the same among ``spread`` and no augmentation only;
* ``oracle``: the best test F1 among the candidates, a hindsight ceiling no rule can pass:
  if it is below a goal, better choosing cannot reach the goal and only better candidates can;
* ``metric:<name>`` (with ``--choice-metrics``): the best pooled out-of-fold score under another
  scikit-learn scorer, e.g. ``neg_brier_score``: the same folds and rollouts (same seed), so only
  the signal that chooses differs. A smoother signal than macro-F1 is one of the issue's levers.

* ``blend-<m>`` (with ``--blends``): a soft choice instead of one candidate. The ``m``
  best-scoring candidates each contribute ``1/m`` of their volume, so the returned set mixes
  their kinds at the mean of their volumes (:func:`blend_counts`); "no augmentation" among
  them contributes nothing. Averaging over near-equal candidates, as model averaging does,
  could lose less to the out-of-fold score's noise than picking the single best one.

``--extra-kind <name>`` scores one more kind next to the default's (``mix_kinds="auto"``), from
``benchmarks/extra_kinds.py`` (kinds measured and not kept: ``segment``, row 36; ``rose`` and
``local``, smoothed bootstraps, row 43; ``smote`` and ``borderline``, row 46; ``hard``, SMOTE
from the anomalies the classifier misses out of fold, row 47; and ``swap``, uniform crossover of
two anomalies, row 53, now :func:`mixann.rollout.swap` and an XGBoost default kind;
``swap-near`` and ``mosaic``, crossovers of neighbouring anomalies and of every anomaly, row 56;
``spread-off-majority`` and ``swap-off-majority``, the samples that land among the majority
dropped, rows 61-62, the first now an XGBoost default kind; ``extrapolate`` and
``spread-near-minority``, anomalies pushed away from a neighbour and a looser landing filter,
KNN's rows 63-64; ``spread-teacher``, midpoints a boosted teacher calls anomalies, KNN's row
66; any other kind there, e.g. one probed with ``kind_probe.py``), and adds
``without:<name>`` (the default rule among the other candidates, on the same samples: the
choice as the library makes it) and ``oracle-without:<name>``.

``--summarise F --pooled`` adds two rules that learn the choice across datasets instead of per
dataset (:func:`cross_dataset_rules`, row 50): ``pooled``, the candidate whose out-of-fold gain
over no augmentation is best on the *other* datasets' records (or on ``--prior-from G``'s), one
default for every seed of a dataset; and ``shrunk-<w>``, each cell's own pooled score plus
``w`` times that gain.

``--summarise F --other-seeds G`` adds ``other-seeds`` (:func:`fixed_pick_rules`, row 52):
one kind and volume per dataset, picked on the test F1 of ``G``, a run of the same datasets
with other seeds. It asks whether the gap between ``best`` and ``oracle`` is a choice to be
won or the test split's noise: a fixed per-dataset setting that was best on other seeds'
test splits is what the best possible default could know without looking at the cell.
``--fixed-hindsight`` adds ``fixed-hindsight``, the same picked on ``F``'s own test F1 over
all its seeds: an upper bound for any fixed per-dataset setting of these candidates.

``fitted`` is the test F1 of what ``fit_resample`` actually returned. Its samples come from
another random stream than the regenerated ones, and where ``n_draws`` is more than one (10
for KNN and XGBoost under ``"auto"``) it is the draw best on the validation split, so it
differs from ``best`` (one regenerated draw) by the draw's choice as well as by noise.
``--replay`` recomputes the rules from the candidates and drops ``fitted``, which cannot be
recomputed; summarise without ``--replay`` to see it.
The script always runs the volume search (``selection_rule="best"``), also where
``selection_rule="auto"`` would skip it (an MLP with at most 10 anomalies), since the search's
scores are what it records; there ``fitted`` is the search's pick, and ``balance`` is the
default's.

Two wider hindsight ceilings (both answer "would other candidates reach the goal, if a perfect
choice were possible?"):

* ``--with-baseline autosmote`` also runs that bench method on the cell exactly as
  ``mixann bench`` does (same split, seed, budget, validation data) and adds
  ``oracle+autosmote``: the better of the oracle and that method's test F1. Below a goal of
  "baseline + 0.02", even a MixAnN that could also return the baseline's own samples and
  always picked the better one would miss it.
* ``--cleaners enn,enn-mode,tomek`` scores every candidate again after removing majority rows
  with imbalanced-learn's ``EditedNearestNeighbours`` (``kind_sel="all"`` / ``"mode"``) or
  ``TomekLinks`` (majority rows only; synthetic rows are kept): ``fitted+<cleaner>`` and
  ``oracle+<cleaner>``. A cleaning step is a way of changing the data that no candidate
  has (KNN votes over the majority rows near the minority too).
* ``--majority-keeps 0.5,0.2`` scores every candidate again with each fit (out of fold and on
  test) under-sampled at random to that share of the majority (:class:`MajorityKept`), and
  adds ``best+keep`` (the share chosen with the kind and volume on the out-of-fold scores),
  ``best@<k>``, ``oracle+keep`` and ``under-<k>`` (:func:`keep_rules`; row 51).

``--volumes``, ``--minority-multiples`` (``none`` for ``()``) and ``--mix-kinds`` replace
MixAnN's candidate grid, e.g. to measure a grid change (``fitted`` is then what the bench
would give with it; each record keeps every candidate's score and test F1, so the choice
without one kind can be read from the same file)::

    python benchmarks/choice_ceiling.py --classifier knn --budget paper \
        --datasets vowels,annthyroid,mammography,satellite,smtp,cifar10 --seeds 5 --jobs 2 \
        --data-dir ../shared/datasets/adbench --out knn_choice.jsonl \
        --with-baseline autosmote --cleaners enn,enn-mode,tomek
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from mixann.metrics import check_metric
from mixann.sampler import BALANCE_PICK  # selection_rule="balance"'s fixed pick
from mixann.selection import choose

RULES = ("fitted", "best", "best-larger", "smooth", "one-se", "balance", "median-se",
         "median-se:spread", "oracle")
#: ``--cleaners`` names: imbalanced-learn under-samplers that remove majority rows only.
CLEANERS = ("enn", "enn-mode", "tomek")


def make_cleaner(name):
    """The imbalanced-learn cleaning sampler called ``name``, aimed at class 0 (majority) only.

    Examples
    --------
    >>> make_cleaner("tomek")
    TomekLinks(sampling_strategy=[0])
    """
    from imblearn.under_sampling import EditedNearestNeighbours, TomekLinks

    if name == "enn":
        return EditedNearestNeighbours(sampling_strategy=[0])
    if name == "enn-mode":
        return EditedNearestNeighbours(sampling_strategy=[0], kind_sel="mode")
    if name == "tomek":
        return TomekLinks(sampling_strategy=[0])
    raise ValueError(f"unknown cleaner {name!r}; choose from {', '.join(CLEANERS)}")


class MajorityKept(BaseEstimator, ClassifierMixin):
    """``estimator`` fitted on every minority row and a random ``keep`` share of the majority.

    Random under-sampling of the majority (class 0) inside each fit: the ``--majority-keeps``
    lever. Wrapping the classifier, rather than the data, lets
    :func:`mixann.selection.select_volume` score every (kind, volume) with under-sampling on
    its own folds and rollouts unchanged: synthetic rows are all minority, so dropping
    majority rows of a fit's data drops only real ones. The draw is seeded by
    ``random_state`` (the same rows for the same data).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> X = np.arange(20.0).reshape(10, 2); y = np.array([0] * 8 + [1] * 2)
    >>> model = MajorityKept(DummyClassifier(strategy="prior"), keep=0.25).fit(X, y)
    >>> model.n_fit_, model.predict_proba(X[:1]).round(2).tolist()  # 2 of 8 majority rows
    (4, [[0.5, 0.5]])
    """

    def __init__(self, estimator, keep=1.0, random_state=0):
        self.estimator = estimator
        self.keep = keep
        self.random_state = random_state

    def fit(self, X, y):
        X, y = np.asarray(X), np.asarray(y)
        majority = np.flatnonzero(y == 0)
        n_kept = max(1, int(round(float(self.keep) * len(majority))))
        rng = np.random.default_rng(self.random_state)
        rows = np.sort(np.concatenate([rng.choice(majority, n_kept, replace=False),
                                       np.flatnonzero(y != 0)]))
        self.estimator_ = clone(self.estimator).fit(X[rows], y[rows])
        self.classes_, self.n_fit_ = self.estimator_.classes_, len(rows)
        return self

    def predict(self, X):
        return self.estimator_.predict(X)

    def predict_proba(self, X):
        return self.estimator_.predict_proba(X)


def smooth_choice(scores):
    """The candidate with the best score averaged over its kind's neighbouring volumes.

    ``scores`` maps ``(kind, volume)`` to the pooled out-of-fold score; ``(None, 0.0)`` (no
    augmentation) is every kind's volume-0 neighbour. Ties go to the smaller volume.
    ``tests/test_choice_ceiling.py`` checks it on hand-computed numbers.
    """
    kinds = sorted({k for k, _ in scores if k is not None})
    smoothed = {(None, 0.0): scores[(None, 0.0)]} if (None, 0.0) in scores else {}
    for kind in kinds:
        line = [(None, 0.0)] if (None, 0.0) in scores else []
        line += sorted((c for c in scores if c[0] == kind), key=lambda c: c[1])
        for i, c in enumerate(line):
            if c[0] is None:
                continue
            window = line[max(0, i - 1): i + 2]
            smoothed[c] = float(np.mean([scores[w] for w in window]))
    return max(smoothed, key=lambda c: (smoothed[c], -c[1]))


def median_se_choice(scores, kinds=None):
    """The median volume among the candidates within one standard error of the best score.

    ``scores`` maps ``(kind, volume)`` to ``(pooled score, standard error)``, as
    :func:`mixann.selection.select_volume` returns them; ``kinds`` (optional) keeps only those
    kinds and no augmentation, ``(None, 0.0)``. The best candidate sets the floor (its score
    less its standard error); the candidates at or above it are ordered by volume (ties: the
    order of ``scores``) and the middle one is returned (the upper one of two middles).

    Examples
    --------
    >>> scores = {(None, 0.0): (0.70, 0.02), ("a", 0.1): (0.74, 0.03),
    ...           ("a", 0.5): (0.76, 0.04), ("b", 1.0): (0.73, 0.01)}
    >>> median_se_choice(scores)  # floor 0.72: volumes 0.1, 0.5, 1.0
    ('a', 0.5)
    >>> median_se_choice(scores, kinds=("b",))  # floor 0.72 from b at 1.0: b alone
    ('b', 1.0)
    """
    if kinds is not None:
        scores = {c: v for c, v in scores.items() if c[0] is None or c[0] in kinds}
    order = {c: i for i, c in enumerate(scores)}
    best = max(scores, key=lambda c: (scores[c][0], -c[1], -order[c]))
    floor = scores[best][0] - scores[best][1]
    near = sorted((c for c in scores if scores[c][0] >= floor), key=lambda c: (c[1], order[c]))
    return near[len(near) // 2]


def score_only_picks(scores):
    """The picks of the rules that need only ``scores`` (``(score, standard error)`` each).

    ``best-larger``, ``one-se``, ``balance`` (when ``("spread", 1.0)`` is a candidate),
    ``median-se`` and ``median-se:spread``: what :func:`run_one` records and
    :func:`replay_rules` chooses again.
    """
    balance = {"balance": BALANCE_PICK} if BALANCE_PICK in scores else {}
    return {"best-larger": choose(scores, larger_ties=True),
            "one-se": choose(scores, one_se=True), **balance,
            "median-se": median_se_choice(scores),
            "median-se:spread": median_se_choice(scores, kinds=("spread",))}


def blend_counts(scores, m, targets):
    """Minority rows per kind for the ``blend-<m>`` rule: the ``m`` best candidates' mean.

    ``scores`` maps ``(kind, volume)`` to the pooled out-of-fold score (ties: the smaller
    volume); ``targets`` maps a volume to its minority row count
    (:func:`mixann.selection.volume_target`). Each of the ``m`` best candidates adds
    ``targets[volume] / m`` rows of its kind; ``(None, 0.0)`` adds none. Counts are rounded.

    Examples
    --------
    >>> scores = {(None, 0.0): 0.5, ("a", 0.1): 0.9, ("a", 0.5): 0.8, ("b", 0.2): 0.85}
    >>> blend_counts(scores, 3, {0.1: 10, 0.2: 20, 0.5: 50})  # a: (10 + 50) / 3, b: 20 / 3
    {'a': 20, 'b': 7}
    >>> blend_counts(scores, 1, {0.1: 10, 0.2: 20, 0.5: 50})  # the default rule's pick
    {'a': 10}
    """
    order = {c: i for i, c in enumerate(scores)}
    top = sorted(scores, key=lambda c: (-scores[c], c[1], order[c]))[:m]
    counts = {}
    for kind, volume in top:
        if kind is not None:
            counts[kind] = counts.get(kind, 0.0) + targets[volume] / len(top)
    return {kind: int(round(n)) for kind, n in counts.items()}


def load_extra_kinds():
    """``benchmarks/extra_kinds.py`` as a module (the benchmarks folder is not a package).

    Registered as ``extra_kinds``, as ``import extra_kinds`` (``benchmarks/multiclass.py``)
    would: with two copies in one process, doctest looked each function's module up in
    ``sys.modules``, found the other copy and ran none of this one's examples.
    """
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().with_name("extra_kinds.py")
    spec = importlib.util.spec_from_file_location("extra_kinds", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["extra_kinds"] = module
    spec.loader.exec_module(module)
    return module


def run_one(job):
    """One (dataset, seed) cell: every candidate's OOF score and test F1, and each rule's pick."""
    import mixann.sampler as sampler_module
    from mixann import MixAnN
    from mixann.bench import protocol
    from mixann.bench.runner import _make_baseline, mixann_params
    from mixann.classifiers import make_classifier
    from mixann.datasets import load_dataset
    from mixann.sampler import default_mix_kinds
    from mixann.selection import volume_target

    classifier, dataset, seed, budget, data_dir, *rest = job
    options = rest[0] if rest else {}
    choice_metrics = tuple(options.get("choice_metrics", ()))
    baseline, cleaners = options.get("baseline"), tuple(options.get("cleaners", ()))
    blends = tuple(options.get("blends", ()))
    grid = {"volumes": tuple(options["volumes"])} if options.get("volumes") else {}
    if options.get("minority_multiples") is not None:
        grid["minority_multiples"] = tuple(options["minority_multiples"])
    extra = options.get("extra_kind")
    if extra:
        # A kind measured but not kept (benchmarks/extra_kinds.py), added as one more
        # candidate next to the default's kinds unless --mix-kinds lists the kinds.
        model = make_classifier(classifier, seed)  # only read: binds `hard`, resolves "auto"
        load_extra_kinds().register(extra, model)
        kinds = default_mix_kinds(model)  # a kind the default already scores is not doubled
        grid["mix_kinds"] = kinds + ((extra,) if extra not in kinds else ())
    if options.get("selection_folds"):
        grid["selection_folds"] = int(options["selection_folds"])
    if options.get("mix_kinds"):
        # --mix-kinds replaces the default's kinds; the extra kind still joins them, or
        # `without:<kind>` would silently copy `best`.
        kinds = tuple(options["mix_kinds"])
        grid["mix_kinds"] = kinds + ((extra,) if extra and extra not in kinds else ())
    X, y = load_dataset(dataset, data_dir=data_dir)
    sp = protocol.split(X, y, seed)
    start = time.perf_counter()
    captured = {}
    original = sampler_module.select_volume

    def capturing(generators, *args, **kwargs):
        # Keep the generators (the trained actor's rollout, spread) to regenerate every
        # candidate after the fit; the choice itself is MixAnN's own.
        best, scores = original(generators, *args, **kwargs)
        captured.update(generators=dict(generators), scores=scores, best=best, args=args,
                        kwargs=kwargs)
        return best, scores

    sampler_module.select_volume = capturing
    try:
        # selection_rule="best": the search runs in every cell, as it records the scores;
        # selection_prune=None: every candidate is scored on every fold (the default prunes
        # XGBoost's, the MLP's and KNN's search, rows 94, 95 and 98), so the ceiling sees them
        # all.
        params = {"selection_rule": "best", "selection_prune": None,
                  **mixann_params(budget, make_classifier(classifier, seed)), **grid}
        sampler = MixAnN(estimator=make_classifier(classifier, seed),
                         validation_data=(sp.X_val, sp.y_val), random_state=seed, **params)
        X_res, y_res = sampler.fit_resample(sp.X_train, sp.y_train)
    finally:
        sampler_module.select_volume = original

    def test_f1(X_fit, y_fit, keep=None):
        # keep: under-sample the majority to that share first (--majority-keeps).
        model = make_classifier(classifier, seed)
        if keep is not None:
            model = MajorityKept(model, keep, seed)
        return protocol.evaluate(sp.y_test, model.fit(X_fit, y_fit).predict(sp.X_test))["f1"]

    def cleaned_f1(X_fit, y_fit):
        # Remove majority rows, then score as any candidate (one F1 per cleaner).
        return {name: test_f1(*make_cleaner(name).fit_resample(X_fit, y_fit))
                for name in cleaners}

    scores = captured["scores"]
    y01 = sp.y_train.astype(int)
    targets = {v: volume_target(v, y01) for _, v in scores}  # minority rows per volume
    full = {kind: gen(sp.X_train, y01, max(targets.values()), np.random.default_rng(seed))
            for kind, gen in captured["generators"].items()}

    def candidate_rows(kind, volume):
        if kind is None:
            return sp.X_train, y01
        part = full[kind].head(targets[volume])
        return np.vstack([sp.X_train, part.X]), np.concatenate([y01, part.y])

    candidates = []
    for (kind, volume), (score, se) in scores.items():
        X_fit, y_fit = candidate_rows(kind, volume)
        candidates.append({"kind": kind, "volume": volume, "score": score, "se": se,
                           "f1": test_f1(X_fit, y_fit), "cleaned": cleaned_f1(X_fit, y_fit)})
    by_candidate = {(c["kind"], c["volume"]): c for c in candidates}
    picks = {"best": captured["best"],
             "smooth": smooth_choice({c: v["score"] for c, v in by_candidate.items()}),
             **score_only_picks(scores),
             "oracle": max(by_candidate, key=lambda c: by_candidate[c]["f1"])}
    for metric in choice_metrics:
        # Same seed: the same folds and rollouts as MixAnN's own choice, another scorer.
        pick, _ = original(captured["generators"], *captured["args"],
                           **{**captured["kwargs"], "metric": metric})
        picks[f"metric:{metric}"] = pick
    if extra:
        # The default rule and the hindsight best without the extra kind, on the same samples.
        others = {c: v for c, v in scores.items() if c[0] != extra}
        picks[f"without:{extra}"] = choose(others)
        picks[f"oracle-without:{extra}"] = max(others, key=lambda c: by_candidate[c]["f1"])
    rules = {rule: by_candidate[pick]["f1"] for rule, pick in picks.items()}
    for m in blends:
        counts = blend_counts({c: s for c, (s, _) in scores.items()}, m, targets)
        parts = [full[kind].head(n) for kind, n in sorted(counts.items()) if n > 0]
        X_fit = np.vstack([sp.X_train, *[p.X for p in parts]])
        y_fit = np.concatenate([y01, *[p.y for p in parts]])
        rules[f"blend-{m}"] = test_f1(X_fit, y_fit)
    keeps = {}
    for keep in options.get("majority_keeps", ()):
        # Same seed: the same folds and rollouts as MixAnN's own choice, every fit (out of
        # fold and on test) under-sampled to ``keep`` of the majority.
        _, kept_scores = original(captured["generators"],
                                  MajorityKept(captured["args"][0], keep, seed),
                                  *captured["args"][1:], **captured["kwargs"])
        keeps[str(keep)] = []
        for (kind, volume), (score, se) in kept_scores.items():
            keeps[str(keep)].append({"kind": kind, "volume": volume, "score": score, "se": se,
                                     "f1": test_f1(*candidate_rows(kind, volume), keep=keep)})
    rules["fitted"] = test_f1(X_res, y_res)
    y_res01 = (y_res == sampler.minority_label_).astype(int)
    for name, f1 in cleaned_f1(X_res, y_res01).items():
        rules[f"fitted+{name}"] = f1
        rules[f"oracle+{name}"] = max(c["cleaned"][name] for c in candidates)
    record = {"classifier": classifier, "dataset": dataset, "seed": seed, "budget": budget,
              "volumes": list(sampler.volumes), "mix_kinds": list(sampler.mix_kinds_),
              "minority_multiples": list(sampler.minority_multiples),
              "selection_folds": sampler.selection_folds}
    if baseline:
        # Exactly the bench's cell for this method (mixann.bench.runner.run_cell).
        other = _make_baseline(baseline, make_classifier(classifier, seed, n_jobs=1), seed,
                               sp.y_train, budget, (sp.X_val, sp.y_val))
        record["baseline"] = {"method": baseline, "f1": test_f1(*other.fit_resample(
            sp.X_train, sp.y_train))}
        rules[f"baseline:{baseline}"] = record["baseline"]["f1"]
        rules[f"oracle+{baseline}"] = max(rules["oracle"], record["baseline"]["f1"])
    out = {**record, "rules": rules, "picks": {r: list(p) for r, p in picks.items()},
           "candidates": candidates, "seconds": time.perf_counter() - start}
    return keep_rules({**out, "keeps": keeps}) if keeps else out


def keep_rules(record):
    """``record`` with the ``--majority-keeps`` rules added, from its candidates and ``keeps``.

    ``record["keeps"]`` maps each majority share ``k`` (as a string) to the candidates scored
    again with every fit under-sampled to ``k`` (:class:`MajorityKept`; same folds, rollouts
    and samples). Rules (test F1 of the pick; the out-of-fold scores choose, as in MixAnN):

    * ``best+keep``: the best pooled score over every (share, kind, volume), the share
      being one more thing chosen (ties: the larger share, then the smaller volume);
    * ``oracle+keep``: the best test F1 over all of them (hindsight);
    * ``best@<k>``: the default rule with every fit under-sampled to ``k``;
    * ``under-<k>``: no synthetic rows, the majority under-sampled to ``k`` (what random
      under-sampling alone gives).

    Examples
    --------
    >>> def cand(kind, volume, score, f1):
    ...     return {"kind": kind, "volume": volume, "score": score, "se": 0.01, "f1": f1}
    >>> cands = [cand(None, 0.0, 0.70, 0.60), cand("a", 0.5, 0.75, 0.70)]
    >>> kept = [cand(None, 0.0, 0.76, 0.72), cand("a", 0.5, 0.74, 0.66)]
    >>> out = keep_rules({"rules": {}, "picks": {}, "candidates": cands, "keeps": {"0.5": kept}})
    >>> out["picks"]["best+keep"], out["rules"]["best+keep"], out["rules"]["best@0.5"]
    ([0.5, None, 0.0], 0.72, 0.72)
    """
    pool = [(1.0, c) for c in record["candidates"]]
    pool += [(float(k), c) for k, cands in record["keeps"].items() for c in cands]
    best = max(pool, key=lambda kc: (kc[1]["score"], kc[0], -kc[1]["volume"]))
    rules = {"best+keep": best[1]["f1"],
             "oracle+keep": max(c["f1"] for _, c in pool)}
    for k, cands in record["keeps"].items():
        f1 = keyed(cands, "f1")
        rules[f"best@{k}"] = f1[choose(scored(cands))]
        rules[f"under-{k}"] = f1[(None, 0.0)]
    return {**record, "rules": {**record["rules"], **rules},
            "picks": {**record["picks"], "best+keep": [best[0], best[1]["kind"],
                                                       best[1]["volume"]]}}


def without_kind(candidates, kind):
    """``candidates`` less those of ``kind`` (all of them if ``kind`` is None).

    No augmentation's kind is None, so it always stays.
    """
    return [c for c in candidates if kind is None or c["kind"] != kind]


def keyed(candidates, field):
    """``{(kind, volume): candidate[field]}``: one record's candidates, by what they are."""
    return {(c["kind"], c["volume"]): c[field] for c in candidates}


def scored(candidates):
    """``{(kind, volume): (score, se)}``: the form :func:`mixann.selection.choose` takes."""
    return {(c["kind"], c["volume"]): (c["score"], c["se"]) for c in candidates}


def replay_rules(record, without=None):
    """``record`` with its rules chosen again from its candidates, e.g. without one kind.

    Every record keeps each candidate's pooled score, standard error and test F1, so the
    rules that need nothing else (``best``, ``best-larger``, ``one-se``, ``median-se``,
    ``median-se:spread``, ``oracle``) can be applied again later: to records written before a
    rule existed, or among the default's kinds only (``without`` an ``--extra-kind``).
    Replaying a record as written gives its own picks (``tests/test_choice_ceiling.py`` checks
    it). Since session 63 each kind rolls out from its own random stream
    (:func:`mixann.selection.kind_streams`), so ``without`` a kind gives the pick the library
    makes without it; before, the extra kind had redrawn the other kinds' rows.
    """
    kept = without_kind(record["candidates"], without)
    scores = scored(kept)
    f1 = keyed(kept, "f1")
    picks = {"best": choose(scores), **score_only_picks(scores),
             "oracle": max(f1, key=f1.get)}
    return {**record, "rules": {rule: f1[pick] for rule, pick in picks.items()},
            "picks": {rule: list(pick) for rule, pick in picks.items()}}


def candidate_gains(records):
    """Each candidate's mean out-of-fold gain over no augmentation, across ``records``.

    The gain of ``(kind, volume)`` in one record is its pooled score minus the score of no
    augmentation, ``(None, 0.0)``, in the same record (the same folds); the mean is over the
    records that have the candidate. Test F1 is never read. This is what a default learned
    across datasets, instead of per dataset, would know.

    Examples
    --------
    >>> def rec(none, a):
    ...     return {"candidates": [{"kind": None, "volume": 0.0, "score": none},
    ...                            {"kind": "a", "volume": 0.5, "score": a}]}
    >>> gains = candidate_gains([rec(0.70, 0.76), rec(0.80, 0.82)])
    >>> {c: round(g, 3) for c, g in gains.items()}
    {(None, 0.0): 0.0, ('a', 0.5): 0.04}
    """
    sums, counts = {}, {}
    for record in records:
        scores = keyed(record["candidates"], "score")
        for cand, score in scores.items():
            sums[cand] = sums.get(cand, 0.0) + score - scores[(None, 0.0)]
            counts[cand] = counts.get(cand, 0) + 1
    return {cand: sums[cand] / counts[cand] for cand in sums}


def cross_dataset_rules(records, prior=None, weights=(0.5, 1.0, 2.0), without=None):
    """``records`` with rules that borrow what the *other* datasets' scores say.

    For each record, ``gains`` = :func:`candidate_gains` over ``prior`` if given (e.g. the
    shared datasets' records, for held-out ones), else over the records of every other dataset
    (leave one dataset out: a dataset never informs its own prior). Two rules, both blind to
    test F1:

    * ``pooled``: the candidate with the best prior gain among this record's candidates, the
      same for every seed of a dataset: one default kind and volume learned across datasets
      instead of a choice per dataset;
    * ``shrunk-<w>``: the best of this record's pooled score + ``w`` x prior gain, a choice
      per cell pulled towards the cross-dataset default (a candidate that no prior record has
      gets a prior gain of 0, as no augmentation has).

    ``without`` leaves one kind's candidates out of the records and of the prior, as
    :func:`replay_rules` does.

    Examples
    --------
    >>> def rec(d, none, a, b, f1a=0.9, f1b=0.8):
    ...     return {"dataset": d, "rules": {}, "picks": {}, "candidates": [
    ...         {"kind": None, "volume": 0.0, "score": none, "f1": 0.5},
    ...         {"kind": "a", "volume": 0.5, "score": a, "f1": f1a},
    ...         {"kind": "b", "volume": 1.0, "score": b, "f1": f1b}]}
    >>> out = cross_dataset_rules([rec("x", 0.7, 0.8, 0.74), rec("y", 0.7, 0.71, 0.76)],
    ...                           weights=(1.0,))
    >>> out[0]["picks"]["pooled"], out[0]["picks"]["shrunk-1"]  # y's prior: b +0.06, a +0.01
    (['b', 1.0], ['a', 0.5])
    >>> out[1]["picks"]["pooled"], out[1]["rules"]["pooled"]  # x's prior: a +0.10
    (['a', 0.5], 0.9)
    """
    def kept(recs):
        return [{**r, "candidates": without_kind(r["candidates"], without)} for r in recs]

    records, prior = kept(records), None if prior is None else kept(prior)
    datasets = {r["dataset"] for r in records}
    gains_for = {d: candidate_gains(prior if prior is not None else
                                    [r for r in records if r["dataset"] != d])
                 for d in datasets}
    out = []
    for record in records:
        gains = gains_for[record["dataset"]]
        scores, f1 = keyed(record["candidates"], "score"), keyed(record["candidates"], "f1")
        known = [c for c in scores if c in gains] or [(None, 0.0)]
        picks = {"pooled": max(known, key=lambda c: (gains.get(c, 0.0), -c[1]))}
        for w in weights:
            picks[f"shrunk-{w:g}"] = max(scores, key=lambda c: (
                scores[c] + w * gains.get(c, 0.0), -c[1]))
        out.append({**record, "rules": {**record["rules"], **{r: f1[p] for r, p in picks.items()}},
                    "picks": {**record["picks"], **{r: list(p) for r, p in picks.items()}}})
    return out


def fixed_pick_rules(records, pick_from=None, without=None):
    """``records`` with one (kind, volume) per dataset, picked on test F1 across seeds.

    For each dataset, the pick is the candidate with the best mean *test* F1 over the records
    of that dataset in ``pick_from`` (ties: the smaller volume), among the candidates every
    one of them has; it is then scored on each record of ``records``. Both rules read test
    splits and are no rule MixAnN could use; they ask whether the gap between ``best`` and
    ``oracle`` is a choice to be won or the test split's noise (row 52):

    * ``other-seeds`` (``pick_from`` given: other seeds of the same datasets, which must share
      no cell with ``records``): the best fixed per-dataset setting a user could know from
      earlier runs, scored on splits that did not pick it. The same-seed ``oracle`` picks
      on the very split it is scored on, and so counts that split's noise as a gain; this
      one cannot.
    * ``fixed-hindsight`` (``pick_from`` None: picked on ``records`` themselves): the best
      fixed setting per dataset in hindsight over all the file's seeds, an upper bound on what
      any fixed per-dataset setting of these candidates reaches on these splits.

    ``without`` leaves one kind's candidates out, as :func:`replay_rules` does.

    Examples
    --------
    >>> def rec(seed, f1a, f1b):
    ...     return {"dataset": "x", "seed": seed, "rules": {}, "picks": {}, "candidates": [
    ...         {"kind": None, "volume": 0.0, "f1": 0.5},
    ...         {"kind": "a", "volume": 0.5, "f1": f1a}, {"kind": "b", "volume": 1.0, "f1": f1b}]}
    >>> out = fixed_pick_rules([rec(5, 0.6, 0.9)], [rec(0, 0.8, 0.7), rec(1, 0.7, 0.75)])
    >>> out[0]["picks"]["other-seeds"], out[0]["rules"]["other-seeds"]  # a: 0.75, b: 0.725
    (['a', 0.5], 0.6)
    >>> out = fixed_pick_rules([rec(0, 0.8, 0.7), rec(1, 0.7, 0.85)])  # a: 0.75, b: 0.775
    >>> [r["rules"]["fixed-hindsight"] for r in out]
    [0.7, 0.85]
    """
    rule = "fixed-hindsight" if pick_from is None else "other-seeds"
    if pick_from is None:
        pick_from = records
    elif ({(r["dataset"], r["seed"]) for r in records}
          & {(r["dataset"], r["seed"]) for r in pick_from}):
        raise ValueError("the two files share (dataset, seed) cells; the pick must come from "
                         "other seeds (e.g. a run with --first-seed 5)")
    picks = {}
    for dataset in sorted({r["dataset"] for r in records}):
        f1s = [keyed(without_kind(r["candidates"], without), "f1")
               for r in pick_from if r["dataset"] == dataset]
        if not f1s:
            raise ValueError(f"the other file has no record of dataset {dataset!r}")
        common = set.intersection(*(set(f1) for f1 in f1s))
        picks[dataset] = sorted(common, key=lambda c: (-np.mean([f1[c] for f1 in f1s]),
                                                       c[1], str(c[0])))
    out = []
    for record in records:
        f1 = keyed(without_kind(record["candidates"], without), "f1")
        # No augmentation is in every record, so some pick is always there.
        pick = next((c for c in picks[record["dataset"]] if c in f1), (None, 0.0))
        out.append({**record, "rules": {**record["rules"], rule: f1[pick]},
                    "picks": {**record["picks"], rule: list(pick)}})
    return out


def summarise(records):
    """Text table: mean test F1 per rule and dataset, and the mean over datasets."""
    datasets = sorted({r["dataset"] for r in records})
    # Records written before a rule existed lack it: show the rules every record has.
    rules = [rule for rule in list(RULES) + sorted({k for r in records for k in r["rules"]}
                                                   - set(RULES))
             if all(rule in r["rules"] for r in records)]
    width = max(len(rule) for rule in rules)
    lines = [f"{'rule':{width}} " + " ".join(f"{d[:11]:>11}" for d in datasets) + "        mean"]
    for rule in rules:
        means = [np.mean([r["rules"][rule] for r in records if r["dataset"] == d])
                 for d in datasets]
        lines.append(f"{rule:{width}} " + " ".join(f"{m:11.3f}" for m in means)
                     + f" {np.mean(means):11.3f}")
    lines.append("")
    lines.append(f"paired against `best` over {len(records)} cells (mean over datasets ± "
                 "standard error over cells, wins/ties/losses):")
    for rule in rules:
        if rule != "best":
            diff, se, wtl = paired(records, rule)
            lines.append(f"{rule:{width}} {diff:+.4f} ± {se:.4f}  {wtl[0]}/{wtl[1]}/{wtl[2]}")
    return "\n".join(lines)


def paired(records, rule, base="best"):
    """``rule`` minus ``base`` cell by cell: (mean over datasets, standard error, W/T/L).

    The mean is over datasets of each dataset's mean difference (as the tables weigh them);
    the standard error is over cells; a tie is a difference under 1e-9.

    Examples
    --------
    >>> recs = [{"dataset": d, "rules": {"best": 0.5, "x": 0.5 + e}}
    ...         for d, e in [("a", 0.02), ("a", 0.0), ("b", -0.01), ("b", 0.03)]]
    >>> diff, se, wtl = paired(recs, "x")
    >>> round(diff, 4), round(se, 4), wtl
    (0.01, 0.0091, (2, 1, 1))
    """
    datasets = sorted({r["dataset"] for r in records})
    diffs = np.array([r["rules"][rule] - r["rules"][base] for r in records])
    per_dataset = [diffs[[r["dataset"] == d for r in records]].mean() for d in datasets]
    se = diffs.std(ddof=1) / np.sqrt(len(diffs)) if len(diffs) > 1 else float("nan")
    wtl = (int((diffs > 1e-9).sum()), int((abs(diffs) <= 1e-9).sum()),
           int((diffs < -1e-9).sum()))
    return float(np.mean(per_dataset)), float(se), wtl


def read_records(path):
    """The records of an ``--out`` file, one JSON object per non-empty line.

    Raises ``ValueError`` when two records are the same cell (classifier, dataset, seed,
    budget), e.g. two runs with other options appended to one file: counted twice, they would
    shrink the standard errors and double the wins, ties and losses.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "cells.jsonl"
    >>> _ = f.write_text('{"dataset": "d", "seed": 0}\\n{"dataset": "d", "seed": 0}\\n')
    >>> read_records(f)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: ... holds cell ('d', 0) twice (lines 1 and 2); ...
    """
    records, seen = [], {}
    with open(path) as fh:
        numbered = [(n, json.loads(text)) for n, text in enumerate(fh, 1) if text.strip()]
    for line, record in numbered:
        records.append(record)
        cell = tuple(record[k] for k in ("classifier", "dataset", "seed", "budget") if k in record)
        if cell in seen:
            raise ValueError(f"{path} holds cell {cell} twice (lines {seen[cell]} and {line}); "
                             "write each run to its own --out, or delete the repeated lines")
        seen[cell] = line
    return records


def compare(records, others, rule="best"):
    """``rule`` in ``records`` minus the same rule in ``others``, on the cells both have.

    Returns ``(paired(...), same_samples)``: the paired difference as :func:`paired` gives it
    and whether every shared cell scored the same candidates with the same test F1 (e.g. two
    fold counts for the choice: the regenerated candidates do not depend on the choice, so
    only the pick differs).

    Examples
    --------
    >>> a = [{"dataset": "d", "seed": 0, "rules": {"best": 0.9}, "candidates": []}]
    >>> b = [{"dataset": "d", "seed": 0, "rules": {"best": 0.8}, "candidates": []},
    ...      {"dataset": "d", "seed": 1, "rules": {"best": 0.7}, "candidates": []}]
    >>> (diff, _, wtl), same = compare(a, b)
    >>> round(diff, 3), wtl, same
    (0.1, (1, 0, 0), True)
    """
    by_cell = {(r["dataset"], r["seed"]): r for r in others}
    pairs = [(r, by_cell[(r["dataset"], r["seed"])]) for r in records
             if (r["dataset"], r["seed"]) in by_cell]
    if not pairs:
        raise ValueError("the two files share no (dataset, seed) cell")
    same = all([(c["kind"], c["volume"], c["f1"]) for c in r["candidates"]]
               == [(c["kind"], c["volume"], c["f1"]) for c in o["candidates"]] for r, o in pairs)
    merged = [{"dataset": r["dataset"], "rules": {"this": r["rules"][rule],
                                                   "other": o["rules"][rule]}}
              for r, o in pairs]
    return paired(merged, "this", base="other"), same


def main():
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--classifier", default="knn")
    parser.add_argument("--datasets", default="vowels,annthyroid,mammography,satellite")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=0,
                        help="run seeds first-seed .. first-seed + seeds - 1 (e.g. 5 with "
                             "--seeds 5: splits that an earlier run of seeds 0-4 did not see)")
    parser.add_argument("--budget", default="quick")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--choice-metrics", default="",
                        help="comma-separated scorers to choose with besides MixAnN's own, "
                             "e.g. neg_brier_score,neg_log_loss,average_precision")
    parser.add_argument("--with-baseline", default=None,
                        help="a bench method (e.g. autosmote) whose test F1 joins the oracle")
    parser.add_argument("--cleaners", default="",
                        help=f"comma-separated, from {','.join(CLEANERS)}: score every "
                             "candidate again after removing majority rows")
    parser.add_argument("--majority-keeps", default="",
                        help="comma-separated shares of the majority, e.g. 0.5,0.2: score "
                             "every candidate again with each fit under-sampled to that share "
                             "(rules best+keep, oracle+keep, best@<k>, under-<k>)")
    parser.add_argument("--blends", default="",
                        help="comma-separated m: also score the blend of the m best candidates "
                             "(each at 1/m of its volume), e.g. 2,3,5")
    parser.add_argument("--volumes", default=None,
                        help="comma-separated candidate volumes (MixAnN(volumes=...)) instead "
                             "of the default grid")
    parser.add_argument("--minority-multiples", default=None,
                        help="comma-separated MixAnN(minority_multiples=...); 'none' for ()")
    parser.add_argument("--mix-kinds", default=None,
                        help="comma-separated MixAnN(mix_kinds=...), e.g. boundary,spread,copy")
    parser.add_argument("--selection-folds", type=int, default=None,
                        help="MixAnN(selection_folds=...) instead of the default's 5; the "
                             "regenerated candidates do not depend on it, so `best` compares "
                             "two fold counts on the same samples")
    parser.add_argument("--extra-kind", default=None,
                        help="a kind from benchmarks/extra_kinds.py (segment, rose, local, smote, "
                             "borderline, hard, swap, swap-near, mosaic, spread-off-majority, "
                             "swap-off-majority, extrapolate, spread-near-minority, "
                             "spread-teacher, ...) scored next "
                             "to the default's kinds (or to --mix-kinds); adds the rules without:<kind> and "
                             "oracle-without:<kind>")
    parser.add_argument("--out", default=None, help="append one JSON line per cell here")
    parser.add_argument("--summarise", default=None,
                        help="only print the table of an earlier --out file")
    parser.add_argument("--replay", action="store_true",
                        help="with --summarise: choose again from each record's candidates "
                             "(best, best-larger, one-se, median-se, median-se:spread, oracle)")
    parser.add_argument("--without-kind", default=None,
                        help="with --summarise --replay: leave this kind's candidates out, "
                             "e.g. the --extra-kind the file was written with")
    parser.add_argument("--pooled", action="store_true",
                        help="with --summarise: add the rules pooled and shrunk-<w>, which "
                             "borrow the other datasets' out-of-fold gains "
                             "(cross_dataset_rules); with --replay --without-kind, among the "
                             "same candidates")
    parser.add_argument("--prior-from", default=None,
                        help="with --pooled: take the gains from this file's records instead of "
                             "leaving one dataset out (e.g. the shared datasets' file, for a "
                             "held-out file)")
    parser.add_argument("--other-seeds", default=None,
                        help="with --summarise: add the rule other-seeds, one kind and volume "
                             "per dataset picked on this file's test F1 (other seeds of the "
                             "same datasets): what a fixed per-dataset setting known from "
                             "earlier runs gives")
    parser.add_argument("--fixed-hindsight", action="store_true",
                        help="with --summarise: add the rule fixed-hindsight, one kind and "
                             "volume per dataset picked on the file's own test F1 over all its "
                             "seeds (an upper bound for any fixed per-dataset setting)")
    parser.add_argument("--against", default=None,
                        help="with --summarise: also print `best` minus the `best` of this "
                             "other file on the cells both have (e.g. another fold count)")
    args = parser.parse_args()
    if args.against and not args.summarise:
        parser.error("--against compares two earlier files: give the first with --summarise")
    if args.replay and not args.summarise:
        parser.error("--replay chooses again from an earlier file: give it with --summarise FILE")
    if args.pooled and not args.summarise:
        parser.error("--pooled chooses again from an earlier file: give it with --summarise FILE")
    if args.prior_from and not args.pooled:
        parser.error("--prior-from gives --pooled its gains: add --pooled")
    if args.other_seeds and not args.summarise:
        parser.error("--other-seeds compares two earlier files: give the first with --summarise")
    if args.fixed_hindsight and not args.summarise:
        parser.error("--fixed-hindsight reads an earlier file: give it with --summarise FILE")
    if args.without_kind and not args.replay:  # --pooled alone would compare other candidates
        parser.error("--without-kind applies to --replay: add --replay")
    if args.summarise:
        def load(path):  # a cell stored twice: say so instead of a traceback
            try:
                return read_records(path)
            except ValueError as error:
                parser.error(str(error))

        records = load(args.summarise)
        kinds = {c["kind"] for r in records for c in r["candidates"]} - {None}
        if args.without_kind and args.without_kind not in kinds:  # a typo would change nothing
            parser.error(f"no candidate of kind {args.without_kind!r} in {args.summarise}; "
                         f"its kinds: {', '.join(sorted(kinds))}")
        if args.replay:
            records = [replay_rules(r, without=args.without_kind) for r in records]
        if args.pooled:
            prior = load(args.prior_from) if args.prior_from else None
            if prior is None and len({r["dataset"] for r in records}) < 2:
                parser.error("--pooled leaves one dataset out and needs two or more; or give "
                             "a prior file with --prior-from")
            records = cross_dataset_rules(records, prior=prior, without=args.without_kind)
        if args.fixed_hindsight:
            records = fixed_pick_rules(records, without=args.without_kind)
        if args.other_seeds:
            try:
                records = fixed_pick_rules(records, load(args.other_seeds),
                                           without=args.without_kind)
            except ValueError as error:  # shared cells or a missing dataset: say which
                parser.error(f"{error}: {args.summarise} and {args.other_seeds}")
        print(summarise(records))
        if args.against:
            try:
                (diff, se, wtl), same = compare(records, load(args.against))
            except ValueError as error:  # no shared cell: say so instead of a traceback
                parser.error(f"{error}: {args.summarise} and {args.against}")
            print(f"\n`best` minus {args.against}'s `best`: {diff:+.4f} ± {se:.4f}  "
                  f"{wtl[0]}/{wtl[1]}/{wtl[2]}"
                  + ("  (same candidates and test F1 in every cell)" if same else
                     "  (the candidates differ: the samples, not only the choice, changed)"))
        return
    choice_metrics = tuple(m for m in args.choice_metrics.split(",") if m)
    for metric in choice_metrics:
        check_metric(metric)
    cleaners = tuple(c for c in args.cleaners.split(",") if c)
    if set(cleaners) - set(CLEANERS):  # fail before any cell runs
        parser.error(f"--cleaners takes names from {', '.join(CLEANERS)}")
    try:
        keeps = [float(k) for k in args.majority_keeps.split(",") if k]
    except ValueError:
        keeps = None
    if keeps is None or not all(0 < k < 1 for k in keeps):  # fail before any cell runs
        parser.error(f"--majority-keeps takes shares between 0 and 1 (exclusive), e.g. 0.5,0.2; "
                     f"got {args.majority_keeps!r}")
    known_kinds = load_extra_kinds().EXTRA_KINDS
    if args.extra_kind and args.extra_kind not in known_kinds:  # fail before any cell runs
        parser.error(f"--extra-kind must be one of {', '.join(known_kinds)}")
    if args.with_baseline:
        from mixann.bench.runner import MIXANN_REWARDS, all_methods

        baselines = [m for m in all_methods() if m not in MIXANN_REWARDS]
        if args.with_baseline not in baselines:  # fail before any cell runs
            parser.error(f"--with-baseline must be one of {', '.join(baselines)}")
    options = {"choice_metrics": choice_metrics, "baseline": args.with_baseline,
               "cleaners": cleaners, "majority_keeps": keeps,
               "blends": [int(m) for m in args.blends.split(",") if m],
               "volumes": [float(v) for v in args.volumes.split(",")] if args.volumes else None,
               "minority_multiples": (None if args.minority_multiples is None else
                                      [] if args.minority_multiples == "none" else
                                      [float(m) for m in args.minority_multiples.split(",")]),
               "mix_kinds": args.mix_kinds.split(",") if args.mix_kinds else None,
               "selection_folds": args.selection_folds,
               "extra_kind": args.extra_kind}
    jobs = [(args.classifier, d, s, args.budget, args.data_dir, options)
            for d in args.datasets.split(",")
            for s in range(args.first_seed, args.first_seed + args.seeds)]
    from mixann.bench.runner import map_records  # the bench's own worker setup

    records = map_records(run_one, jobs, args.jobs, args.out, show=lambda r: {
        k: r[k] for k in ("dataset", "seed", "rules", "picks", "seconds")})
    print(summarise(records))


if __name__ == "__main__":
    main()
