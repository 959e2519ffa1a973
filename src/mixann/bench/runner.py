"""Run a benchmark grid: cells of (dataset, classifier, method, seed, budget) into SQLite.

:func:`run_cell` is a pure function of its cell and the data folder (it reads the dataset,
splits, resamples, fits and scores, and returns a dict), so it can be shipped to any worker.
:func:`run_grid` builds the cell list, skips the cells the store already holds as ``ok``, runs
the rest serially or in a process pool, and writes each outcome in the parent process, one
transaction per cell. A cell that raises is recorded as ``failed`` with its error and the grid
goes on; an interrupted grid (Ctrl-C, kill) resumes where it stopped on the next call.

Methods
-------
* ``none``, the registered baselines, ``mixann-paper`` and ``mixann`` (:func:`all_methods`,
  Table 2). ``mixann`` is MixAnN's default preset, run once (it chooses its volume on repeated
  folds itself); ``mixann-paper`` is ``preset="paper"``, the paper's algorithm, with K picked
  among :func:`protocol.k_candidates` by validation macro-F1.
* Reward ablations (Table 4): ``mixann-random-reward``, ``mixann-no-improvement`` (without
  Eq. 5), ``mixann-no-exploration`` (without Eq. 6): the default preset with that ``reward=``,
  so for one seed they share the split and the folds with ``mixann``.
* Label-informed detectors (Table 3): ``xgbod``, ``devnet``, ``deepsad``, run through
  :func:`mixann.detectors.fit_predict_detector` on the split's train/validation/test parts.
  They use no classifier, so :func:`build_cells` gives them one cell per (dataset, seed) with
  classifier :data:`DETECTOR_CLASSIFIER` (``"-"``), whatever classifiers the grid names.
* Sweeps (Fig. 4): ``mixann[K=5]`` runs the default preset with K = 5;
  ``mixann[eta=0.3]`` sets eta (``mixann-paper[K=5]`` sweeps the paper preset, without its
  K selection; ``mixann-paper[warmup_steps=5]`` its warm-up). :func:`parse_sweep` turns
  ``"K=5,10,15"`` into these names, :func:`parse_method` reads them back.
"""

from __future__ import annotations

import inspect
import time
import traceback
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from itertools import product
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.metrics import f1_score

from . import protocol

MIXANN = "mixann"
#: MixAnN with ``preset="paper"`` (the paper's algorithm, K chosen on validation), a Table 2 row.
MIXANN_PAPER = "mixann-paper"
# MixAnN's fixed hyperparameters (paper Section 4.1): eta, lambda, m, M.
MIXANN_FIXED = dict(eta=0.3, reward_scale=10, baseline_window=25, metric="f1_macro")


@dataclass(frozen=True)
class Cell:
    """One benchmark run."""

    dataset: str
    classifier: str
    method: str
    seed: int
    budget: str

    @property
    def key(self):
        return (self.dataset, self.classifier, self.method, int(self.seed), self.budget)

    def __str__(self):
        return f"{self.dataset}/{self.classifier}/{self.method}/seed={self.seed}"


def all_methods():
    """``["none", *other baselines, "mixann-paper", "mixann"]`` (registry read now)."""
    from ..baselines import BASELINE_NAMES

    return ["none", *[m for m in BASELINE_NAMES if m not in ("none", MIXANN, MIXANN_PAPER)],
            MIXANN_PAPER, MIXANN]


# Table 4's reward ablations: method name -> MixAnN's ``reward=``.
ABLATIONS = {"mixann-random-reward": "random", "mixann-no-improvement": "no-improvement",
             "mixann-no-exploration": "no-exploration"}
MIXANN_REWARDS = {MIXANN: "full", MIXANN_PAPER: "full", **ABLATIONS}
# Table 3's label-informed detectors (the names of mixann.detectors.DETECTOR_NAMES; kept here so
# that building a grid does not import the detectors).
DETECTORS = ("xgbod", "devnet", "deepsad")
#: The classifier column of detector cells: they have no downstream classifier.
DETECTOR_CLASSIFIER = "-"
#: Sweepable MixAnN hyperparameters (Fig. 4).
SWEEP_PARAMS = ("K", "eta")


def ablation_methods():
    """The three reward ablations, then full ``mixann``."""
    return [*ABLATIONS, MIXANN]


def detector_methods():
    """The label-informed detectors ``xgbod``, ``devnet``, ``deepsad``."""
    return list(DETECTORS)


METHOD_SHORTCUTS = {"all": all_methods, "ablations": ablation_methods,
                    "detectors": detector_methods}


def is_detector(method):
    return method in DETECTORS


def sweep_method(param, value):
    """The method name of one sweep point, e.g. ``mixann[K=5]``, ``mixann[eta=0.3]`` or
    ``mixann[selection_rule=best-larger]``."""
    return method_name(MIXANN, dict([_check_sweep_value(param, value)]))


def method_name(base, overrides):
    """The canonical name of ``base`` with checked ``overrides``, e.g. ``mixann[K=5]``.

    Strings are written bare (``selection_rule=one-se``, not ``'one-se'``): ``--methods`` and
    ``--sweep`` must store one cell under one name, and parse_method reads the name back.
    """
    if not overrides:
        return base
    shown = (f"{k}={v if isinstance(v, str) else repr(v)}" for k, v in overrides.items())
    return f"{base}[{','.join(shown)}]"


