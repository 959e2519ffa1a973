"""Choosing how (kind) and how many (volume) synthetic samples to return, on repeated folds.

A validation split of an anomaly dataset holds a handful of anomalies (vowels: about 8), so
its macro-F1 moves in steps of 0.03-0.06 and choosing on it picks noise (docs/quality.md).
The default preset therefore scores each candidate volume on out-of-fold predictions over
the training *and* validation rows together: for every fold, the policy is rolled out on the
fold's training part (:mod:`mixann.rollout`), the classifier is fitted on that part plus the
rollout's first ``volume * (n_majority - n_minority)`` minority rows, and it predicts the held-out
fold. Pooling the out-of-fold probabilities of every row gives one score per volume and
repeat from five times more anomalies than the validation split alone. Volume 0 (no
augmentation) is always a candidate, so the selection is also the guard. A KNN that searches
by KD-tree is not refitted per candidate: :mod:`mixann.knn_votes` gives the same votes from
one neighbour search per fold. With ``prune`` (``MixAnN(selection_prune=...)``) only the best
share of the candidates after the first folds is scored on the rest, for slow classifiers.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import partial

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.model_selection import RepeatedStratifiedKFold, train_test_split

from .knn_votes import knn_fold_probas, knn_votes_apply
from .metrics import score_proba
from .multiclass import row_classes

__all__ = ["volume_target", "minority_volumes", "kind_streams", "MulticlassJudge", "select_volume",
           "choose", "choose_draw", "prune_folds", "kept_candidates"]


def volume_target(volume, y):
    """Minority rows to generate for ``volume``: a share of the class gap of ``y`` (0/1 labels).

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.selection import volume_target
    >>> volume_target(0.5, np.array([0] * 90 + [1] * 10))
    40
    """
    y = np.asarray(y)
    gap = int(np.sum(y == 0) - np.sum(y == 1))
    return int(round(float(volume) * max(gap, 0)))


def minority_volumes(multiples, y, below):
    """Volumes (shares of the class gap) of ``multiples`` times the minority count of ``y``,
    keeping those under ``below``.

    Why: a share of the gap is a coarse unit under extreme imbalance. On smtp (30 anomalies
    in 95,000 rows) 0.02 of the gap is 60 times the minority, so a grid of gap shares has no
    candidate between "no augmentation" and flooding the anomalies' neighbourhoods; on data
    with a minority of a few percent, one minority count is already above 0.02 of the gap and
    nothing is added.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.selection import minority_volumes
    >>> y = np.array([0] * 1010 + [1] * 10)   # gap 1000, minority 10
    >>> minority_volumes((1, 2, 5), y, below=0.02)  # 10 rows: 0.01 of the gap; 20 rows: 0.02
    [0.01]
    >>> minority_volumes((1, 2, 5), y, below=0.06)
    [0.01, 0.02, 0.05]
    """
    y = np.asarray(y)
    n_minority = int(np.sum(y == 1))
    gap = int(np.sum(y == 0)) - n_minority
    if gap <= 0 or n_minority == 0:
        return []
    return sorted({m * n_minority / gap for m in multiples if m * n_minority / gap < below})


def kind_streams(kinds, seed):
    """One random generator per kind, seeded from ``seed`` and the kind's name.

    :func:`select_volume` rolls each kind out from its own stream, so adding or removing a
    kind leaves every other kind's rows, and so their scores, as they were: a screen that
    scores a kind beside the others (``without:<kind>``) reads what the library without it
    would return, and a new kind changes a choice only where it is itself chosen. (With one
    shared stream, a fifth kind redrew the other four's rows and moved XGBoost's chosen
    volume in 7 of 10 cells where it was never chosen; docs/quality.md, "Session 62".)

    Parameters
    ----------
    kinds : iterable of str
        The kinds' names.
    seed : int
        A non-negative seed.

    Returns
    -------
    dict
        ``{kind: numpy.random.Generator}``; a kind's generator depends only on ``seed`` and
        its name (CRC-32, the same on every machine and Python run, unlike ``hash``).

    Examples
    --------
    >>> from mixann.selection import kind_streams
    >>> a = kind_streams(["spread", "swap"], seed=0)
    >>> b = kind_streams(["swap"], seed=0)
    >>> bool(a["swap"].random() == b["swap"].random())
    True
    """
    return {kind: np.random.default_rng([int(seed), zlib.crc32(str(kind).encode("utf-8"))])
            for kind in kinds}


def keep_minority_in_validation(train_idx, val_idx, is_minority, seed):
    """Row indexes of a stratified train / validation split, changed in place so that the
    validation part holds a minority row (returned as they are when it already does).

    Stratifying rounds a minority of a few rows down to none in the validation part (MixAnN:
    2 to 4 rows; AutoSMOTE's ``validation_size=0.1``: 5 to 9), and every score on it would then
    judge one class (a baseline of 1.0). One training minority row is swapped with one
    validation majority row, drawn by a generator of its own (``seed``), so both parts keep
    their sizes and the caller's random stream is untouched.

    Examples
    --------
    >>> import numpy as np
    >>> is_minority = np.array([0, 0, 0, 0, 1, 1], dtype=bool)
    >>> train, val = np.array([0, 1, 4, 5]), np.array([2, 3])
    >>> train, val = keep_minority_in_validation(train, val, is_minority, seed=0)
    >>> bool(is_minority[val].any()), len(train), len(val)
    (True, 4, 2)
    """
    if not is_minority[val_idx].any():
        swap = np.random.default_rng(seed)
        i = swap.choice(np.flatnonzero(is_minority[train_idx]))
        j = swap.choice(np.flatnonzero(~is_minority[val_idx]))
        train_idx[i], val_idx[j] = val_idx[j], train_idx[i]
    return train_idx, val_idx


@dataclass(frozen=True)
class MulticlassJudge:
    """The multiclass classifier as the judge of a one-vs-rest sampler's candidates.

    A binary MixAnN fitted for class ``c`` against the rest (:mod:`mixann.multiclass`)
    generates from its 0/1 labels, but what its rows must improve is the classifier fitted on
    every class. With a judge, :func:`select_volume` and :func:`choose_draw` fit the
    classifier on the rows' class codes (the synthetic rows coded ``code``) and score its
    probabilities over all classes, e.g. macro-F1 over the classes; the folds are stratified
    on the codes, so that every class is in every fold's training part.

    Parameters
    ----------
    codes : ndarray of int
        Class code (0 to k - 1) of each training row (the ``X`` given with the judge).
    codes_val : ndarray of int
        Class code of each validation row.
    code : int
        The code of the augmented class.
    n_classes : int
        k, the number of classes (columns of the probabilities scored).
    """

    codes: np.ndarray
    codes_val: np.ndarray
    code: int
    n_classes: int

    def relabel(self, part, codes, y):
        """``part`` (a :class:`~mixann.rollout.Rollout` rolled out on rows of class codes
        ``codes`` and 0/1 labels ``y``) with class codes as labels
        (:func:`mixann.multiclass.row_classes`: ``code`` for its minority rows, a row
        labelled 0 the class of its majority source).

        Examples
        --------
        >>> import numpy as np
        >>> from mixann.rollout import Rollout
        >>> from mixann.selection import MulticlassJudge
        >>> judge = MulticlassJudge(np.array([0, 2, 1]), np.array([0, 1, 2]), code=1, n_classes=3)
        >>> part = Rollout(np.zeros((2, 1)), np.array([1, 0]), np.array([[2, 1], [2, 1]]),
        ...                np.array([0.5, 0.2]))
        >>> judge.relabel(part, np.array([0, 2, 1]), np.array([0, 0, 1])).y.tolist()
        [1, 2]
        """
        labels = row_classes(part.y, part.sources, y, codes, self.code)
        return type(part)(part.X, labels.astype(int), part.sources, part.alpha)


def _proba(model, X, n_classes=2):
    """Probabilities of classes 0 to ``n_classes - 1`` in that column order (0 for a class
    the model was not fitted on), whatever order the model keeps."""
    proba = model.predict_proba(X)
    out = np.zeros((len(X), n_classes))
    out[:, np.asarray(model.classes_, dtype=int)] = proba
    return out


def _judged_score(metric, proba, codes):
    """:func:`~mixann.metrics.score_proba` of a judge's probabilities over every class, with
    the cause and the fix named where ``codes`` lack a class and the scorer needs each one.

    Why: log loss and one-vs-rest ROC AUC refuse labels that lack one of the probabilities'
    columns, and a fold's held-out part (or a carved validation split) lacks a class with
    fewer rows than folds (or too few to be drawn into it); scikit-learn's own message names
    neither the folds nor the fix.
    """
    try:
        return score_proba(metric, proba, codes)
    except ValueError as exc:
        absent = proba.shape[1] - len(np.unique(codes))
        if absent <= 0:
            raise
        raise ValueError(
            f"metric={metric!r} cannot score a part of the data that lacks {absent} of the "
            f"{proba.shape[1]} classes ({exc}); with multiclass_choice='all-classes' every fold "
            "of the volume search and the validation split are scored over all classes, and a "
            "class with fewer rows than selection_folds, or too few to be drawn into the "
            "validation split, is missing from some: use a scorer that takes a missing class "
            "('f1_macro', 'balanced_accuracy'), lower selection_folds and give validation_data "
            "with rows of every class, or keep multiclass_choice='one-vs-rest'") from exc


def _fit_predict(estimator, X_tr, y_tr, part, X_te, n_classes=2):
    """Probabilities on ``X_te`` of a clone of ``estimator`` fitted on the fold's rows plus
    ``part`` (a :class:`~mixann.rollout.Rollout`, or None for no augmentation)."""
    if part is not None and len(part):
        X_tr, y_tr = np.vstack([X_tr, part.X]), np.concatenate([y_tr, part.y])
    present = np.unique(y_tr)
    if np.array_equal(present, np.arange(len(present))):  # always so for 0/1 labels
        return _proba(clone(estimator).fit(X_tr, y_tr), X_te, n_classes)
    # A judge's training rows can lack a class whose code is not the last (a validation split
    # carved on the 0/1 labels may hold every row of a small class), and XGBoost refuses
    # labels that are not 0 to m - 1: fit on the codes of the classes present, then put each
    # column back at its class's code (the absent class's column stays 0, as for KNN).
    model = clone(estimator).fit(X_tr, np.searchsorted(present, y_tr))
    out = np.zeros((len(X_te), n_classes))
    out[:, present[np.asarray(model.classes_, dtype=int)]] = model.predict_proba(X_te)
    return out


def _refit_rows(estimator, X_tr, y_tr, X_te, part, rows):
    """:func:`_fit_predict` for the held-out rows ``X_te[rows]`` alone."""
    return _fit_predict(estimator, X_tr, y_tr, part, X_te[rows])


#: The fewest minority rows :func:`sample_rows` keeps (all of them, when there are fewer).
MIN_SAMPLED_MINORITY = 100


def sample_rows(y, strata, max_rows, seed):
    """Sorted indices of at most ``max_rows`` rows for the volume search's folds.

    A sample stratified by ``strata`` keeps the class ratio, so the volumes (shares of the
    class gap) mean the same as on all rows. Where that would keep fewer than
    :data:`MIN_SAMPLED_MINORITY` minority rows (``y == 1``) of more, it keeps that many (or
    all of them) and samples the rest. Why: stratified, 2 anomalies among 200,000 rows kept
    1 of 100,000, no fold could score an anomaly, and every candidate tied (twenty-second
    audit).

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.selection import sample_rows
    >>> y = np.r_[np.ones(2, int), np.zeros(2000, int)]
    >>> keep = sample_rows(y, y, 1000, seed=0)
    >>> len(keep), int(y[keep].sum())
    (1000, 2)
    """
    idx = np.arange(len(y))
    minority = idx[y == 1]
    wanted = min(len(minority), MIN_SAMPLED_MINORITY, max_rows // 2)
    if len(minority) * max_rows / len(y) >= wanted:  # the stratified sample keeps enough
        keep, _ = train_test_split(idx, train_size=max_rows, stratify=strata,
                                   random_state=seed)
        return np.sort(keep)
    rest = idx[y != 1]
    kept = np.random.RandomState(seed).choice(minority, wanted, replace=False)
    if max_rows - wanted >= len(rest):
        others = rest
    else:
        others, _ = train_test_split(rest, train_size=max_rows - wanted,
                                     stratify=strata[rest], random_state=seed)
    return np.sort(np.concatenate([kept, others]))


def select_volume(generators, estimator, X, y, X_val, y_val, volumes, *, n_splits, n_repeats,
                  metric, seed, one_se=False, max_rows=None, n_jobs=None, on_fold=None,
                  judge=None, larger_ties=False, prune=None, on_prune=None):
    """Score every (kind, volume) on repeated stratified folds of train + validation.

    Parameters
    ----------
    generators : dict
        ``{kind: generate}`` with ``generate(X_part, y_part, n_minority, rng) -> Rollout``;
        each kind is a way of mixing (:data:`mixann.rollout.ROLLOUT_KINDS`).
    estimator : classifier
        Cloned and fitted once per fold and distinct candidate.
    X, y, X_val, y_val : ndarray
        Training and validation rows (labels 0/1); the folds run over both.
    volumes : sequence of float
        Candidate volumes, shares of the class gap; volume 0 (no augmentation) is one
        candidate, ``(None, 0.0)``, whatever the kinds.
    n_splits, n_repeats : int
        Folds and repeats of :class:`~sklearn.model_selection.RepeatedStratifiedKFold`.
    metric : str
        scikit-learn scorer name, applied to the pooled out-of-fold probabilities.
    seed : int
        Seeds the folds and the rollouts (each kind from its own stream,
        :func:`kind_streams`).
    one_se : bool
        The one-standard-error rule: the smallest volume whose score is within one standard
        error (of the best candidate's per-fold scores) of the best score.
    max_rows : int or None
        Run the folds on a stratified sample of at most this many rows (volumes are shares
        of the class gap, so they carry over to the full data; at least
        :data:`MIN_SAMPLED_MINORITY` minority rows or all of them, :func:`sample_rows`). Why:
        on a million rows the folds would cost minutes per candidate; the choice needs far
        fewer.
    n_jobs : int or None
        Classifier fits run at once (joblib; ``None`` means 1 unless in a
        :func:`joblib.parallel_config` context, ``-1`` all cores). The rollouts stay in this
        process, in fold order, so the result does not depend on ``n_jobs``. A KNN that
        searches by KD-tree is not refitted per candidate: each fold's votes come from one
        neighbour search (:mod:`mixann.knn_votes`, the same numbers as refits), in this
        process.
    on_fold : callable or None
        Called as ``on_fold(done, total)`` as the fits come back: ``done`` counts the folds
        scored, in fractions of a fold while its fits return, of ``total`` folds. A progress
        bar's hook (the search is most of a fit's time for slow classifiers, whose fold can
        take a minute).
    judge : MulticlassJudge or None
        For a one-vs-rest sampler: fit and score the classifier on every class
        (:class:`MulticlassJudge`) instead of on the 0/1 labels.
    larger_ties : bool
        Exact ties of the best score go to the larger volume instead of the smaller
        (:func:`choose`).
    prune : float in (0, 1] or None
        After the first :func:`prune_folds` folds (two of five), score only this share of the
        candidates on the other folds: the best by their pooled score on those first folds
        (ties as in :func:`choose`, ``larger_ties`` included), and no augmentation always
        (the guard). The others are dropped and never chosen. Why: for a slow classifier the
        fits are the search's whole cost (XGBoost on cifar10: 205 fits of 3 s), and most
        candidates trail by far after two folds. The kept candidates' rows and scores are the
        same as without pruning, so the choice is the same whenever the unpruned choice is
        kept. ``None`` scores every candidate on every fold.
    on_prune : callable or None
        Called once, after the first folds, as ``on_prune(first_scores, kept)``:
        ``first_scores`` is ``{(kind, volume): score}`` of every candidate on those folds
        (pooled as above), ``kept`` the list of candidates scored further.

    Returns
    -------
    best : tuple (kind, volume)
        The best pooled score (ties: the smaller volume, or the larger with ``larger_ties``,
        then the first kind), or the ``one_se`` choice.
    scores : dict
        ``{(kind, volume): (score, standard error)}``: the metric of the pooled out-of-fold
        probabilities (mean over repeats) and the standard error of the per-fold scores, for
        every candidate scored on every fold (with ``prune``, the kept ones).
    """
    volumes = sorted({float(v) for v in volumes})
    kinds = list(generators)
    candidates = [(None, 0.0)] if 0.0 in volumes else []
    candidates += [(kind, v) for kind in kinds for v in volumes if v > 0]
    X_all = np.vstack([np.asarray(X, dtype=float), np.asarray(X_val, dtype=float)])
    y_all = np.concatenate([np.asarray(y), np.asarray(y_val)])
    # What the classifier is fitted and scored on: the 0/1 labels, or every class's code.
    n_classes = 2 if judge is None else judge.n_classes
    fit_all = y_all if judge is None else np.concatenate([judge.codes, judge.codes_val])
    score = score_proba if judge is None else _judged_score
    if max_rows is not None and len(y_all) > max_rows:
        keep = sample_rows(y_all, fit_all, int(max_rows), seed)
        X_all, y_all, fit_all = X_all[keep], y_all[keep], fit_all[keep]
    n_min = int(np.sum(y_all == 1))
    n_splits = int(max(2, min(n_splits, n_min)))  # each fold needs a minority row
    folds = RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=seed)
    streams = kind_streams(kinds, seed)
    fold_list = list(folds.split(X_all, fit_all))
    # A KNN's candidates share the fold's training rows: one neighbour search per fold, in
    # this process (the fits take milliseconds, less than starting workers).
    one_search = judge is None and knn_votes_apply(
        estimator, min(len(tr) for tr, _ in fold_list), X_all.shape[1])
    oof = {c: np.zeros((n_repeats, len(y_all), n_classes)) for c in candidates}
    per_fold = {c: [] for c in candidates}

    def score_folds(fold_ids, active):
        """Fit and score the candidates ``active`` on the folds ``fold_ids``, in order."""
        plans = []  # per fold: ({candidate: key of its fit}, the distinct keys in fitting order)

        def tasks():
            for i in fold_ids:
                tr, te = fold_list[i]
                X_tr, y_tr = X_all[tr], y_all[tr]
                targets = {v: volume_target(v, y_tr) for v in volumes}
                # Every kind still scored is rolled out to the largest volume from its own
                # stream, so that its prefixes are the rows it has without pruning.
                live = [kind for kind in kinds if any(c[0] == kind for c in active)]
                full = {kind: generators[kind](X_tr, y_tr, max(targets.values()), streams[kind])
                        for kind in live}
                keys, fits = {}, {}  # a candidate whose rows equal another's reuses its fit
                for kind, v in active:
                    part = full[kind].head(targets[v]) if kind is not None else None
                    key = (kind, len(part)) if part is not None and len(part) else (None, 0)
                    keys[(kind, v)] = key
                    fits.setdefault(key, part)
                plans.append((keys, list(fits)))
                if one_search:
                    refit = partial(_refit_rows, estimator, X_tr, y_tr, X_all[te])
                    yield delayed(knn_fold_probas)(estimator, X_tr, y_tr, X_all[te], full,
                                                   list(fits), refit)
                    continue
                for part in fits.values():
                    if judge is not None and part is not None:
                        part = judge.relabel(part, fit_all[tr], y_tr)
                    yield delayed(_fit_predict)(estimator, X_tr, fit_all[tr], part, X_all[te],
                                                n_classes)

        # Results come back in order as they finish (lazily with one job), so each fold is
        # scored, and reported to on_fold, as soon as its fits are done.
        probas = Parallel(n_jobs=1 if one_search else n_jobs, return_as="generator")(tasks())
        for n, i in enumerate(fold_ids):
            tr, te = fold_list[i]
            first = next(probas)  # fold i's plan is in ``plans`` once one of its fits is back
            keys, fit_keys = plans[n]
            if one_search:  # every candidate's votes at once
                fitted = dict(zip(fit_keys, first))
            else:
                fitted = {fit_keys[0]: first}
                for j, key in enumerate(fit_keys[1:], start=1):
                    if on_fold is not None:  # a bar that moves with each fit, not each fold's 17
                        on_fold(i + j / len(fit_keys), len(fold_list))
                    fitted[key] = next(probas)
            repeat = i // n_splits
            for c, key in keys.items():
                oof[c][repeat, te] = fitted[key]
                per_fold[c].append(score(metric, fitted[key], fit_all[te]))
            if on_fold is not None:
                on_fold(i + 1, len(fold_list))
        if next(probas, None) is not None:  # ends joblib's generator: every fit was read above
            raise RuntimeError("the volume search read fewer fits than it ran")

    # Each kind's rollouts draw from its own generator in fold order, so they stay in this
    # process and in that order; only the classifier fits (the cost: 85 of them by default)
    # run in the workers, all of a phase's fits in one pool so that no fold waits for
    # another. The same seed therefore gives the same choice whatever n_jobs is.
    n_first = len(fold_list) if prune is None else min(prune_folds(n_splits), len(fold_list))
    score_folds(range(n_first), candidates)
    kept = candidates
    if n_first < len(fold_list):
        rows = np.concatenate([fold_list[i][1] for i in range(n_first)])
        early = {c: float(score(metric, oof[c][0, rows], fit_all[rows])) for c in candidates}
        kept = kept_candidates(early, prune, larger_ties=larger_ties)
        if on_prune is not None:
            on_prune(early, kept)
        score_folds(range(n_first, len(fold_list)), kept)
    scores = {}
    for c in kept:
        pooled = np.mean([score(metric, oof[c][r], fit_all) for r in range(n_repeats)])
        se = np.std(per_fold[c], ddof=1) / np.sqrt(len(per_fold[c]))
        scores[c] = (float(pooled), float(se))
    return choose(scores, one_se=one_se, larger_ties=larger_ties), scores


def prune_folds(n_splits):
    """How many folds :func:`select_volume` scores every candidate on before ``prune`` drops
    some: half the folds of one repeat, rounded down, at least one (two of the default five).

    Examples
    --------
    >>> from mixann.selection import prune_folds
    >>> prune_folds(5), prune_folds(10), prune_folds(2)
    (2, 5, 1)
    """
    return max(1, int(n_splits) // 2)


def kept_candidates(early, share, larger_ties=False):
    """The candidates :func:`select_volume` keeps scoring after its first folds, in
    ``early``'s order: the best ``ceil(share * len(early))`` by their score on those folds
    (ties: the smaller volume, or the larger with ``larger_ties``, then the earlier
    candidate, as :func:`choose` breaks them), and no augmentation, ``(None, 0.0)``, always.
    Why ``larger_ties``: under ``selection_rule="best-larger"`` a tie at the top must not
    lose its larger volumes before the last folds are scored.

    Examples
    --------
    >>> from mixann.selection import kept_candidates
    >>> early = {(None, 0.0): 0.60, ("spread", 0.1): 0.70, ("spread", 0.5): 0.75,
    ...          ("boundary", 0.1): 0.70, ("boundary", 0.5): 0.65}
    >>> kept_candidates(early, 0.4)
    [(None, 0.0), ('spread', 0.1), ('spread', 0.5)]
    >>> tied = {(None, 0.0): 0.9, ("spread", 0.1): 0.9, ("spread", 0.5): 0.9}
    >>> kept_candidates(tied, 0.3), kept_candidates(tied, 0.3, larger_ties=True)
    ([(None, 0.0)], [(None, 0.0), ('spread', 0.5)])
    """
    if not 0 < share <= 1:
        raise ValueError(f"the share of candidates kept must be in (0, 1], got {share!r}")
    ranked = sorted(early, key=_preference(early, larger_ties), reverse=True)
    # Rounded first: 0.7 * 10 is 7.000000000000001 in floats, whose ceiling would keep 8.
    n_keep = int(np.ceil(round(share * len(early), 9)))
    keep = set(ranked[:n_keep]) | ({(None, 0.0)} & set(early))
    return [c for c in early if c in keep]

def choose(scores, one_se=False, larger_ties=False):
    """The candidate :func:`select_volume` returns, from its ``scores``.

    The best pooled score (ties: the smaller volume, then the earlier candidate), or with
    ``one_se`` the smallest volume whose score is within one standard error of that best.
    With ``larger_ties`` exact ties of the best score go to the *larger* volume (then the
    earlier candidate). Why: with a handful of anomalies the pooled out-of-fold F1 takes few
    values, exact ties at the top are common, and the smaller volume always leans away from
    balance (``selection_rule="best-larger"``; docs/quality.md, rows 75-79: no classifier's
    default, as it tied on fresh tiny sets and lost on held-out ADBench).

    Examples
    --------
    >>> from mixann.selection import choose
    >>> scores = {(None, 0.0): (0.70, 0.02), ("spread", 0.1): (0.74, 0.03),
    ...           ("spread", 0.5): (0.76, 0.04)}
    >>> choose(scores), choose(scores, one_se=True)
    (('spread', 0.5), ('spread', 0.1))
    >>> tied = {("a", 0.1): (0.9, 0.03), ("a", 0.5): (0.9, 0.04), ("b", 0.5): (0.9, 0.01)}
    >>> choose(tied), choose(tied, larger_ties=True)
    (('a', 0.1), ('a', 0.5))
    """
    best = max(scores, key=_preference({c: s[0] for c, s in scores.items()}, larger_ties))
    if one_se:
        order = {c: i for i, c in enumerate(scores)}
        floor = scores[best][0] - scores[best][1]
        best = min((c for c in scores if scores[c][0] >= floor), key=lambda c: (c[1], order[c]))
    return best


def _preference(score_of, larger_ties=False):
    """A sort key that grows with a candidate's score in ``score_of`` (``{candidate: score}``);
    exact ties prefer the smaller volume (the larger with ``larger_ties``), then the candidate
    earlier in ``score_of``. The one tie rule of :func:`choose` and :func:`kept_candidates`."""
    order = {c: i for i, c in enumerate(score_of)}
    lean = 1 if larger_ties else -1  # which way an exact tie of scores goes
    return lambda c: (score_of[c], lean * c[1], -order[c])


def choose_draw(draws, estimator, X, y, X_val, y_val, *, metric, n_jobs=None, judge=None):
    """The draw whose classifier scores best on validation, as AutoSMOTE picks its samples.

    The kind and volume are chosen on the folds (:func:`select_volume`); which random rows
    of that kind are returned is one more draw of noise (one draw's test F1 varies by about
    0.01, on smtp's 30 anomalies by 0.03; docs/quality.md, row 35). Each draw here is
    scored by fitting a clone of ``estimator`` on ``X, y`` plus the draw and scoring its
    validation probabilities; the draws must come from ``X``'s rows only, never from the
    validation rows they are scored on.

    Parameters
    ----------
    draws : list of Rollout
        Candidate synthetic sets (:class:`~mixann.rollout.Rollout`), all of one kind and size.
    estimator : classifier
        Cloned and fitted once per draw.
    X, y, X_val, y_val : ndarray
        Training rows (labels 0/1) and the validation split that scores the draws.
    metric : str
        scikit-learn scorer name (:func:`mixann.metrics.score_proba`).
    n_jobs : int or None
        Fits run at once (joblib); the result does not depend on it.
    judge : MulticlassJudge or None
        For a one-vs-rest sampler: fit and score the classifier on every class, the codes of
        ``X``'s and ``X_val``'s rows (:class:`MulticlassJudge`).

    Returns
    -------
    index : int
        The best draw's position (ties: the first).
    scores : list of float
        Each draw's validation score.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from mixann.rollout import Rollout
    >>> from mixann.selection import choose_draw
    >>> X = np.array([[0.0], [0.2], [0.4], [0.6], [3.0]]); y = np.array([0, 0, 0, 0, 1])
    >>> X_val = np.array([[0.1], [2.0]]); y_val = np.array([0, 1])
    >>> inside, beside = (Rollout(np.array([[v], [v]]), np.ones(2, dtype=int),
    ...                           np.zeros((2, 2), dtype=int), np.ones(2)) for v in (0.1, 2.1))
    >>> # ``inside`` puts anomalies on the normal validation row: a false positive
    >>> choose_draw([inside, beside], KNeighborsClassifier(1), X, y, X_val, y_val,
    ...             metric="f1_macro")
    (1, [0.3333333333333333, 1.0])
    """
    if judge is not None:  # every class's code, the draws' rows coded with their class
        draws = [judge.relabel(draw, judge.codes, y) for draw in draws]
        y, y_val = judge.codes, judge.codes_val
    n_classes = 2 if judge is None else judge.n_classes
    if judge is None and knn_votes_apply(estimator, len(X), np.shape(X)[1]):
        # One neighbour search of the validation rows among X, each draw's rows added to it.
        X, X_val = np.asarray(X, dtype=float), np.asarray(X_val, dtype=float)
        probas = knn_fold_probas(estimator, X, y, X_val, dict(enumerate(draws)),
                                 [(i, len(draw)) for i, draw in enumerate(draws)],
                                 partial(_refit_rows, estimator, X, y, X_val))
    else:
        probas = Parallel(n_jobs=n_jobs)(delayed(_fit_predict)(estimator, X, y, draw, X_val,
                                                               n_classes) for draw in draws)
    score = score_proba if judge is None else _judged_score
    scores = [float(score(metric, proba, y_val)) for proba in probas]
    return int(np.argmax(scores)), scores