#: Sweepable levers of the default preset's choice (docs/quality.md, rows 19-20 and 32), with
#: their smallest value: not Fig. 4 axes, but run beside plain ``mixann`` in one grid so that
#: both share seeds and splits.
SELECTION_SWEEPS = {"selection_repeats": 1, "selection_folds": 2, "n_draws": 1}
#: The default preset's choosing rule is swept by name (``mixann[selection_rule=best-larger]``,
#: docs/quality.md, row 78); "auto" is plain ``mixann``.
RULE_SWEEP = "selection_rule"
#: The share of candidates the default preset's volume search keeps after its first folds
#: (``mixann[selection_prune=0.25]``, docs/quality.md, row 93): a number in (0, 1]; 1.0 scores
#: every candidate on every fold, the full search that plain ``mixann`` prunes for XGBoost and
#: the MLP (``selection_prune="auto"``, row 94).
PRUNE_SWEEP = "selection_prune"
#: Every sweep that only the default preset takes; its values pass to MixAnN as they are.
CHOICE_SWEEPS = (*SELECTION_SWEEPS, RULE_SWEEP, PRUNE_SWEEP)
#: The random warm-up steps of DDPG, swept on either preset (``mixann-paper[warmup_steps=5]``,
#: docs/quality.md, row 85): the paper leaves the warm-up open, and the paper preset's episodes
#: end at about every second random step, so 50 steps is most of its 30 episodes.
WARMUP_SWEEP = "warmup_steps"


def _positive_int(name, value, low=1):
    """``value`` as an int >= ``low`` (``"10.0"`` is 10); raises ValueError naming ``name``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not (number.is_integer() and number >= low):
        raise ValueError(f"{name} values must be integers >= {low}, got {value!r}")
    return int(number)


def _share(name, value, one):
    """``value`` as a float in (0, 1), or (0, 1] with ``one``; raises ValueError naming ``name``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not (0 < number < 1 or (one and number == 1)):
        raise ValueError(f"{name} values must be numbers in (0, 1{']' if one else ')'}, "
                         f"got {value!r}")
    return number


def _check_sweep_value(param, value):
    """Canonical ``(param, value)``; raises ValueError with the accepted forms."""
    if str(param).lower() == "k":
        return "K", _positive_int("K", value)
    if str(param) == "eta":
        return "eta", _share("eta", value, one=False)
    if str(param) in SELECTION_SWEEPS:
        return str(param), _positive_int(str(param), value, SELECTION_SWEEPS[str(param)])
    if str(param) == RULE_SWEEP:
        from ..defaults import SELECTION_RULES

        rules = [r for r in SELECTION_RULES if r != "auto"]
        if str(value) not in rules:
            raise ValueError(f"selection_rule values must be one of {', '.join(rules)} "
                             f"(plain mixann is \"auto\"), got {value!r}")
        return RULE_SWEEP, str(value)
    if str(param) == PRUNE_SWEEP:
        return PRUNE_SWEEP, _share(PRUNE_SWEEP, value, one=True)
    if str(param) == WARMUP_SWEEP:
        return WARMUP_SWEEP, _positive_int(WARMUP_SWEEP, value, 0)
    raise ValueError(f"unknown sweep parameter {param!r}; sweep K, eta, selection_repeats, "
                     "selection_folds, n_draws, selection_rule, selection_prune or "
                     "warmup_steps (e.g. K=5,10,15,20,25, eta=0.1,0.3,0.5, "
                     "selection_repeats=2, selection_folds=10, n_draws=10, "
                     "selection_rule=best-larger, selection_prune=0.25 or warmup_steps=5)")


def parse_sweep(text):
    """``"K=5,10"`` -> ``["mixann[K=5]", "mixann[K=10]"]``; ``"eta=0.1,0.3"`` likewise.

    Raises ValueError (saying what is accepted) on a missing ``=``, an unknown parameter, a
    value that is not an integer >= 1 (K) or a number in (0, 1) (eta), an empty or repeated
    value.
    """
    text = str(text).strip()
    if text.count("=") != 1:
        raise ValueError(f"sweep {text!r} must look like K=5,10,15,20,25 or eta=0.1,0.2,0.3")
    param, values = (part.strip() for part in text.split("="))
    items = [v.strip() for v in values.split(",")]
    if not values or any(not v for v in items):
        raise ValueError(f"sweep {text!r} has an empty value; give comma-separated values "
                         "like K=5,10,15")
    names = [sweep_method(param, v) for v in items]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"sweep {text!r} repeats {', '.join(repeated)}")
    return names


def parse_method(method):
    """``"mixann[K=5]"`` -> ``("mixann", {"K": 5})``; a plain name -> ``(name, {})``.

    Raises ValueError on a malformed bracket or a sweep of a method that is not MixAnN.
    """
    method = str(method)
    if "[" not in method and "]" not in method:
        return method, {}
    base, sep, rest = method.partition("[")
    if not sep or not rest.endswith("]") or "[" in rest[:-1] or "]" in rest[:-1]:
        raise ValueError(f"malformed method {method!r}; sweep points look like mixann[K=5]")
    if base not in MIXANN_REWARDS:
        raise ValueError(f"method {method!r}: only MixAnN methods "
                         f"({', '.join(MIXANN_REWARDS)}) take [K=...] or [eta=...]")
    overrides = {}
    for item in rest[:-1].split(","):
        if item.count("=") != 1:
            raise ValueError(f"malformed method {method!r}; sweep points look like mixann[K=5]")
        param, value = _check_sweep_value(*(p.strip() for p in item.split("=")))
        if param in CHOICE_SWEEPS and base != MIXANN:
            raise ValueError(f"method {method!r}: {param} is a parameter of the "
                             f"default preset; sweep it on {MIXANN}, not {base}")
        overrides[param] = value
    return base, overrides


def resolve_methods(text, sweeps=()):
    """The method list of ``--methods`` text plus ``--sweep`` specs, in order, without repeats.

    ``text`` is a comma list of method names and shortcuts (``all``: none, the horizontal
    baselines, mixann-paper and mixann; ``ablations``: the three reward ablations and mixann; ``detectors``:
    xgbod, devnet, deepsad), or None/empty (no methods: only the sweeps). Sweep point names
    (``mixann[K=5]``) are accepted in the list too. Raises ValueError naming unknown methods.
    """
    known = set(all_methods()) | set(ABLATIONS) | set(DETECTORS)
    out, unknown = [], []
    for token in [t.strip() for t in (text or "").split(",") if t.strip()]:
        if token in METHOD_SHORTCUTS:
            out += METHOD_SHORTCUTS[token]()
        elif token in known:
            out.append(token)
        else:
            try:
                base, overrides = parse_method(token)
            except ValueError:
                if token.partition("[")[0] in MIXANN_REWARDS and token.endswith("]"):
                    # A MixAnN sweep point with a bad value (mixann[K=0]): its own message,
                    # not "unknown method" beside a list that offers mixann[K=..].
                    raise
                base, overrides = token, {}
            if overrides and base in MIXANN_REWARDS:  # canonical spelling: mixann[K=5]
                out.append(method_name(base, overrides))
            else:
                unknown.append(token)
    if unknown:
        valid = [*METHOD_SHORTCUTS, *all_methods(), *ABLATIONS, *DETECTORS, "mixann[K=..]",
                 "mixann[eta=..]", "mixann[selection_repeats=..]", "mixann[selection_folds=..]",
                 "mixann[n_draws=..]", "mixann[selection_rule=..]", "mixann[selection_prune=..]",
                 "mixann[warmup_steps=..]", "mixann-paper[warmup_steps=..]"]
        raise ValueError(f"unknown method {', '.join(map(repr, unknown))}; choose one of "
                         f"{', '.join(valid)}")
    for spec in sweeps or ():
        out += parse_sweep(spec)
    return list(dict.fromkeys(out))


def _sampler_budget(budget):
    """The baselines' budget tier: the same name if the registry knows it, else "quick"."""
    from .. import baselines

    known = getattr(baselines, "BUDGETS", ("quick", "paper"))
    return budget if budget in known else "quick"


def _make_baseline(method, estimator, seed, y_train, budget, validation_data):
    from ..baselines import make_sampler

    kwargs = dict(estimator=estimator, random_state=seed, y=y_train,
                  budget=_sampler_budget(budget))
    # Baselines that tune on validation data receive it if the registry accepts it.
    if "validation_data" in inspect.signature(make_sampler).parameters:
        kwargs["validation_data"] = validation_data
    return make_sampler(method, **kwargs)


def mixann_params(budget, estimator):
    """The bench's MixAnN keyword arguments for ``budget`` and a classifier like ``estimator``:
    the fixed ones (:data:`MIXANN_FIXED`), the budget tier's, and how samples are absorbed.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from mixann.bench.runner import mixann_params
    >>> p = mixann_params("quick", KNeighborsClassifier(n_neighbors=10))
    >>> p["n_episodes"], p["update"], p["metric"]
    (8, 'exact-knn', 'f1_macro')
    """
    from ..updaters import resolve_update

    # Refitting an XGBoost or MLP after every step of every episode takes hours per cell; both
    # presets absorb samples by warm start there (exact-knn for KNN).
    return {**MIXANN_FIXED, **protocol.budget_params(budget),
            "update": resolve_update("auto", estimator, prefer_warm_start=True)}


def _fit_mixann(cell, sp, make_estimator, reward="full", overrides=None, preset="default"):
    """MixAnN on the split; returns (X_res, y_res, n_synthetic, config).

    ``preset="default"`` runs the default preset once (its volume search on repeated folds is
    its own selection; K = ``max_neighbors``' default). ``preset="paper"`` is the paper's
    protocol: one run per K candidate, K chosen by validation macro-F1. ``reward`` is MixAnN's
    reward kind (the Table 4 ablations); ``overrides`` a sweep point: ``{"K": k}`` fixes K
    (no selection), ``{"eta": e}`` replaces eta, ``{"selection_repeats": r}``,
    ``{"selection_folds": f}``, ``{"n_draws": n}``, ``{"selection_rule": name}`` and
    ``{"selection_prune": share}`` set the default preset's fold repeats, folds, draws scored
    on validation, choosing rule and pruned search;
    ``{"warmup_steps": w}`` either preset's random warm-up steps.
    """
    from ..sampler import MixAnN

    overrides = dict(overrides or {})
    params = {**mixann_params(cell.budget, make_estimator()), "reward": reward, "preset": preset}
    if "eta" in overrides:
        params["eta"] = float(overrides["eta"])
    # Canonical already (parse_method): ints for the counts and the warm-up, a name for the rule.
    params.update({param: overrides[param] for param in (*CHOICE_SWEEPS, WARMUP_SWEEP)
                   if param in overrides})
    if "K" in overrides:
        candidates = (int(overrides["K"]),)
    elif preset == "paper":
        candidates = tuple(protocol.k_candidates(cell.budget))
    else:
        candidates = (MixAnN().max_neighbors,)
    trials, best = [], None
    for k in candidates:
        sampler = MixAnN(estimator=make_estimator(), max_neighbors=k,
                         validation_data=(sp.X_val, sp.y_val), random_state=cell.seed,
                         verbose=False, **params)
        X_res, y_res = sampler.fit_resample(sp.X_train, sp.y_train)
        n_syn = int(len(sampler.synthetic_X_))
        h = sampler.history_
        trial = {"K": k, "n_synthetic": n_syn, "guard_fired": bool(h["guard_fired"]),
                 "baseline_score": float(h["baseline_score"]),
                 # None where no episode ran (no kind called the actor: row 104)
                 "best_episode_score": (float(max(e["score"] for e in h["episodes"]))
                                        if h["episodes"] else None)}
        if preset != "paper":
            trial.update(mix_kinds=sampler.mix_kinds_, mix_kind=h["mix_kind"], volume=h["volume"],
                         candidates=h["candidates"], selection_rule=sampler.selection_rule_,
                         selection_prune=sampler.selection_prune_)
            if h.get("draw_scores") is not None:  # n_draws > 1: each draw's validation score
                trial["draw_scores"] = h["draw_scores"]
        if len(candidates) > 1:
            clf = make_estimator().fit(X_res, y_res)
            trial["val_f1"] = float(f1_score(sp.y_val, clf.predict(sp.X_val), average="macro",
                                             zero_division=0))
        trials.append(trial)
        if best is None or trial.get("val_f1", 0.0) > best[0]:  # ties keep the smaller K
            best = (trial.get("val_f1", 0.0), k, X_res, y_res, n_syn)
    config = {"mixann": {**params, "K_candidates": list(candidates), "K": best[1],
                         "sweep": overrides, "trials": trials}}
    return best[2], best[3], best[4], config


#: What scikit-learn's MLPClassifier warns when Ctrl-C stops its training loop early.
_MLP_INTERRUPTED = "Training interrupted by user"


def run_cell(cell, data_dir=None):
    """Run one cell and return its result dict (raises on failure).

    Ctrl-C raises ``KeyboardInterrupt`` here even inside an MLP's fit: scikit-learn's
    ``MLPClassifier`` catches it, stops training early and only warns, so the cell would be
    scored on a half-trained model, stored as ok and skipped on resume.

    Loads the dataset, splits it with :func:`protocol.split` (seed = cell seed), resamples the
    train part with the cell's method, fits a fresh classifier on the resampled train part
    (never on validation) and scores it on test.

    Returns
    -------
    dict
        The key fields, ``status="ok"``, ``precision``, ``recall``, ``f1``,
        ``resample_seconds``, ``fit_seconds`` (classifier fit on the resampled data),
        ``n_synthetic`` and ``config`` (everything needed to reproduce the run).
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=_MLP_INTERRUPTED, category=UserWarning)
        try:
            return _run_cell(cell, data_dir)
        except UserWarning as exc:
            if _MLP_INTERRUPTED in str(exc):
                raise KeyboardInterrupt from None
            raise


def _run_cell(cell, data_dir):
    from ..classifiers import make_classifier
    from ..datasets import load_dataset

    if isinstance(cell, dict):
        cell = Cell(**cell)
    X, y = load_dataset(cell.dataset, data_dir=data_dir)
    sp = protocol.split(X, y, cell.seed)
    if is_detector(cell.method):
        return _run_detector(cell, sp, X)
    base, overrides = parse_method(cell.method)

    def make_estimator():
        return make_classifier(cell.classifier, random_state=cell.seed, n_jobs=1)

    config = {**asdict(cell), "split": sp.sizes(), "n_features": int(X.shape[1]),
              "scaling": "MinMax fit on the train part, applied to validation and test",
              "classifier_params": {k: repr(v) for k, v in make_estimator().get_params().items()}}
    t0 = time.perf_counter()
    if base in MIXANN_REWARDS:
        X_res, y_res, n_syn, extra = _fit_mixann(
            cell, sp, make_estimator, reward=MIXANN_REWARDS[base], overrides=overrides,
            preset="paper" if base == MIXANN_PAPER else "default")
        config.update(extra)
    else:
        sampler = _make_baseline(cell.method, make_estimator(), cell.seed, sp.y_train,
                                 cell.budget, (sp.X_val, sp.y_val))
        X_res, y_res = sampler.fit_resample(sp.X_train, sp.y_train)
        X_res, y_res = np.asarray(X_res, dtype=float), np.asarray(y_res)
        n_syn = int(len(y_res) - len(sp.y_train))
        config["sampler"] = repr(sampler)
    resample_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    clf = clone(make_estimator()).fit(X_res, y_res)
    fit_seconds = time.perf_counter() - t0
    scores = protocol.evaluate(sp.y_test, clf.predict(sp.X_test))
    return {**asdict(cell), "status": "ok", "error": None, **scores,
            "fit_seconds": fit_seconds, "resample_seconds": resample_seconds,
            "n_synthetic": n_syn, "config": config}


def _run_detector(cell, sp, X):
    """A label-informed detector cell: fit on train, threshold on validation, score test."""
    from ..detectors import fit_predict_detector

    t0 = time.perf_counter()
    y_pred, info = fit_predict_detector(cell.method, sp.X_train, sp.y_train, sp.X_val, sp.y_val,
                                        sp.X_test, random_state=cell.seed, budget=cell.budget)
    seconds = time.perf_counter() - t0
    config = {**asdict(cell), "split": sp.sizes(), "n_features": int(X.shape[1]),
              "scaling": "MinMax fit on the train part, applied to validation and test",
              "detector": info}
    return {**asdict(cell), "status": "ok", "error": None,
            **protocol.evaluate(sp.y_test, y_pred),
            "fit_seconds": float(info.get("fit_seconds", seconds)), "resample_seconds": 0.0,
            "n_synthetic": 0, "config": config}


def _failed(cell, exc):
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return {**asdict(cell), "status": "failed", "error": f"{type(exc).__name__}: {exc}\n{tb}",
            "config": asdict(cell)}


def _safe_run(cell, data_dir):
    """Run a cell in a worker: exceptions become a failed result (Ctrl-C still propagates)."""
    try:
        return run_cell(cell, data_dir)
    except Exception as exc:
        return _failed(cell, exc)


#: Environment variables read by the BLAS and OpenMP libraries a worker loads later on.
_ONE_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _init_worker():
    """Give a worker process one thread in torch and in the BLAS / OpenMP thread pools.

    The workers already share the cores, one cell each. Left alone, every worker's BLAS starts
    one thread per core too, and the threads fight: on 2 cores, two workers fitting the MLP
    (numpy matrix products) took 10.9 s a fit instead of 2.8 s (``benchmarks/worker_threads.py``).
    """
    import os

    for name in _ONE_THREAD_ENV:  # libraries loaded after this point start with one thread
        os.environ[name] = "1"
    # numpy's BLAS is loaded with this module; scipy's own copy is loaded here so that the
    # limit below reaches it too.
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)  # the pools already loaded; stays for the process's life
    try:
        import torch

        torch.set_num_threads(1)
    except Exception:  # pragma: no cover - torch is a dependency, but be lenient in workers
        pass


class _WithJob:
    """``run_one`` that also returns its job, so records that finish out of order keep it."""

    def __init__(self, run_one):
        self.run_one = run_one

    def __call__(self, job):
        return job, self.run_one(job)


def map_records(run_one, jobs, n_jobs=1, out=None, show=None):
    """Run ``run_one(job)`` for every job in worker processes set up as the bench's, and return
    the records (dicts).

    For the scripts under ``benchmarks/`` that run their own cells: each record is printed as
    a JSON line as soon as it comes (``show(record)`` picks what to print; default all of it)
    and, with ``out``, appended to that file with the job that made it (field ``"job"``), so an
    interrupted run keeps what it finished and the same command run again resumes: a job whose
    record is already in ``out`` is not run again, and its stored record is returned first.
    Lines without a ``"job"`` field (other files' records) are kept and never matched.
    """
    import json
    import multiprocessing

    def key(job):  # a job as JSON: tuples and lists alike, dicts in a stable order
        return json.dumps(job, sort_keys=True, default=str)

    done = {}
    if out and Path(out).is_file():
        with open(out) as fh:
            for line in fh:
                record = json.loads(line) if line.strip() else {}
                if "job" in record:
                    done.setdefault(key(record["job"]), record)
    records = [done[k] for k in dict.fromkeys(key(job) for job in jobs) if k in done]
    todo = [job for job in jobs if key(job) not in done]
    if records:
        print(f"{len(records)} of {len(jobs)} jobs already in {out}: not run again", flush=True)
    with multiprocessing.Pool(max(1, int(n_jobs)), initializer=_init_worker) as pool:
        for job, record in pool.imap_unordered(_WithJob(run_one), todo):
            records.append(record)
            print(json.dumps(show(record) if show else record), flush=True)
            if out:
                with open(out, "a") as fh:
                    fh.write(json.dumps({**record, "job": json.loads(key(job))}) + "\n")
    return records


def build_cells(datasets, classifiers, methods, seeds, budget):
    """Cells in a stable order; ``seeds`` is an int n (seeds 0..n-1) or an iterable of seeds.

    Detector methods get one cell per (dataset, seed), with classifier ``"-"``.
    """
    seed_list = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    cells = (Cell(d, DETECTOR_CLASSIFIER if is_detector(m) else c, m, s, budget)
             for d, c, m, s in product(datasets, classifiers, methods, seed_list))
    return list(dict.fromkeys(cells))


def run_grid(datasets, classifiers, methods, seeds, budget, db, data_dir=None, jobs=1,
             progress=True, console=None, scheduler=None):
    """Run every cell of the grid not yet in ``db`` as ``ok``, recording each as it finishes.

    Parameters
    ----------
    datasets, classifiers, methods : list of str
    seeds : int or iterable of int
        ``n`` means seeds ``0 .. n-1``.
    budget : {"quick", "paper", "test"}
    db : path-like or ResultStore
    data_dir : path-like, default=None
        Folder of the ADBench ``.npz`` files.
    jobs : int, default=1
        ``1`` runs serially in this process; more uses a ``ProcessPoolExecutor`` (spawned
        workers, one thread each in torch and in BLAS / OpenMP). Only this process writes the
        database.
    progress : bool, default=True
        Show a rich progress bar (cells done/total, current cell, elapsed, ETA).
    console : rich.console.Console, default=None
        The console the progress bar draws on (None: rich's own, on stdout).
    scheduler : str, default=None
        Run the cells on a dask.distributed cluster: ``"local"`` starts a ``LocalCluster`` of
        ``jobs`` single-threaded worker processes, ``"tcp://HOST:8786"`` connects to a running
        scheduler (its workers must see ``data_dir`` at the same path). Workers only compute;
        this process alone writes the database, so resume and no-duplicates still hold. A
        worker lost mid-cell has its cell rescheduled by dask on another worker; the cell is
        recorded once, when its result first arrives here.

    Returns
    -------
    dict
        ``total``, ``skipped`` (already ok), ``ok``, ``failed`` counts of this call.

    Raises
    ------
    DataMismatch
        Before any cell runs, when a dataset's data (shape and hash, :func:`data_fingerprint`,
        recorded in each cell's ``config["data"]``) differs from what the ok cells of that
        dataset in ``db`` ran on, e.g. a resume with another ``data_dir``.
    FileNotFoundError
        Before any cell runs, naming every dataset whose ``.npz`` file is missing.
    UnusableData
        Before any cell runs, naming every file that does not load or has a class too small
        for the split.
    SchedulerError
        For a ``scheduler`` that is not an address, or that cannot be reached.
    NotAResultsFile
        For a ``db`` that is another program's file (left untouched).

    Datasets are stored under :func:`canonical_dataset`'s name (``40_vowels`` is ``vowels``).
    A new database (and its folders) is created with the first cell recorded, so a call that
    records nothing leaves nothing behind. A cell that another run on the same database
    stored as ok meanwhile counts as skipped.
    """
    from .store import ResultStore, StoreOnFirstWrite

    protocol.budget_params(budget)  # validate early
    check_scheduler(scheduler)
    # One dataset, one stored name: "40_vowels" or "Vowels" would run vowels again as a second
    # dataset of the report, and miss its finished cells on resume.
    datasets = list(dict.fromkeys(canonical_dataset(d) for d in datasets))
    # A new database is created with the first cell recorded: a run that records nothing (a
    # scheduler that cannot be reached, a missing data file, Ctrl-C before the first cell)
    # leaves no empty file behind, and never removes one, which another run started on the
    # same path could be writing to.
    if isinstance(db, ResultStore):
        store = db
    else:
        store = ResultStore(db) if Path(db).exists() else StoreOnFirstWrite(db)
    summary = {"total": 0, "skipped": 0, "ok": 0, "failed": 0}
    try:
        return _run_cells(store, datasets, classifiers, methods, seeds, budget, data_dir,
                          jobs, progress, console, scheduler, summary)
    finally:
        if store is not db:
            store.close()


def _run_cells(store, datasets, classifiers, methods, seeds, budget, data_dir, jobs, progress,
               console, scheduler, summary):
    """run_grid's work on an open store; ``summary`` is filled in as cells are recorded."""
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    cells = build_cells(datasets, classifiers, methods, seeds, budget)
    done = store.done_cells()
    todo = [c for c in cells if c.key not in done]
    summary.update(total=len(cells), skipped=len(cells) - len(todo))
    # The identity of each dataset's data in this run (data_fingerprint), recorded with every
    # cell so that a resume on other data is refused instead of mixed into the same table.
    fingerprints = {}

    def same_data(found):
        check_same_data(store, found, data_dir)
        fingerprints.update(found)

    if scheduler in (None, "local"):
        # A missing file would fail every cell of its dataset, each written to the database as
        # failed: refuse before the first one. A remote scheduler's workers may see other
        # paths: they check for themselves (_run_dask), and report their data's identity.
        check_data_files({c.dataset for c in todo}, data_dir)
        same_data(check_loadable({c.dataset for c in todo}, data_dir))

    bar = Progress(TextColumn("[bold]bench"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.description}"), TimeElapsedColumn(), TextColumn("ETA"),
                   TimeRemainingColumn(), console=console, disable=not progress, transient=False)

    def record(result):
        known = fingerprints.get(result["dataset"])
        if known is not None:  # added here: only this process writes the database
            result = {**result, "config": {**(result.get("config") or {}), "data": known}}
        # False: another run on the same database stored this cell as ok meanwhile.
        written = store.record(result)
        summary[result["status"] if written else "skipped"] += 1
        bar.advance(task)

    with bar:
        task = bar.add_task("", total=len(todo))
        if scheduler is not None and todo:
            _run_dask(todo, data_dir, scheduler, jobs, bar, task, record,
                      on_data=None if scheduler == "local" else same_data)
        elif jobs <= 1 or len(todo) <= 1:
            for cell in todo:
                bar.update(task, description=str(cell))
                try:
                    result = run_cell(cell, data_dir)
                except Exception as exc:
                    result = _failed(cell, exc)
                record(result)
        else:
            _run_pool(todo, data_dir, jobs, bar, task, record)
        bar.update(task, description="done")
    return summary


def check_data_files(datasets, data_dir=None):
    """Raise ``FileNotFoundError`` naming every dataset of ``datasets`` whose file is missing.

    Examples
    --------
    >>> import tempfile
    >>> check_data_files(["vowels", "smtp"], tempfile.mkdtemp())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FileNotFoundError: no data file for 'smtp' (34_smtp.npz), 'vowels' (40_vowels.npz) in ...
    """
    from ..datasets import data_dir as folder, dataset_path

    paths = {name: dataset_path(name, data_dir) for name in sorted(datasets)}
    missing = {name: path for name, path in paths.items() if not path.is_file()}
    if missing:
        names = ", ".join(f"{name!r} ({path.name})" for name, path in missing.items())
        raise FileNotFoundError(
            f"no data file for {names} in {folder(data_dir)}; pass the folder that holds them "
            "(--data-dir, data_dir=...), set MIXANN_DATA, or download them with `mixann data "
            f"fetch {' '.join(missing)}`")


def canonical_dataset(name):
    """The name under which the bench stores ``name``: the short name of a known ADBench
    dataset, however it is given; any other name as given (less a ``.npz`` suffix).

    :func:`mixann.datasets.load_dataset` reads ``vowels``, ``Vowels``, ``40_vowels`` and
    ``40_vowels.npz`` as one file; stored under four names they would be four datasets.

    Examples
    --------
    >>> [canonical_dataset(n) for n in ("Vowels", "40_vowels.npz", "CIFAR10_1", "mine.npz")]
    ['vowels', 'vowels', 'cifar10_automobile', 'mine']
    """
    from ..datasets import ADBENCH_FILES

    name = str(name)
    name = name[:-4] if name.lower().endswith(".npz") else name
    if name.lower() in ADBENCH_FILES:  # short names in any case, as load_dataset reads them
        return name.lower()
    # A file stem exactly as load_dataset finds it (file names are case-sensitive).
    return {stem: short for short, stem in ADBENCH_FILES.items()}.get(name, name)


class DataMismatch(ValueError):
    """A resume whose data for a dataset differs from what its finished cells ran on."""


def data_fingerprint(X, y):
    """The identity of a dataset's data: ``{"shape": [rows, features], "sha256": 16 hex}``
    over the bytes of ``X`` (float64) and ``y`` (int64), little-endian whatever the machine.

    Examples
    --------
    >>> import numpy as np
    >>> a = data_fingerprint(np.eye(3), np.array([0, 0, 1]))
    >>> a["shape"], len(a["sha256"]), a == data_fingerprint(np.eye(3), [0.0, 0.0, 1.0])
    ([3, 3], 16, True)
    """
    import hashlib

    X = np.ascontiguousarray(X, dtype="<f8")
    digest = hashlib.sha256(X.tobytes())
    digest.update(np.ascontiguousarray(y, dtype="<i8").tobytes())
    return {"shape": [int(n) for n in X.shape], "sha256": digest.hexdigest()[:16]}


def data_fingerprints(datasets, data_dir=None):
    """``{dataset: data_fingerprint or None}``, each file read once.

    None for a file that does not load, or whose classes are too small for the split
    (:func:`check_loadable` says why).
    """
    return _read_data(datasets, data_dir)[0]


def _read_data(datasets, data_dir):
    """``(fingerprints, problems)``: :func:`data_fingerprints`, and ``{dataset: why}`` for the
    ones that are None, from one read of each file."""
    from ..datasets import load_dataset

    out, problems = {}, {}
    for name in sorted(datasets):
        try:
            X, y = load_dataset(name, data_dir=data_dir)
            protocol.check_class_sizes(y)
            out[name] = data_fingerprint(X, y)
        except Exception as exc:  # noqa: BLE001 - the reason is shown to the user
            out[name], problems[name] = None, exc
    return out, problems


class UnusableData(ValueError):
    """A dataset file that is there but cannot run a cell (broken, or a class too small)."""


def check_loadable(datasets, data_dir=None):
    """``{dataset: data_fingerprint}`` of ``datasets``; raise :class:`UnusableData` naming
    each that does not load or that the split cannot use, with the reason: every cell of it
    would fail the same way, each recorded as failed with advice to retry.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> np.savez(folder / "mine.npz", X=np.eye(6), y=np.array([0, 0, 0, 0, 1, 1]))
    >>> check_loadable(["mine"], folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    mixann.bench.runner.UnusableData: dataset 'mine': class 1 has only 2 rows: ...
    """
    found, problems = _read_data(datasets, data_dir)
    if problems:
        raise UnusableData("; ".join(f"dataset {name!r}: {exc}"
                                     for name, exc in problems.items()))
    return found


def _worker_data(datasets, data_dir):
    """On a dask worker: check the files are there, then fingerprint them."""
    check_data_files(datasets, data_dir)
    return data_fingerprints(datasets, data_dir)


def _agreed_data(seen, data_dir):
    """The fingerprints every worker reported (``client.run``'s ``{worker: {dataset: fp}}``);
    raise DataMismatch where two workers read different data under one name."""
    found = {}
    for worker, fps in sorted(seen.items()):
        for name, fp in fps.items():
            if name in found and found[name] != fp:
                raise DataMismatch(
                    f"the workers read different data for dataset {name!r} in {data_dir} "
                    f"({_describe(found[name])} on one, {_describe(fp)} on {worker}); give "
                    "every worker the same files")
            found[name] = fp
    return found


def _describe(fp):
    if fp is None:
        return "a file that does not load"
    rows, features = fp["shape"]
    return f"{rows} rows x {features} features, sha256 {fp['sha256']}"


def check_same_data(store, fingerprints, data_dir=None):
    """Raise DataMismatch if a dataset's data (``{dataset: fingerprint}``) differs from what
    the ok cells of that dataset in ``store`` recorded.

    A resume skips the finished cells and runs the rest on the data it reads now: on other
    data (another ``--data-dir``, a file replaced) the table would average the two. Cells
    written without a fingerprint (older databases) are unknown and pass.
    """
    from ..datasets import data_dir as folder

    recorded = store.data_fingerprints()
    for name, fp in sorted(fingerprints.items()):
        other = [old for old in recorded.get(name, []) if fp is not None and old != fp]
        if other:
            raise DataMismatch(
                f"dataset {name!r} in {folder(data_dir)} ({_describe(fp)}) is not the data its "
                f"finished cells in {store.path} ran on ({_describe(other[0])}); a resume "
                "would mix the two in one table: use a new --db for this data, or the "
                "original --data-dir")


def _run_pool(todo, data_dir, jobs, bar, task, record):
    import multiprocessing as mp

    pool = ProcessPoolExecutor(max_workers=min(jobs, len(todo)),
                               mp_context=mp.get_context("spawn"), initializer=_init_worker)
    try:
        pending = {pool.submit(_safe_run, cell, data_dir): cell for cell in todo}
        while pending:
            running = [str(c) for f, c in pending.items() if f.running()][:3]
            bar.update(task, description=", ".join(running) or "starting workers")
            finished, _ = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            for future in finished:
                cell = pending.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # a worker died (e.g. out of memory)
                    result = _failed(cell, exc)
                record(result)
    except BaseException:
        # Interrupted: drop queued cells and stop the workers' current ones (their results
        # would not be recorded anyway; the next run redoes them).
        workers = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in workers:
            if proc.is_alive():
                proc.terminate()
        raise
    pool.shutdown(wait=True)


class SchedulerError(ValueError):
    """A ``--scheduler`` that is malformed or that cannot be reached."""


def check_scheduler(scheduler):
    """Raise SchedulerError unless ``scheduler`` is None, ``"local"`` or a HOST:PORT address.

    Checked before the database is opened, so a typo leaves no file behind.
    """
    if scheduler is None or scheduler == "local":
        return
    try:
        from distributed.comm.addressing import get_address_host_port
    except ImportError:
        raise SchedulerError("--scheduler needs dask.distributed; pip install "
                             "'dask[distributed]', or leave --scheduler out") from None
    try:
        get_address_host_port(scheduler)
    except ValueError as exc:
        raise SchedulerError(f"scheduler {scheduler!r} is not an address ({exc}); give 'local' "
                             "or tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786") from None


def _run_dask(todo, data_dir, scheduler, jobs, bar, task, record, run=None, on_data=None):
    """Run ``todo`` on dask; ``run(cell, data_dir)`` computes a result (default: the real cell).

    With a scheduler address, the workers check the data files and fingerprint them before the
    first cell is sent; ``on_data({dataset: fingerprint})`` then sees what they read (and may
    raise to stop the grid, as :func:`check_same_data` does).
    """
    from dask.distributed import Client, LocalCluster, as_completed

    if scheduler == "local":
        cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        try:
            cluster, client = None, Client(scheduler, timeout="30s")
        except (OSError, ValueError) as exc:  # unreachable (a timeout is an OSError) or bad
            raise SchedulerError(f"cannot connect to the dask scheduler {scheduler} "
                                 f"({str(exc).splitlines()[0]}); start it (dask scheduler) or "
                                 "use --scheduler local") from None
    try:
        client.run(_init_worker)
        if scheduler != "local":  # run_grid checked a LocalCluster's files on this machine
            # The workers must see the files: each checks before the first cell is sent, and
            # says what data it sees; all must see the same.
            seen = client.run(_worker_data, sorted({cell.dataset for cell in todo}), data_dir)
            found = _agreed_data(seen, data_dir)
            if on_data is not None:
                on_data(found)
        # One task per cell, keyed by the cell so a resubmission can never run it twice.
        futures = {client.submit(run or _safe_run, cell, data_dir,
                                 key=f"mixann-cell-{'/'.join(map(str, cell.key))}",
                                 pure=False): cell for cell in todo}
        bar.update(task, description=f"dask: {len(futures)} cells on {scheduler}")
        for future in as_completed(futures):
            cell = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # the task itself was lost too often (KilledWorker)
                result = _failed(cell, exc)
            bar.update(task, description=str(cell))
            record(result)
    except BaseException:
        client.cancel(list(futures) if "futures" in locals() else [])
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
