"""MixAnN as an imbalanced-learn over-sampler, and MixAnNClassifier (augment, then fit)."""

from __future__ import annotations

import copy
import numbers
import os
import re
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import torch
from imblearn.over_sampling.base import BaseOverSampler
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._available_if import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ._output import output_like
from ._torch import check_device, check_widths
from .classifiers import fewer_neighbours, random_state_params
from .ddpg import DDPGAgent
from .env import Episode, MixUpEnv, in_sample_proba
from .metrics import check_metric, score_proba
from .multiclass import fit_one_vs_rest, largest_gap_volume, plain_label, row_classes
from .reward import REWARD_KINDS, MovingBaseline
from .rollout import ACTOR_FREE_KINDS, ROLLOUT_KINDS, Rollout, rollout
from .selection import (MulticlassJudge, choose_draw, keep_minority_in_validation,
                        minority_volumes, select_volume, volume_target)
from .updaters import UPDATE_NAMES, make_updater, resolve_update

POLICY_FORMAT = "mixann-policy-v1"
PRESETS = ("default", "paper")
STATE_FEATURES = ("pair", "model-aware")
#: Candidate volumes of the default preset: shares of the class gap n_majority - n_minority.
DEFAULT_VOLUMES = (0.0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0)
#: Extra candidate volumes in minority counts, for extreme imbalance (see ``minority_multiples``).
DEFAULT_MINORITY_MULTIPLES = (1, 2, 5, 10, 20)
#: Mix kinds of the default preset: the actor's rollout kinds, plus "spread", "swap", "copy" and
#: "spread-off-majority" (no actor).
MIX_KINDS = (*ROLLOUT_KINDS, *ACTOR_FREE_KINDS)
#: ``selection_rule`` values; "auto" resolves to "balance" or "best" (default_selection_rule).
SELECTION_RULES = ("auto", "best", "best-larger", "one-se", "balance")
#: At most this many minority rows in train + validation, ``selection_rule="auto"`` balances
#: an MLP instead of choosing: two or three anomalies per fold of the choice (rows 77 and 80;
#: 10 until row 80 raised it; 13 lost in row 83, 14 and 16 tied in rows 82 and 81, and 20
#: lost in row 78).
SMALL_MINORITY = 12
#: What ``selection_rule="balance"`` returns: ``spread`` at volume 1.0, the classes balanced.
BALANCE_PICK = ("spread", 1.0)


def default_estimator():
    """The paper's default classifier: KNN with k = 10."""
    return KNeighborsClassifier(n_neighbors=10)


def default_mix_kinds(estimator):
    """The kinds ``mix_kinds="auto"`` scores for ``estimator``.

    ``("boundary", "spread", "swap", "spread-off-majority")`` for XGBoost's boosted trees (an
    ``XGBClassifier`` with ``booster`` ``"gbtree"``, ``"dart"`` or unset), alone or as the last
    step of a pipeline; ``("boundary", "spread")`` for any other classifier. Why: ``swap``
    (uniform crossover of two anomalies) lifted XGBoost on three seed sets and moved KNN and
    the MLP by nothing measurable (docs/quality.md, rows 53 and 55); ``spread-off-majority``
    (``spread``'s midpoints that land nearest an anomaly) lifted XGBoost on two seed sets,
    smtp most, and cost KNN (row 61). Other tree ensembles (XGBoost's random forest
    ``XGBRFClassifier`` included) were not measured, so they keep the kinds measured for
    every classifier.

    Parameters
    ----------
    estimator : classifier
        The classifier MixAnN augments for (a :class:`~sklearn.pipeline.Pipeline` is read
        by its last step).

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from xgboost import XGBClassifier
    >>> from mixann.sampler import default_mix_kinds
    >>> default_mix_kinds(KNeighborsClassifier())
    ('boundary', 'spread')
    >>> default_mix_kinds(XGBClassifier())
    ('boundary', 'spread', 'swap', 'spread-off-majority')
    >>> default_mix_kinds(XGBClassifier(booster="gblinear"))
    ('boundary', 'spread')
    """
    if _xgboost_trees(estimator):
        return ("boundary", "spread", "swap", "spread-off-majority")
    return ("boundary", "spread")


def default_n_draws(estimator):
    """The draws ``n_draws="auto"`` scores on validation for ``estimator``.

    10 for KNN (``KNeighborsClassifier``) and XGBoost's boosted trees (as in
    :func:`default_mix_kinds`), alone or as the last step of a pipeline; 1 (the first draw,
    no scoring) for any other classifier. Why: picking the best of 10 draws on validation
    lifted XGBoost by +0.016 and +0.012 on two seed sets of the shared datasets and KNN by
    +0.002 and +0.006 (docs/quality.md, row 57). For the MLP ten draws gained +0.005 on one
    seed set and +0.001 on fresh seeds, within one standard error (row 60); it and the
    classifiers not measured keep the single draw their tables were measured with.

    Parameters
    ----------
    estimator : classifier
        The classifier MixAnN augments for (a :class:`~sklearn.pipeline.Pipeline` is read
        by its last step).

    Returns
    -------
    int

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn.neural_network import MLPClassifier
    >>> from xgboost import XGBClassifier
    >>> from mixann.sampler import default_n_draws
    >>> default_n_draws(KNeighborsClassifier()), default_n_draws(XGBClassifier())
    (10, 10)
    >>> default_n_draws(MLPClassifier())
    1
    """
    knn = isinstance(_final_step(estimator), KNeighborsClassifier)
    return 10 if knn or _xgboost_trees(estimator) else 1


def default_selection_rule(estimator, n_minority, kinds):
    """The rule ``selection_rule="auto"`` uses for ``estimator``.

    ``"balance"`` (no volume search: ``spread`` at volume 1.0, the classes balanced) for an
    MLP (``MLPClassifier``, alone or as the last step of a pipeline) when train + validation
    hold at most :data:`SMALL_MINORITY` (12) minority rows and ``spread`` is among ``kinds``;
    ``"best"`` (the best pooled out-of-fold score, exact ties going to the smaller volume)
    otherwise.

    Why: with at most 12 anomalies each of the choice's 5 folds holds two or three, so its
    out-of-fold F1 takes a handful of values. On four sets of 10 anomalies (8 in train +
    validation) that no choice had seen (seeds 0-9, the same samples; docs/quality.md, row 77),
    balancing beat the choice for the MLP by +0.020 ± 0.016 (the test written down before the
    run; on three more sets +0.011 ± 0.025) and lost for KNN (-0.098 ± 0.031) and XGBoost
    (-0.007 ± 0.019). With 12 in train + validation it beat the MLP's choice again (+0.015 ±
    0.010 on seven fresh sets, row 80, which raised the bar from 10), with 20 it lost (-0.013 ±
    0.009, row 78). Balancing also skips the search, most of an MLP's fitting time.
    ``"best-larger"`` (exact ties going to the larger volume) is not chosen for any classifier:
    for KNN it won and lost 5 cells each over 210 cells of fresh tiny sets (rows 75-79) and lost
    on the held-out ADBench datasets (-0.007 ± 0.003 over 60 cells, row 78).

    Parameters
    ----------
    estimator : classifier
        The classifier MixAnN augments for (a :class:`~sklearn.pipeline.Pipeline` is read
        by its last step).
    n_minority : int
        Minority rows the choice would pool (train + validation).
    kinds : sequence of str
        The kinds the default preset scores (``mix_kinds_``).

    Returns
    -------
    str

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn.neural_network import MLPClassifier
    >>> from mixann.sampler import default_selection_rule
    >>> kinds = ("boundary", "spread")
    >>> default_selection_rule(MLPClassifier(), 8, kinds)
    'balance'
    >>> default_selection_rule(MLPClassifier(), 13, kinds)
    'best'
    >>> default_selection_rule(KNeighborsClassifier(), 8, kinds)
    'best'
    """
    mlp = isinstance(_final_step(estimator), MLPClassifier)
    spread = BALANCE_PICK[0] in kinds
    return "balance" if mlp and n_minority <= SMALL_MINORITY and spread else "best"


def _final_step(estimator):
    """The classifier itself: a pipeline's last step, else ``estimator``."""
    return estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator


def _xgboost_trees(estimator):
    """Whether ``estimator`` (or a pipeline's last step) is XGBoost's boosted trees: an
    ``XGBClassifier`` with booster ``"gbtree"``, ``"dart"`` or unset, not ``XGBRFClassifier``."""
    final = _final_step(estimator)
    # By class name within the xgboost package, so that xgboost need not be installed to ask;
    # XGBRFClassifier subclasses XGBClassifier, hence the second test.
    xgb_classes = {c.__name__ for c in type(final).__mro__
                   if c.__module__.split(".")[0] == "xgboost"}
    return ("XGBClassifier" in xgb_classes and "XGBRFClassifier" not in xgb_classes
            and getattr(final, "booster", None) in (None, "gbtree", "dart"))


class TrainingSplitTooSmall(ValueError):
    """Fewer rows than the neighbours MixAnN (``max_neighbors``) or its KNN (``n_neighbors``)
    needs, in the training split or in the volume search's folds: the command line, which can
    set neither, turns it into advice of its own (give more rows).

    Attributes: ``part`` (where the rows are short), ``n_train`` (its rows), ``max_neighbors``
    (the neighbours it needs).
    """

    def __init__(self, message, part, n_train, max_neighbors):
        self.part, self.n_train, self.max_neighbors = part, n_train, max_neighbors
        super().__init__(message)


def _fewer_neighbours(k, n_rows):
    """A KNN of fewer than ``k`` neighbours that ``n_rows`` rows can serve, as advice."""
    return f"an estimator with fewer neighbours, e.g. {fewer_neighbours(k, n_rows)}"


def _check_neighbours(max_neighbors, estimator, n_train):
    """Refuse a training split smaller than ``max_neighbors`` or the estimator's
    ``n_neighbors``, naming every limit it breaks (lowering one alone would meet the other)."""
    k = getattr(estimator, "n_neighbors", None)
    k = int(k) if isinstance(k, numbers.Integral) and k > n_train else None
    if max_neighbors > n_train and k is not None:
        raise TrainingSplitTooSmall(
            f"max_neighbors={max_neighbors} and the estimator's n_neighbors={k} are both larger "
            f"than the training split ({n_train} samples); lower max_neighbors and "
            f"use {_fewer_neighbours(k, n_train)}",
            "MixAnN's training split", n_train, max(max_neighbors, k))
    if max_neighbors > n_train:
        raise TrainingSplitTooSmall(f"max_neighbors={max_neighbors} is larger than the training "
                                    f"split ({n_train} samples); lower max_neighbors",
                                    "MixAnN's training split", n_train, max_neighbors)
    if k is not None:
        raise TrainingSplitTooSmall(f"the estimator's n_neighbors={k} is larger than the "
                                    f"training split ({n_train} samples); "
                                    f"give more rows, or {_fewer_neighbours(k, n_train)}",
                                    "MixAnN's training split", n_train, k)


def read_policy(path):
    """The payload of a policy file saved by :meth:`MixAnN.save_policy`, read as weights only.

    Raises ``TypeError`` for a ``path`` that is not a str or path-like, ``ValueError`` for a
    file that is missing or is not a MixAnN policy file (``torch.load(weights_only=True)``
    refuses pickled code).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"policy must be the path of a file saved by save_policy, got "
                        f"{type(path).__name__}")
    if Path(path).is_dir():
        raise ValueError(f"policy {str(path)!r} is a folder; give the file that "
                         "MixAnN.save_policy(path) wrote")
    if not Path(path).is_file():
        raise ValueError(f"policy file {str(path)!r} does not exist; save one with "
                         "MixAnN.save_policy(path) first")
    try:
        payload = torch.load(Path(path), map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises several types for foreign files
        # Some of torch's messages are a bare code ("101"): say what torch was reading. Its
        # weights-only refusal is paragraphs long, with terminal colour codes and advice to
        # load with weights_only=False (running the file's code): say what it means instead.
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines() or [""]
        why = ("it holds objects other than tensors and plain values, which are not loaded"
               if "weights only load failed" in text[0].lower() else text[0])
        raise ValueError(f"{path} is not a MixAnN policy file saved by save_policy (torch could "
                         f"not read it as weights: {type(exc).__name__}: {why})") from None
    if not isinstance(payload, dict) or payload.get("format") != POLICY_FORMAT:
        raise ValueError(f"{path} is not a MixAnN policy file saved by save_policy")
    return payload


class MixAnN(BaseOverSampler):
    """Learned mix-up over-sampling for imbalanced data with diverse minorities (MixAnN, CIKM'23).

    A DDPG actor-critic walks the training set: at each step it sees a pair of training
    points with different labels (x0, x1) and chooses a neighbourhood size k, a mix ratio
    alpha, a number of copies n and a termination probability eps. The synthetic sample is
    added n times, the classifier is updated, and the reward ``reward_scale * dM * C``
    combines the validation improvement (Eq. 5) with the classifier's uncertainty around the
    new sample (Eq. 6). The next x0 is drawn among the k nearest training points of the
    synthetic sample. Two presets decide how samples are mixed and what is returned:

    * ``preset="paper"``, the paper's algorithm as written: the sample is
      ``alpha * x0 + (1 - alpha) * x1`` (Eq. 1) with the label of x0 if ``alpha >= eta``,
      else of x1 (Eq. 2); every episode starts from the original data, and
      :meth:`fit_resample` returns the synthetic set of the best episode on validation
      (nothing if no episode beat the un-augmented classifier, when ``guard``).
    * ``preset="default"``, the best variant measured (docs/quality.md): every sample is a
      minority sample between the pair's minority point and its majority point, at most
      ``1 - eta`` of the way (:func:`mixann.mixup.minority_mix`); after training, the actor
      is rolled out from every minority point (:mod:`mixann.rollout`) to produce any number
      of samples, and the number returned, a share of the class gap from ``volumes`` (or,
      under extreme imbalance, a multiple of the minority from ``minority_multiples``), is
      chosen on repeated stratified folds over the training and validation rows
      (:mod:`mixann.selection`; volume 0, no augmentation, is the guard).

    Parameters
    ----------
    estimator : classifier with ``predict_proba``, default=None
        The classifier the augmentation is learned for (``None``: KNN with k = 10). A
        ``random_state`` of it left ``None`` (also a pipeline step's) is set from this
        sampler's seed, so that the same ``random_state`` gives the same output with a
        forest or an MLP too; a seed it was given is kept. Its predictions are scored as
        the argmax of ``predict_proba`` (the reward, the guard, the choice): a classifier
        whose ``predict`` is not that (a tuned threshold, ``SVC(probability=True)``'s Platt
        scaling) is judged by its probabilities, not by its ``predict``. It is fitted on
        float arrays without column names (a ``ColumnTransformer`` in it must pick columns
        by position; one that picks them by name is refused).
    preset : {"default", "paper"}, default="default"
        See above. ``volumes``, ``minority_multiples`` and the ``selection_*`` parameters
        apply to ``"default"`` only; ``accumulate`` to ``"paper"`` only.
    max_neighbors : int, default=10
        K, the largest neighbourhood size the policy may choose (paper grid 5..25).
    max_oversample : int, default=5
        N, the largest number of copies of one synthetic sample.
    eta : float in (0, 1), default=0.3
        Label threshold of Eq. 2.
    reward_scale : float, default=10.0
        lambda, the reward strength.
    baseline_window : int, default=25
        m, the number of recent validation scores averaged by the moving baseline of Eq. 5.
    metric : str, default="f1_macro"
        M, any scikit-learn scorer name for class labels (not a regression, clustering or
        multilabel one): the reward's validation score (unless ``reward_metric``), the
        episodes' score and the default preset's choice.
    reward_metric : str or None, default=None
        The scorer behind the reward's Eq. 5 only (None: ``metric``). A smoother signal such
        as ``"neg_brier_score"`` changes with every moved validation probability, where
        macro-F1 moves only when a prediction flips; measured no better (docs/quality.md,
        row 22), hence the default.
    state_features : {"pair", "model-aware"}, default="pair"
        The actor's input. ``"pair"`` (the paper): x0 and x1, standardised.
        ``"model-aware"``: also the un-augmented classifier's P(minority) at x0 and at x1
        (in-sample) and their distance (:func:`mixann.env.model_features`), so the policy can
        act on where the classifier is unsure; costs one extra classifier fit per rollout.
        Measured no better (docs/quality.md, row 23), hence the default.
    reward : {"full", "no-improvement", "no-exploration", "random"}, default="full"
        The reward ablations of Table 4 (``"full"`` is the paper's reward).
    n_episodes : int, default=30
        E, the number of episodes.
    ddpg_updates : int, default=50
        S, DDPG updates after each episode.
    max_steps_per_episode : int, default=50
        Hard cap on the steps of one episode.
    warmup_steps : int, default=50
        Steps with uniformly random actions before the actor acts.
    gamma, tau : float, default=0.9, 0.01
        Discount factor and soft target-update rate.
    actor_lr, critic_lr : float, default=1e-3
        Adam learning rates.
    batch_size, buffer_size : int, default=64, 10000
        DDPG replay batch and capacity.
    exploration_noise : float, default=0.5
        Std of the Gaussian noise on the pre-sigmoid action.
    hidden_sizes : tuple of positive int, default=(64, 64)
        Hidden layers of the actor and the critic.
    policy : str or path-like, default=None
        A policy file saved by :meth:`save_policy`: training starts from its actor and critic
        weights instead of random ones. The file is read (weights only) at each fit, so the
        setting survives :func:`sklearn.base.clone`, pipelines and grid searches;
        :meth:`load_policy` sets it after checking the file.
    validation_size : float in (0, 1), default=0.2
        Stratified share of the data held out for the reward, unless ``validation_data``.
    validation_data : tuple (X_val, y_val), default=None
        An explicit validation set (a two-item list works too); then all of X is used for
        training.
    guard : bool, default=True
        Paper preset: return no synthetic samples when no episode beat the un-augmented
        classifier on validation. Default preset: volume 0 (no augmentation) is a candidate;
        ``guard=False`` takes it out, even where ``volumes`` lists it, so rows are returned.
    update : {"auto", "refit", "exact-knn", "warm-start"}, default="auto"
        How the classifier absorbs new samples during training (see
        :mod:`mixann.updaters`): ``"auto"`` is ``"exact-knn"`` (same result as ``"refit"``,
        far faster) for a KNN with uniform weights and the euclidean metric; otherwise
        ``"refit"`` under the paper preset and, under the default preset, ``"warm-start"``
        where the estimator supports it (XGBoost, ``partial_fit``), else ``"refit"``.
    accumulate : bool, default=False
        ``False`` (the paper): every episode starts from the original data and the best
        episode's set is returned. ``True``: an episode whose final validation score is at
        least the best so far is kept, later episodes start from the data plus every kept
        set, and the union of the kept sets is returned. Paper preset only.
    mix_kinds : "auto", str or sequence of {"boundary", "spread", "swap", \
"spread-off-majority", "interior", "paper", "copy"}, default="auto"
        Default preset: the ways of generating, each scored with every volume (one kind may
        be given as its name, ``mix_kinds="spread"``). ``"auto"``:
        ``("boundary", "spread", "swap", "spread-off-majority")`` for XGBoost's boosted trees,
        ``("boundary", "spread")`` for any other classifier (:func:`default_mix_kinds`).
        ``"boundary"``: the actor's rollout, a minority point towards its nearest majority
        point (the training mix); ``"spread"``: midpoints of random pairs of minority points
        anywhere in the minority, without the actor (:func:`mixann.rollout.spread`);
        ``"interior"``: the actor's rollout mixing a minority point with one of its k nearest
        minority points; ``"paper"``: the actor's rollout with Eq. 1-2 (see
        :func:`mixann.rollout.rollout`; the rows Eq. 2 labels majority come on top of the
        volume, which counts minority rows, so volume 1 does not balance the classes);
        ``"copy"``: copies of the minority rows, each as
        often as the others, i.e. a heavier minority in rows (:func:`mixann.rollout.copies`);
        ``"swap"``: each feature from one of a random pair of minority points (uniform
        crossover, :func:`mixann.rollout.swap`), which lifted XGBoost by +0.010 to +0.017 on
        three seed sets and KNN by nothing (docs/quality.md, row 53);
        ``"spread-off-majority"``: ``spread``'s midpoints, drawn four times over, those that
        land nearer an anomaly than any majority row first
        (:func:`mixann.rollout.spread_off_majority`), which lifted XGBoost on two seed sets
        and cost KNN (row 61).
    volumes : sequence of float, default=(0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1)
        Default preset: the candidate numbers of minority samples to return, as shares of
        the class gap ``n_majority - n_minority`` (1 balances the classes). Volume 0 is added
        while ``guard`` and ``minority_multiples`` may add small volumes, so one fixed volume
        ``v`` is ``volumes=(v,), minority_multiples=(), guard=False``.
    minority_multiples : sequence of float, default=(1, 2, 5, 10, 20)
        Default preset: more candidate volumes, as multiples of the minority count (of train
        + validation), added where they fall below the smallest positive entry of
        ``volumes``. Under extreme imbalance (smtp: 30 anomalies in 95,000 rows) 0.02 of the
        gap is 60 times the minority, so the gap shares alone have no candidate between no
        augmentation and flooding; with a minority of a few percent, one minority count is
        already above 0.02 of the gap and nothing is added
        (:func:`mixann.selection.minority_volumes`; docs/quality.md, row 31). ``()`` turns
        it off.
    selection_folds, selection_repeats : int, default=5, 1
        Default preset: the repeated stratified folds over train + validation that score
        each volume. Two repeats cost twice the selection fits and did not help on data no
        choice had looked at (docs/quality.md, rows 19-20), so one is the default.
    n_draws : int or "auto", default="auto"
        Default preset: how many random draws of the chosen kind and volume to score before
        returning one. With more than one, every draw is generated from the training rows
        only (all of ``X`` when ``validation_data`` is given), the classifier is fitted on
        them plus each draw and scored on the validation split (``metric``), and the best
        draw is returned (ties: the first, which is the draw ``n_draws=1`` returns when
        ``validation_data`` is given), as AutoSMOTE picks among its policy's draws
        (:func:`mixann.selection.choose_draw`). ``"auto"`` is 10 for KNN and XGBoost's
        boosted trees and 1 for other classifiers (:func:`default_n_draws`; XGBoost +0.012
        to +0.016 on two seed sets, KNN +0.002 to +0.006, docs/quality.md, row 57; the MLP
        +0.001 on fresh seeds, row 60); the number used is ``n_draws_`` after fitting. It
        costs ``n_draws`` more fits of the classifier on the training rows. Measured with
        ``validation_data`` given (as the bench does); without it, the anomalies carved out
        for validation are not mixed into the returned rows when ``n_draws > 1``.
    selection_rule : {"auto", "best", "best-larger", "one-se", "balance"}, default="auto"
        Default preset: ``"best"`` takes the volume with the best pooled out-of-fold score
        (exact ties: the smaller); ``"best-larger"`` the same with exact ties going to the
        larger volume; ``"one-se"`` the smallest volume within one standard error of it
        (fewer samples unless more clearly help; measured slightly worse, docs/quality.md);
        ``"balance"`` skips the volume search and returns ``spread`` at volume 1.0 (midpoints
        of random anomaly pairs up to the majority's count; ``spread`` must be among the
        kinds, and no volume-0 candidate means no guard). ``"auto"`` is ``"balance"`` for an
        MLP when train + validation hold at most 12 minority rows (too few for the folds to
        choose: docs/quality.md, rows 77 and 80) and ``"best"`` otherwise
        (:func:`default_selection_rule`; ``"best-larger"`` passed a test for KNN on fresh
        sets of 25 anomalies and then lost on the held-out ADBench datasets, row 78); the
        rule used is ``selection_rule_`` after fitting.
    selection_max_rows : int or None, default=100_000
        Default preset: the folds run on a stratified sample of at most this many rows
        (None: all), which bounds their cost on very large data.
    multiclass_choice : {"one-vs-rest", "all-classes"}, default="one-vs-rest"
        Default preset, more than two classes (:mod:`mixann.multiclass`): what judges each
        class's kind, volume and draw. ``"one-vs-rest"`` fits and scores the classifier on
        that class against the rest, as the binary sampler does; ``"all-classes"`` fits it
        on every class (the class's synthetic rows added, the other classes as given) and
        scores it over all of them (:class:`mixann.selection.MulticlassJudge`). Measured on
        two sets of three multiclass datasets (docs/quality.md, row 74), ``"all-classes"``
        gave KNN -0.031 and -0.007 and XGBoost -0.001 and +0.006, at five times XGBoost's
        time (one set of trees per class), hence not the default.
    n_jobs : int or None, default=None
        Default preset: classifier fits of the volume search run at once (joblib processes;
        ``None`` means 1 unless inside :func:`joblib.parallel_config`, ``-1`` every core).
        The search fits the classifier once per fold and candidate (85 times by default),
        which is most of the time for a slow classifier (an MLP: over 90 %). The rollouts stay in
        this process, so the same seed returns the same samples whatever ``n_jobs`` is.
    device : str or torch.device, default="cpu"
        Torch device of the actor and critic (``"cuda"`` where present), checked before
        training; the classifier, the environment and the rollouts stay on the CPU. A policy
        saved from a GPU fit loads on a CPU (:meth:`save_policy` stores CPU tensors).
    n_threads : int or None, default=1
        Torch CPU threads of the actor and critic, set around each of their calls (training
        steps, actions, rollout) and restored after it; the classifier's own work is left
        alone. Why 1: for other thread counts torch splits the networks' matrix products
        differently on wide data (a state of about 800 numbers or more, i.e. 400 features),
        which changes the weights' last bits and so the samples. A fixed count makes the same
        seed give the same bytes whatever the process's torch setting (the bench's workers, a
        notebook); a machine with other CPU kernels can still round differently. ``None``
        leaves torch's setting alone.
    random_state : int, RandomState instance or None, default=None
        Seeds the split, the networks, the exploration and the transitions.
    verbose : bool, default=False
        Show progress bars: over episodes, with the running validation score, and (default
        preset) over the volume search's folds.

    Attributes
    ----------
    synthetic_X_ : ndarray of shape (n_synthetic, n_features)
        The synthetic samples returned (each of the n copies is a row).
    synthetic_y_ : ndarray of shape (n_synthetic,)
        Their labels, in the caller's label type.
    synthetic_sources_ : ndarray of shape (n_synthetic, 2)
        Row indices in the X given to :meth:`fit_resample` of each sample's two sources
        (paper preset: x0 and x1; default preset: the minority point, then the majority one).
    synthetic_alpha_ : ndarray of shape (n_synthetic,)
        Each sample's weight on its first source:
        ``synthetic_X_ = alpha * X[sources[:, 0]] + (1 - alpha) * X[sources[:, 1]]``;
        for the ``"swap"`` kind, which is no convex mix, the share of features taken from
        the first source (each feature equals that of one source).
    history_ : dict
        ``"steps"``: one dict per step (episode, k, alpha, n, eps, reward, delta_metric,
        confidence, metric); ``"episodes"``: one dict per episode (episode, score, n_steps,
        n_synthetic, and ``kept=True`` for the episodes ``accumulate`` kept); ``"preset"``;
        ``"baseline_score"`` (validation score without augmentation); ``"returned_episode"``
        (paper preset; None when nothing was returned); ``"guard_fired"`` (nothing returned);
        default preset: ``"mix_kind"`` and ``"volume"`` (the chosen ones; None and 0 when
        nothing is returned) and ``"candidates"`` (one dict per (kind, volume): its pooled
        out-of-fold ``score`` and the standard error ``se`` of its per-fold scores; empty
        when ``selection_rule_`` is ``"balance"``, which scores none), ``"selection_rule"``
        (``selection_rule_``), and
        ``"draw_scores"`` (each draw's validation score when ``n_draws_ > 1``, else None).
        With more than two classes: ``"preset"``, ``"one_vs_rest"`` (each augmented class's
        own history), and ``"baseline_score"``, ``"guard_fired"`` and (default preset)
        ``"mix_kind"`` and ``"volume"`` as dicts by class, the volume as a share of the gap
        to the largest class.
    samplers_ : dict
        Only with more than two classes: ``{label: fitted binary MixAnN}``, one per class
        smaller than the largest, fitted on ``(X, y == label)`` (:mod:`mixann.multiclass`);
        their synthetic rows, in this order, are ``synthetic_X_``.
    sampling_strategy_ : dict
        Synthetic rows per class.
    mix_kinds_ : list of str
        The kinds the default preset scored (``mix_kinds`` with ``"auto"`` resolved).
    n_draws_ : int
        The draws the default preset scored (``n_draws`` with ``"auto"`` resolved).
    selection_rule_ : str, dict or None
        The rule the default preset chose with (``selection_rule`` with ``"auto"``
        resolved; with more than two classes a dict by class; None for the paper preset).
    actor_, critic_ : torch.nn.Module
        The trained networks (two classes; with more, each of ``samplers_`` has its own), in
        evaluation mode with gradients off.
    minority_label_ : scalar
        The less frequent class (labelled 1 inside the MDP).
    classes_ : ndarray
        The classes of y, sorted.
    n_features_in_ : int
        Number of features seen in :meth:`fit_resample`.

    Examples
    --------
    >>> from mixann import MixAnN
    >>> from mixann.datasets import make_diverse_minorities
    >>> X, y = make_diverse_minorities(n_samples=300, random_state=0)
    >>> sampler = MixAnN(n_episodes=2, max_steps_per_episode=5, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> X_res.shape[0] == X.shape[0] + sampler.synthetic_X_.shape[0]
    True
    """

    _parameter_constraints: dict = {
        # predict_proba is checked by _check_estimator_has_proba, whose message says how to
        # get it (SVC(probability=True)); the generic one would not.
        "estimator": [HasMethods(["fit"]), None],
        "preset": [StrOptions(set(PRESETS))],
        "max_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_oversample": [Interval(numbers.Integral, 1, None, closed="left")],
        "eta": [Interval(numbers.Real, 0, 1, closed="neither")],
        "reward_scale": [Interval(numbers.Real, 0, None, closed="neither")],
        "baseline_window": [Interval(numbers.Integral, 1, None, closed="left")],
        "metric": [str],
        "reward_metric": [str, None],
        "state_features": [StrOptions(set(STATE_FEATURES))],
        "reward": [StrOptions(set(REWARD_KINDS))],
        "n_episodes": [Interval(numbers.Integral, 1, None, closed="left")],
        "ddpg_updates": [Interval(numbers.Integral, 0, None, closed="left")],
        "max_steps_per_episode": [Interval(numbers.Integral, 1, None, closed="left")],
        "warmup_steps": [Interval(numbers.Integral, 0, None, closed="left")],
        "gamma": [Interval(numbers.Real, 0, 1, closed="both")],
        "tau": [Interval(numbers.Real, 0, 1, closed="right")],
        "actor_lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "critic_lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "buffer_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "exploration_noise": [Interval(numbers.Real, 0, None, closed="left")],
        "hidden_sizes": [tuple, list],
        "policy": [str, os.PathLike, None],
        "validation_size": [Interval(numbers.Real, 0, 1, closed="neither")],
        "validation_data": [tuple, list, None],
        "guard": ["boolean"],
        "update": [StrOptions(set(UPDATE_NAMES))],
        "accumulate": ["boolean"],
        "mix_kinds": [tuple, list, str],
        "volumes": [tuple, list, np.ndarray],
        "minority_multiples": [tuple, list, np.ndarray],
        "selection_folds": [Interval(numbers.Integral, 2, None, closed="left")],
        "selection_repeats": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_draws": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "selection_rule": [StrOptions(set(SELECTION_RULES))],
        "selection_max_rows": [Interval(numbers.Integral, 10, None, closed="left"), None],
        "multiclass_choice": [StrOptions({"one-vs-rest", "all-classes"})],
        "n_jobs": [Interval(numbers.Integral, 1, None, closed="left"),
                   Interval(numbers.Integral, None, -1, closed="right"), None],
        "device": [str, torch.device],
        "n_threads": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, estimator=None, *, preset="default", max_neighbors=10, max_oversample=5,
                 eta=0.3, reward_scale=10.0, baseline_window=25, metric="f1_macro",
                 reward_metric=None, state_features="pair", reward="full",
                 n_episodes=30, ddpg_updates=50, max_steps_per_episode=50, warmup_steps=50,
                 gamma=0.9, tau=0.01, actor_lr=1e-3, critic_lr=1e-3, batch_size=64,
                 buffer_size=10_000, exploration_noise=0.5, hidden_sizes=(64, 64), policy=None,
                 validation_size=0.2, validation_data=None, guard=True, update="auto",
                 accumulate=False, mix_kinds="auto", volumes=DEFAULT_VOLUMES,
                 minority_multiples=DEFAULT_MINORITY_MULTIPLES, selection_folds=5,
                 selection_repeats=1, n_draws="auto", selection_rule="auto",
                 selection_max_rows=100_000, multiclass_choice="one-vs-rest",
                 n_jobs=None, device="cpu", n_threads=1, random_state=None, verbose=False):
        self.estimator = estimator
        self.preset = preset
        self.max_neighbors = max_neighbors
        self.max_oversample = max_oversample
        self.eta = eta
        self.reward_scale = reward_scale
        self.baseline_window = baseline_window
        self.metric = metric
        self.reward_metric = reward_metric
        self.state_features = state_features
        self.reward = reward
        self.n_episodes = n_episodes
        self.ddpg_updates = ddpg_updates
        self.max_steps_per_episode = max_steps_per_episode
        self.warmup_steps = warmup_steps
        self.gamma = gamma
        self.tau = tau
        self.actor_lr = actor_lr
        self.critic_lr = critic_lr
        self.batch_size = batch_size
        self.buffer_size = buffer_size
        self.exploration_noise = exploration_noise
        self.hidden_sizes = hidden_sizes
        self.policy = policy
        self.validation_size = validation_size
        self.validation_data = validation_data
        self.guard = guard
        self.update = update
        self.accumulate = accumulate
        self.mix_kinds = mix_kinds
        self.volumes = volumes
        self.minority_multiples = minority_multiples
        self.selection_folds = selection_folds
        self.selection_repeats = selection_repeats
        self.n_draws = n_draws
        self.selection_rule = selection_rule
        self.selection_max_rows = selection_max_rows
        self.multiclass_choice = multiclass_choice
        self.n_jobs = n_jobs
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ public API
    def fit_resample(self, X, y):
        """Learn the mix-up policy on (X, y); return X, y plus the synthetic samples (see presets).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Dense features without NaN or inf.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Labels of any type; with two classes the less frequent one is the minority. With
            more, every class smaller than the largest is augmented against the rest, one
            binary MixAnN each (:mod:`mixann.multiclass`). A one-hot y comes back one-hot.

        Returns
        -------
        X_resampled : {ndarray, DataFrame} of shape (n_samples + n_synthetic, n_features)
        y_resampled : {ndarray, Series} of shape (n_samples + n_synthetic,) or, for a one-hot y,
            (n_samples + n_synthetic, n_classes)
        """
        self._validate_params()
        _check_estimator_has_proba(self.estimator)
        _check_columns_by_position(self.estimator)
        check_metric(self.metric)
        if self.reward_metric is not None:
            check_metric(self.reward_metric)
        check_widths("hidden_sizes", list(self.hidden_sizes), example="(64, 64)")
        check_device(self.device)  # before any training, not inside torch's first .to()
        _check_dense(X)
        check_classification_targets(y)  # 'Unknown label type: continuous' for regression targets
        # The work is done in float64 arrays; the rows come back in the caller's types.
        as_given = output_like(X, y)
        y, one_hot = _labels_of(y)
        # Decoded as y is, so that both paths compare labels of one kind (checked before any
        # training, so a mismatch fails at once).
        self._validation = _validation_like_y(self.validation_data, one_hot)
        self._policy_init = None if self.policy is None else read_policy(self.policy)
        X, y = validate_data(self, X=X, y=y, reset=True, dtype=float, ensure_all_finite=True)
        _check_magnitude(X)
        self._check_validation_names()
        for stale in ("samplers_", "actor_", "critic_"):  # from an earlier fit on other labels
            self.__dict__.pop(stale, None)
        if len(np.unique(y)) > 2:
            X_res, y_res = self._fit_resample_multiclass(X, y)
        else:
            y01, self.classes_, self.minority_label_ = _encode_binary(y)
            X_res, y_res = self._fit_resample(X, y, y01)
        if one_hot is not None:  # back to the caller's one-hot columns
            y_res = (y_res[:, None] == np.arange(one_hot.shape[1])).astype(one_hot.dtype)
        return as_given(X_res, y_res)

    def _check_validation_names(self):
        """``validation_data``'s columns must carry X's names in X's order, as any later input
        to a fitted scikit-learn estimator must (a reordered DataFrame would be scored with its
        features swapped); checked where X had names and X_val has X's width (a wrong width
        gets its own message in the checks of the split)."""
        validation = self._validation
        if not (isinstance(validation, tuple) and hasattr(self, "feature_names_in_")):
            return
        X_val = validation[0]
        if getattr(X_val, "ndim", 2) != 2 or np.shape(X_val)[1] != self.n_features_in_:
            return
        try:
            validate_data(self, X=X_val, reset=False, skip_check_array=True)
        except ValueError as exc:
            raise ValueError(f"validation_data's X_val: {str(exc).strip()}") from None

    def fit(self, X, y):
        """Learn the mix-up policy and the synthetic samples on (X, y), without returning them.

        The same work as :meth:`fit_resample` (which is what pipelines call); afterwards the
        learned attributes (``synthetic_X_``, ``history_``, ``actor_`` ...) are set. Without
        this method, imbalanced-learn's ``fit`` would look for a ``sampling_strategy``
        parameter that MixAnN does not have: the volume is chosen, not given.

        Parameters
        ----------
        X, y : as for :meth:`fit_resample`

        Returns
        -------
        self : MixAnN
            The fitted sampler.

        Examples
        --------
        >>> from mixann import MixAnN
        >>> from mixann.datasets import make_diverse_minorities
        >>> X, y = make_diverse_minorities(n_samples=300, random_state=0)
        >>> sampler = MixAnN(n_episodes=2, max_steps_per_episode=5, random_state=0).fit(X, y)
        >>> sampler.synthetic_X_.shape[1], sampler.history_["preset"]
        (2, 'default')
        """
        self.fit_resample(X, y)
        return self

    def save_policy(self, path):
        """Save the trained actor and critic weights (no code is pickled).

        Load them with :meth:`load_policy` into a MixAnN for data of the same width.

        Parameters
        ----------
        path : path-like
            The file to write (its folder must exist).

        Returns
        -------
        self : MixAnN

        Raises
        ------
        ValueError
            Before a fit (scikit-learn's ``NotFittedError``), for a folder or a path in a
            missing folder, and with more than two classes (save one of ``samplers_``).
        """
        if hasattr(self, "samplers_"):
            if not self.samplers_:
                raise ValueError(f"this MixAnN was fitted on {len(self.classes_)} classes of "
                                 "equal size: no class was augmented, so no policy was trained "
                                 "to save")
            raise ValueError(f"this MixAnN was fitted on {len(self.classes_)} classes, one "
                             "policy per class against the rest; save one of them with "
                             "sampler.samplers_[label].save_policy(path)")
        check_is_fitted(self, "actor_")
        path = Path(path)
        if path.is_dir() or not path.parent.is_dir():  # else torch's "[enforce fail at ...]"
            raise ValueError(f"cannot save the policy to {str(path)!r}: "
                             + ("it is a folder; give a file's path, e.g. "
                                f"{str(path / 'policy.pt')!r}" if path.is_dir() else
                                f"the folder {str(path.parent)!r} does not exist; create it "
                                "first"))
        payload = {
            "format": POLICY_FORMAT,
            "n_features": int(self.n_features_in_),
            "hidden_sizes": [int(h) for h in self.hidden_sizes],
            "state_features": str(self.state_features),
            "actor": {k: v.detach().cpu() for k, v in self.actor_.state_dict().items()},
            "critic": {k: v.detach().cpu() for k, v in self.critic_.state_dict().items()},
        }
        torch.save(payload, path)
        return self

    def load_policy(self, path):
        """Start every later fit from weights saved by :meth:`save_policy`.

        Checks the file now and sets ``policy=path``, so the setting is a parameter:
        :func:`sklearn.base.clone` (pipelines, grid searches, the multiclass samplers) keeps
        it. The file is read with ``torch.load(weights_only=True)``: tensors and plain values
        only.

        Parameters
        ----------
        path : path-like
            A file written by :meth:`save_policy`.

        Returns
        -------
        self : MixAnN

        Raises
        ------
        TypeError
            If ``path`` is not a path (a string or :class:`os.PathLike`).
        ValueError
            If the file is missing, a folder, or not a MixAnN policy file.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from sklearn.base import clone
        >>> from mixann import MixAnN
        >>> from mixann.datasets import make_diverse_minorities
        >>> X, y = make_diverse_minorities(n_samples=300, random_state=0)
        >>> tiny = dict(n_episodes=2, max_steps_per_episode=5, random_state=0)
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "policy.pt"
        >>> _ = MixAnN(**tiny).fit(X, y).save_policy(path)
        >>> clone(MixAnN(**tiny).load_policy(path)).policy == path
        True
        """
        read_policy(path)  # a foreign file is refused here, not at the first fit
        return self.set_params(policy=path)

    # ------------------------------------------------------------------ internals
    def _split(self, X, y01, seed):
        """Training and validation parts; returns (train_idx into X, val_idx into X or None
        for ``validation_data``, X_val, y_val01)."""
        # fit_resample's copy, its labels decoded as y was (one-hot to column indices).
        validation_data = self._validation
        if validation_data is not None:
            if len(validation_data) != 2:
                raise ValueError("validation_data must be a pair (X_val, y_val)")
            _check_dense(validation_data[0], name="validation_data's X_val")
            X_val = check_array(validation_data[0], dtype=float, ensure_all_finite=True,
                                input_name="validation_data's X_val")
            _check_magnitude(X_val, name="validation_data's X_val")
            if X_val.shape[1] != X.shape[1]:
                raise ValueError(f"validation_data has {X_val.shape[1]} features, X has {X.shape[1]}")
            y_val = np.asarray(validation_data[1])
            unknown = set(np.unique(y_val)) - set(self.classes_)
            if unknown or len(y_val) != len(X_val):
                raise ValueError("validation_data labels must match X_val in length and use "
                                 f"the classes of y {[plain_label(c) for c in self.classes_]}")
            y_val01 = (y_val == self.minority_label_).astype(int)
            if not y_val01.any():  # the reward and the draws would score a constant
                minority = plain_label(self.minority_label_)
                raise ValueError(f"validation_data holds no row of the minority class "
                                 f"{minority!r}; MixAnN scores its reward and its draws on it: "
                                 "give a validation set with at least one minority row, or "
                                 "leave validation_data out (a stratified part of X is then "
                                 "held out)")
            return np.arange(len(X)), None, X_val, y_val01
        idx = np.arange(len(X))
        try:
            train_idx, val_idx = train_test_split(idx, test_size=self.validation_size,
                                                  stratify=y01, random_state=seed)
        except ValueError as exc:
            raise ValueError(f"cannot carve a stratified validation set of size "
                             f"{self.validation_size} from {len(X)} samples ({exc}); pass more "
                             "data, change validation_size, or give validation_data") from exc
        # The reward, the guard and the draws need a minority row to score.
        train_idx, val_idx = keep_minority_in_validation(train_idx, val_idx, y01 == 1, seed)
        if len(np.unique(y01[train_idx])) < 2:
            raise ValueError("the training split holds a single class; pass more minority samples "
                             "or give validation_data")
        return train_idx, val_idx, X[val_idx], y01[val_idx]

    def _fit_resample(self, X, y, y01):
        seed = drawn_seed(self.random_state)
        rng = np.random.default_rng(seed)
        train_idx, val_idx, X_val, y_val = self._split(X, y01, seed)
        X_train, y_train = X[train_idx], y01[train_idx]
        judge = self._multiclass_judge(train_idx, val_idx)
        # Volume 1.0 balances this sampler's two classes; a one-vs-rest sampler balances its
        # class with the largest class instead, a smaller share that fit_one_vs_rest sets
        # (used up here, as the judge's context is).
        balance_volume = self.__dict__.pop("_balance_volume", BALANCE_PICK[1])
        estimator = clone(self.estimator) if self.estimator is not None else default_estimator()
        estimator = seed_unset_random_states(estimator, seed)
        _check_neighbours(self.max_neighbors, estimator, len(X_train))

        volumes, kinds = self._checked_volumes(), self._resolve_kinds_and_draws(estimator)
        # Resolved before training, so that a rule the kinds cannot serve fails at once.
        self.selection_rule_ = (self._resolved_selection_rule(
            estimator, int(y_train.sum() + y_val.sum()), kinds)
            if self.preset == "default" else None)
        multiples = self._checked_minority_multiples()
        update = resolve_update(self.update, estimator, prefer_warm_start=self.preset == "default")
        updater = make_updater(update, estimator, X_train, y_train, X_val)
        baseline_score = score_proba(self.metric, updater.proba_validation(), y_val)
        reward_metric = self.reward_metric or self.metric
        baseline = MovingBaseline(self.baseline_window)
        # phi_0 (Algorithm 1, line 3) seeds Eq. 5's window
        baseline.push(score_proba(reward_metric, updater.proba_validation(), y_val))
        model_aware = self.state_features == "model-aware"
        env = MixUpEnv(X_train, y_train, X_val, y_val, updater=updater, metric=self.metric,
                       reward_metric=reward_metric,
                       state_proba=in_sample_proba(estimator, X_train, y_train) if model_aware else None,
                       baseline=baseline, rng=rng, max_neighbors=self.max_neighbors,
                       max_oversample=self.max_oversample, eta=self.eta,
                       reward_scale=self.reward_scale, reward_kind=self.reward,
                       max_steps=self.max_steps_per_episode,
                       mix_kind="boundary" if self.preset == "default" else "paper")
        agent = self._make_agent(X.shape[1], env.state_dim, seed)

        steps, episodes, best, kept = [], [], None, Episode()
        total_steps = 0
        with _progress(self.verbose, self.n_episodes) as (progress, task):
            for episode in range(self.n_episodes):
                state, done = env.reset(), False
                while not done:
                    if total_steps < self.warmup_steps:
                        unit_action = rng.uniform(0.0, 1.0, size=4)
                    else:
                        unit_action = agent.act(state, rng)
                    next_state, reward, done, terminated, info = env.step(unit_action)
                    agent.buffer.add(state, unit_action, reward, next_state, terminated)
                    steps.append({"episode": episode, **info.__dict__})
                    state, total_steps = next_state, total_steps + 1
                score = info.metric  # classifier trained on train + this episode's set
                episodes.append({"episode": episode, "score": score, "n_steps": env.t,
                                 "n_synthetic": int(sum(env.episode.copies))})
                if self.accumulate and self.preset == "paper":
                    if env.episode.X and score >= (best[1] if best else baseline_score):
                        episodes[-1]["kept"] = True
                        kept.extend(env.episode)
                        best = (episode, score, kept)
                        # Later episodes start from train + every kept set.
                        env.updater = make_updater(update, estimator, *kept.grown(X_train, y_train), X_val)
                elif best is None or score > best[1]:
                    best = (episode, score, env.episode)
                for _ in range(self.ddpg_updates):
                    agent.update(rng)
                if progress is not None:
                    progress.update(task, advance=1, description=(
                        f"MixAnN val {self.metric} {score:.3f} (best {best[1] if best else score:.3f}, "
                        f"none {baseline_score:.3f})"))

        for net in (agent.actor, agent.critic):
            # Learned, not learning (twentieth audit): no gradient buffers kept (half the
            # networks' memory), and a caller's actor_(x) is a plain forward pass that builds
            # no autograd graph. A later fit trains fresh networks (from policy= weights).
            net.zero_grad(set_to_none=True)
            net.requires_grad_(False).eval()
        self.actor_, self.critic_ = agent.actor, agent.critic
        history = {"preset": self.preset, "steps": steps, "episodes": episodes,
                   "baseline_score": baseline_score}
        if self.preset == "paper":
            if best is None:  # accumulate and no episode kept
                best = (None, baseline_score, None)
            guard_fired = bool(self.guard and best[1] <= baseline_score)
            chosen = None if guard_fired else best[2]
            self._store_episode(chosen, X.shape[1], train_idx)
            history.update(returned_episode=None if guard_fired else best[0],
                           guard_fired=guard_fired)
        else:
            # The default preset: the trained actor generates (mixann.rollout), and the volume
            # is chosen on repeated folds over train + validation (mixann.selection).
            policy = agent.policy

            def generator(kind):
                if kind in ACTOR_FREE_KINDS:  # spread, swap, copy: no actor (mixann.rollout)
                    return ACTOR_FREE_KINDS[kind]

                def generate(X_part, y_part, n_minority, gen_rng):
                    return rollout(policy, X_part, y_part, n_minority,
                                   z_transform=env.scaler.transform,
                                   max_neighbors=self.max_neighbors,
                                   max_oversample=self.max_oversample, eta=self.eta,
                                   max_steps=self.max_steps_per_episode,
                                   noise=self.exploration_noise, rng=gen_rng, kind=kind,
                                   proba=(in_sample_proba(estimator, X_part, y_part)
                                          if model_aware else None))
                return generate

            generators = {kind: generator(kind) for kind in kinds}
            if self.selection_rule_ == "balance":  # too few anomalies to choose on folds
                (kind, volume), scores = (BALANCE_PICK[0], balance_volume), {}
            else:
                (kind, volume), scores = self._search_volume(
                    generators, estimator, X_train, y_train, X_val, y_val, volumes, multiples,
                    seed, judge)
            # The returned rows are rolled out on every row given, as the folds were.
            draw_scores = None
            if kind is None:  # no augmentation won
                self._store_episode(None, X.shape[1], train_idx)
            elif self.n_draws_ == 1:
                self._store_rollout(generators[kind](X, y01, volume_target(volume, y01), rng))
            else:
                # Draws scored on validation must not be made from its rows: the training
                # part only (all of X when validation_data is given), as many rows as one
                # draw on all of X would hold.
                target = volume_target(volume, y01)
                draws = [generators[kind](X_train, y_train, target, rng)
                         for _ in range(self.n_draws_)]
                best_draw, draw_scores = choose_draw(draws, estimator, X_train, y_train, X_val,
                                                     y_val, metric=self.metric,
                                                     n_jobs=self.n_jobs, judge=judge)
                chosen = draws[best_draw]
                self._store(chosen.X, chosen.y, train_idx[chosen.sources], chosen.alpha)
            history.update(returned_episode=None, guard_fired=bool(self.guard and volume == 0.0),
                           selection_rule=self.selection_rule_,
                           mix_kind=kind, volume=volume, draw_scores=draw_scores,
                           candidates=[{"kind": k, "volume": v, "score": sc, "se": se}
                                       for (k, v), (sc, se) in scores.items()])
        self.history_ = history
        # Rows per class, counted as the multiclass path counts them: the minority always (0
        # when no augmentation won), the majority when the paper preset's Eq. 2 gave it rows.
        minority = plain_label(self.minority_label_)
        n_rows = {plain_label(c): int(np.sum(self.synthetic_y_ == c)) for c in self.classes_}
        self.sampling_strategy_ = {c: n for c, n in n_rows.items() if c == minority or n > 0}
        X_res = np.vstack([X, self.synthetic_X_])
        y_res = np.concatenate([y, self.synthetic_y_])
        return X_res, y_res

    def _search_volume(self, generators, estimator, X_train, y_train, X_val, y_val, volumes,
                       multiples, seed, judge):
        """The kind and volume with the best pooled out-of-fold score
        (:func:`mixann.selection.select_volume`), and every candidate's scores."""
        positive = [v for v in volumes if v > 0]
        if positive:  # minority-count steps below the grid (extreme imbalance)
            volumes = sorted(set(volumes) | set(minority_volumes(
                multiples, np.concatenate([y_train, y_val]), below=min(positive))))
        # The search fits the classifier once per fold and candidate: for slow
        # classifiers most of the fit's time, hence a bar of its own.
        n_folds = self.selection_folds * self.selection_repeats
        with _progress(self.verbose, n_folds, "volume search, folds") as (progress, task):
            def on_fold(done, total):
                if progress is not None:
                    progress.update(task, completed=done, total=total)

            try:
                (kind, volume), scores = select_volume(
                    generators, estimator, X_train, y_train, X_val, y_val, volumes,
                    n_splits=self.selection_folds, n_repeats=self.selection_repeats,
                    metric=self.metric, seed=seed, one_se=self.selection_rule_ == "one-se",
                    max_rows=self.selection_max_rows, n_jobs=self.n_jobs, on_fold=on_fold,
                    judge=judge, larger_ties=self.selection_rule_ == "best-larger")
            except ValueError as exc:
                cut = self.selection_max_rows
                k = getattr(estimator, "n_neighbors", None)
                n_rows = len(y_train) + len(y_val)
                sampled = cut is not None and cut < n_rows
                if "n_neighbors" in str(exc) and isinstance(k, numbers.Integral):
                    # The folds hold a part of train + validation (or of its sample): too few
                    # rows for the KNN, though the training split had enough.
                    fitted = re.search(r"n_samples_fit = (\d+)", str(exc))
                    fold = int(fitted.group(1)) if fitted else min(n_rows, cut or n_rows) // 2
                    fix = _fewer_neighbours(k, fold)
                    if sampled:  # the data has the rows; the sample does not
                        raise ValueError(
                            f"the volume search's folds failed on the sample of "
                            f"selection_max_rows={cut} rows: its folds hold {fold} rows, fewer "
                            f"than the estimator's n_neighbors={k}; raise selection_max_rows "
                            f"(or set it to None), or use {fix}") from exc
                    raise TrainingSplitTooSmall(
                        f"the volume search fits the estimator on folds of {fold} rows (of the "
                        f"{n_rows} in train + validation), fewer than its n_neighbors={k}; "
                        f"give more rows, or {fix}", "each fold of MixAnN's volume search", fold,
                        int(k)) from exc
                if not sampled:
                    raise
                # A sample this small can leave the folds fewer rows than the classifier
                # needs (KNN's 10 neighbours); the classifier's own message does not say why.
                raise ValueError(f"the volume search's folds failed on the sample of "
                                 f"selection_max_rows={cut} rows: {exc}; raise "
                                 "selection_max_rows (or set it to None)") from exc
        return (kind, volume), scores

    def _resolved_selection_rule(self, estimator, n_minority, kinds):
        """``selection_rule`` with "auto" resolved; "balance" needs the ``spread`` kind."""
        if self.selection_rule == "auto":
            return default_selection_rule(estimator, n_minority, kinds)
        if self.selection_rule == "balance" and BALANCE_PICK[0] not in kinds:
            raise ValueError(f'selection_rule="balance" returns the "spread" kind, which '
                             f"mix_kinds={self.mix_kinds!r} leaves out; add \"spread\" to "
                             f"mix_kinds or use another selection_rule")
        return self.selection_rule

    def _fit_resample_multiclass(self, X, y):
        """More than two classes: one binary MixAnN per class smaller than the largest, that
        class against the rest (:mod:`mixann.multiclass`); their synthetic rows in class order.
        """
        classes, counts = np.unique(y, return_counts=True)
        self.classes_ = classes
        self.minority_label_ = classes[np.argmin(counts)]
        estimator = self.estimator if self.estimator is not None else default_estimator()
        self._resolve_kinds_and_draws(estimator)  # the same for each class's sampler
        self.samplers_ = fit_one_vs_rest(self, X, y)
        fitted = self.samplers_.values()

        def joined(attr, empty):  # the binary samplers' rows in class order
            return np.concatenate([empty] + [getattr(b, attr) for b in fitted])

        self.synthetic_X_ = joined("synthetic_X_", np.empty((0, X.shape[1])))
        self.synthetic_sources_ = joined("synthetic_sources_", np.empty((0, 2), dtype=np.intp))
        self.synthetic_alpha_ = joined("synthetic_alpha_", np.empty(0))
        self.synthetic_y_ = np.concatenate(
            [np.empty(0, dtype=classes.dtype)]
            + [row_classes(b.synthetic_y_, b.synthetic_sources_, (y == label).astype(int), y,
                           label).astype(y.dtype) for label, b in self.samplers_.items()])
        per_class = {label: b.history_ for label, b in self.samplers_.items()}
        self.history_ = {"preset": self.preset, "one_vs_rest": per_class,
                         "baseline_score": {c: h["baseline_score"] for c, h in per_class.items()},
                         "guard_fired": {c: h["guard_fired"] for c, h in per_class.items()}}
        self.selection_rule_ = None  # the paper preset chooses no volume
        if self.preset == "default":
            size = {plain_label(c): int(n) for c, n in zip(classes, counts)}
            self.selection_rule_ = {c: b.selection_rule_ for c, b in self.samplers_.items()}
            self.history_.update(
                selection_rule=self.selection_rule_,
                mix_kind={c: h["mix_kind"] for c, h in per_class.items()},
                volume={c: largest_gap_volume(h["volume"], size[c], int(counts.max()),
                                              len(y) - size[c])
                        for c, h in per_class.items()})
        # Rows per class: every augmented class (0 when its volume was 0), and any class the
        # paper preset's Eq. 2 gave rows to.
        n_rows = {plain_label(c): int(np.sum(self.synthetic_y_ == c)) for c in classes}
        self.sampling_strategy_ = {c: n for c, n in n_rows.items()
                                   if c in self.samplers_ or n > 0}
        return np.vstack([X, self.synthetic_X_]), np.concatenate([y, self.synthetic_y_])

    def _multiclass_judge(self, train_idx, val_idx):
        """For a one-vs-rest sampler (:func:`mixann.multiclass.fit_one_vs_rest` sets
        ``_one_vs_rest`` before its fit): the :class:`~mixann.selection.MulticlassJudge` of
        this split. The context is used up, so that a later fit on other data is not judged
        by this data's classes."""
        context = self.__dict__.pop("_one_vs_rest", None)
        if context is None:
            return None
        codes, codes_val, code, n_classes = context
        if val_idx is not None:  # the validation part was carved from X
            codes_val = codes[val_idx]
        return MulticlassJudge(codes[train_idx], codes_val, code, n_classes)

    def _resolve_kinds_and_draws(self, estimator):
        """Set ``mix_kinds_`` and ``n_draws_`` (``"auto"`` resolved for ``estimator``); return
        the kinds."""
        self.mix_kinds_ = self._checked_mix_kinds(estimator)
        self.n_draws_ = default_n_draws(estimator) if self.n_draws == "auto" else self.n_draws
        return self.mix_kinds_

    def _checked_volumes(self):
        """The candidate volumes of the default preset (0 added when ``guard``, taken out
        without it), sorted."""
        try:
            volumes = [float(v) for v in self.volumes]
        except (TypeError, ValueError):
            raise ValueError(f"volumes must be numbers >= 0 (shares of the class gap), got "
                             f"{self.volumes!r}") from None
        if not volumes or any(not np.isfinite(v) or v < 0 for v in volumes):
            raise ValueError(f"volumes must be a non-empty list of finite numbers >= 0 (shares of "
                             f"the class gap, 1.0 = balance the classes), got {self.volumes!r}")
        if self.guard:
            volumes.append(0.0)
        else:  # no guard: no augmentation is not a candidate, even where volumes lists it
            volumes = [v for v in volumes if v > 0]
            if not volumes:
                raise ValueError(f"volumes={self.volumes!r} with guard=False leaves no volume: "
                                 "give a volume > 0, or guard=True to return no augmentation "
                                 "when it scores best")
        return sorted(set(volumes))

    def _checked_minority_multiples(self):
        """``minority_multiples`` as floats; each must be a finite number > 0."""
        try:
            multiples = [float(m) for m in self.minority_multiples]
        except (TypeError, ValueError):
            multiples = None
        if multiples is None or any(not np.isfinite(m) or m <= 0 for m in multiples):
            raise ValueError(f"minority_multiples must be a list of finite numbers > 0 "
                             f"(multiples of the minority count; () for none), got "
                             f"{self.minority_multiples!r}")
        return multiples

    def _checked_mix_kinds(self, estimator):
        """The default preset's kinds, without repeats ("auto" resolved for ``estimator``)."""
        kinds = self.mix_kinds
        if isinstance(kinds, str):
            kinds = default_mix_kinds(estimator) if kinds == "auto" else [kinds]
        kinds = list(kinds)
        bad = [k for k in kinds if k not in MIX_KINDS]
        if not kinds or bad:
            raise ValueError(f"mix_kinds must be \"auto\", one kind or a non-empty list of "
                             f"{MIX_KINDS}, got {self.mix_kinds!r}")
        return list(dict.fromkeys(kinds))

    def _make_agent(self, n_features, state_dim, seed):
        agent = DDPGAgent(state_dim, hidden=tuple(self.hidden_sizes), actor_lr=self.actor_lr,
                          critic_lr=self.critic_lr, gamma=self.gamma, tau=self.tau,
                          batch_size=self.batch_size, buffer_size=self.buffer_size,
                          noise=self.exploration_noise, seed=seed, device=self.device,
                          n_threads=self.n_threads)
        init = self._policy_init
        if init is not None:
            if init["n_features"] != n_features:
                raise ValueError(f"the loaded policy was trained on {init['n_features']} features; "
                                 f"X has {n_features}")
            saved = init.get("state_features", "pair")
            if saved != self.state_features:
                raise ValueError(f"the loaded policy was trained with state_features={saved!r}; "
                                 f"set state_features={saved!r} before fit_resample")
            if list(init["hidden_sizes"]) != [int(h) for h in self.hidden_sizes]:
                raise ValueError(f"the loaded policy has hidden_sizes={init['hidden_sizes']}; set "
                                 "the same hidden_sizes before fit_resample")
            agent.load_weights(init["actor"], init["critic"])
        return agent

    def _store_episode(self, episode, n_features, train_idx):
        """The paper preset's result: one episode (or nothing), sources mapped back to X."""
        if episode is None or not episode.X:
            self._store_rollout(Rollout.empty(n_features))
            return
        copies = np.asarray(episode.copies)
        self._store(np.repeat(np.asarray(episode.X), copies, axis=0),
                    np.repeat(np.asarray(episode.y), copies),
                    train_idx[np.repeat(np.asarray(episode.sources), copies, axis=0)],
                    np.repeat(np.asarray(episode.alpha), copies))

    def _store_rollout(self, result):
        """The default preset's result: a rollout on all of X (sources already index X)."""
        self._store(result.X, result.y, result.sources, result.alpha)

    def _store(self, X_syn, y01, sources, alpha):
        self.synthetic_X_ = np.asarray(X_syn, dtype=float)
        labels = np.where(np.asarray(y01) == 1, self.minority_label_, self._majority_label())
        self.synthetic_y_ = labels.astype(self.classes_.dtype)
        self.synthetic_sources_ = np.asarray(sources, dtype=np.intp).reshape(-1, 2)
        self.synthetic_alpha_ = np.asarray(alpha, dtype=float)

    def _majority_label(self):
        return self.classes_[self.classes_ != self.minority_label_][0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.non_deterministic = False
        return tags


class MixAnNClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Augment with :class:`MixAnN`, then fit a clone of ``estimator`` on the result.

    Takes exactly the parameters of :class:`MixAnN` (the same ``__init__`` is reused so the
    two never drift apart); ``estimator`` is both the classifier MixAnN learns the
    augmentation for and the one fitted on the augmented data.

    Parameters
    ----------
    estimator, preset, ..., random_state, verbose
        Those of :class:`MixAnN`, with the same names, defaults and meanings. An unseeded
        ``estimator`` gets the seed MixAnN draws from ``random_state``, so the same
        ``random_state`` gives the same predictions.

    Attributes
    ----------
    sampler_ : MixAnN
        The fitted sampler (its ``history_``, ``synthetic_X_`` ...).
    estimator_ : classifier
        The classifier fitted on the augmented data.
    classes_ : ndarray
        Class labels.

    Examples
    --------
    >>> from mixann import MixAnNClassifier
    >>> from mixann.datasets import make_diverse_minorities
    >>> X, y = make_diverse_minorities(n_samples=300, random_state=0)
    >>> clf = MixAnNClassifier(n_episodes=2, max_steps_per_episode=5, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    __init__ = MixAnN.__init__  # same parameters, same defaults, one definition
    _parameter_constraints = MixAnN._parameter_constraints

    def fit(self, X, y):
        """Augment (X, y) with MixAnN and fit a clone of ``estimator`` on the result.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_classes) one-hot

        Returns
        -------
        self : MixAnNClassifier
        """
        self._validate_params()  # errors name MixAnNClassifier, the class the user called
        params = self.get_params(deep=False)
        if isinstance(self.random_state, np.random.RandomState):
            # The sampler draws from a copy, so that the draw seeding the classifier below is
            # the sampler's own first draw, as with an int (was the instance's second draw).
            params["random_state"] = copy.deepcopy(self.random_state)
        self.sampler_ = MixAnN(**params)
        X_res, y_res = self.sampler_.fit_resample(X, y)
        self.n_features_in_ = self.sampler_.n_features_in_
        if hasattr(self.sampler_, "feature_names_in_"):
            self.feature_names_in_ = self.sampler_.feature_names_in_
        else:  # a refit on an array must not keep an earlier DataFrame's names
            self.__dict__.pop("feature_names_in_", None)
        base = self.estimator if self.estimator is not None else default_estimator()
        # The classifier fitted on the result is seeded as the sampler's was (a random_state
        # it was given is kept), so the same random_state gives the same predictions.
        seed = drawn_seed(self.random_state)
        base = seed_unset_random_states(clone(base), seed)
        y_res = np.asarray(y_res)
        if y_res.ndim == 2 and y_res.shape[1] == 1:
            # A column-vector y (a one-column DataFrame) comes back as one: one label per
            # row, not one-hot (a one-hot y has a column per class, two at least).
            y_res = y_res.ravel()
        if y_res.ndim == 1:
            # Codes 0..k-1, as sklearn's meta-estimators pass: some classifiers (XGBoost)
            # refuse other labels, e.g. strings or {-1, 1}; predict maps the codes back.
            self._encoder = LabelEncoder().fit(y_res)
            self.estimator_ = clone(base).fit(np.asarray(X_res, dtype=float),
                                              self._encoder.transform(y_res))
            self.classes_ = self._encoder.classes_
        else:  # a one-hot y comes back one-hot: the estimator's own multi-output labels
            self._encoder = None
            self.estimator_ = clone(base).fit(np.asarray(X_res, dtype=float), y_res)
            self.classes_ = self.estimator_.classes_
        return self

    def _checked(self, X):
        check_is_fitted(self, "estimator_")
        return validate_data(self, X=X, reset=False, dtype=float, ensure_all_finite=True)

    def predict(self, X):
        """Class labels from the classifier trained on the augmented data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            In ``y``'s own labels.
        """
        X = self._checked(X)
        pred = self.estimator_.predict(X)
        if self._encoder is None:  # a one-hot y: the estimator's own labels
            return pred
        return self._encoder.classes_[np.asarray(pred, dtype=np.intp)]

    def predict_proba(self, X):
        """Class probabilities (columns in the order of ``classes_``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._checked(X)
        return self.estimator_.predict_proba(X)

    @available_if(lambda self: _classifier_has(self, "predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities, where the classifier has them (columns: ``classes_``)."""
        X = self._checked(X)
        return self.estimator_.predict_log_proba(X)

    @available_if(lambda self: _classifier_has(self, "decision_function"))
    def decision_function(self, X):
        """The classifier's decision function, where it has one (e.g. ``LogisticRegression``,
        ``SVC``; not KNN or XGBoost); its columns follow ``classes_`` as the classifier's do.

        Examples
        --------
        >>> from sklearn.linear_model import LogisticRegression
        >>> from mixann import MixAnNClassifier
        >>> from mixann.datasets import make_diverse_minorities
        >>> X, y = make_diverse_minorities(n_samples=300, random_state=0)
        >>> clf = MixAnNClassifier(LogisticRegression(), n_episodes=2, max_steps_per_episode=5,
        ...                        random_state=0).fit(X, y)
        >>> clf.decision_function(X[:3]).shape
        (3,)
        >>> hasattr(MixAnNClassifier(), "decision_function")  # the default KNN has none
        False
        """
        X = self._checked(X)
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags


def _classifier_has(clf, method):
    """Whether MixAnNClassifier can offer ``method``: the fitted classifier has it, or before
    fitting the one that will be fitted (sklearn's ``available_if`` convention)."""
    fitted = clf.__dict__.get("estimator_")
    if fitted is not None:
        return hasattr(fitted, method)
    return hasattr(clf.estimator if clf.estimator is not None else default_estimator(), method)


def drawn_seed(random_state):
    """The int seed MixAnN draws from ``random_state`` (int, RandomState or None): the sampler's
    own, and the one ``MixAnNClassifier`` and :func:`mixann.plots.policy_map` give an unseeded
    classifier, so the three agree.

    Examples
    --------
    >>> from mixann.sampler import drawn_seed
    >>> drawn_seed(0) == drawn_seed(0)
    True
    """
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def seed_unset_random_states(estimator, seed):
    """``estimator`` with every ``random_state`` parameter left ``None`` set to ``seed``.

    Why: MixAnN fits clones of its estimator many times; an unseeded forest or MLP would make
    two runs with the same ``random_state`` differ. A seed the caller gave is kept (unlike
    scikit-learn's ensembles, which replace it), so a seeded classifier trains as it would
    alone. Nested parameters (a pipeline's ``clf__random_state``) count too.

    Examples
    --------
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from mixann.sampler import seed_unset_random_states
    >>> seed_unset_random_states(RandomForestClassifier(), 7).random_state
    7
    >>> seed_unset_random_states(RandomForestClassifier(random_state=1), 7).random_state
    1
    >>> pipe = seed_unset_random_states(make_pipeline(StandardScaler(), RandomForestClassifier()), 7)
    >>> pipe[-1].random_state
    7
    """
    unset = {name: seed for name, value in random_state_params(estimator).items()
             if value is None}
    if unset:
        estimator.set_params(**unset)
    return estimator


# ---------------------------------------------------------------------- input checks
def _check_estimator_has_proba(estimator):
    if estimator is not None and not hasattr(estimator, "predict_proba"):
        raise TypeError(f"estimator {type(estimator).__name__} has no predict_proba; MixAnN's "
                        "reward needs class probabilities (use e.g. SVC(probability=True))")


def _check_columns_by_position(estimator):
    """Refuse an estimator holding a ColumnTransformer that picks columns by name.

    MixAnN fits ``estimator`` on float arrays (its synthetic rows have no column names), as
    scikit-learn's ``BaggingClassifier`` does, so such a transformer would fail there with
    "Specifying the columns using strings is only supported for dataframes" after the
    checks; it is refused before any work, with the way out.
    """
    from sklearn.compose import ColumnTransformer

    if estimator is None or not hasattr(estimator, "get_params"):
        return
    parts = [estimator, *estimator.get_params(deep=True).values()]
    for part in parts:
        if not isinstance(part, ColumnTransformer):
            continue
        for name, _, columns in part.transformers:
            by_name = callable(columns) or isinstance(columns, str) or (
                not isinstance(columns, slice)
                and np.asarray(columns, dtype=object).dtype == object
                and any(isinstance(c, str) for c in np.ravel(np.asarray(columns, dtype=object))))
            if by_name:
                raise ValueError(
                    f"estimator holds a ColumnTransformer whose part {name!r} picks columns by "
                    f"name ({columns!r}); MixAnN fits its estimator on arrays without column "
                    "names: pick the columns by position (e.g. [0, 2]) or a boolean mask, or "
                    "put the ColumnTransformer before MixAnN in the pipeline")


def _check_magnitude(X, name="X"):
    """Refuse values so large that squared distances between rows overflow float64: the
    neighbour searches would then see inf and NaN (a silent empty result, or a NaN error
    about an X that holds none)."""
    largest = float(np.abs(X).max()) if X.size else 0.0
    if largest > np.sqrt(np.finfo(np.float64).max / (4 * max(X.shape[1], 1))):
        raise ValueError(f"{name} holds values up to {largest:.3g}, too large for distances "
                         "between rows (their squares overflow float64); scale the features "
                         "first, e.g. with sklearn's MinMaxScaler or StandardScaler")


def _check_dense(X, name="X"):
    """Refuse sparse X, and a DataFrame with columns that are not numbers (named)."""
    if sp.issparse(X):
        raise TypeError("sparse X is not supported: MixAnN mixes dense rows; convert with "
                        "X.toarray() (or reduce the dimension first)")
    dtypes = getattr(X, "dtypes", None)
    if dtypes is not None and hasattr(dtypes, "items"):  # a pandas DataFrame
        from pandas.api.types import is_numeric_dtype

        text = [str(column) for column, dtype in dtypes.items() if not is_numeric_dtype(dtype)]
        if text:
            raise ValueError(f"column(s) {text} of {name} are not numbers; MixAnN mixes numeric "
                             "features: drop them or encode them as numbers (e.g. one-hot) "
                             "first")


def _labels_of(y):
    """``(labels, one_hot)``: a one-hot y (imbalanced-learn's one-vs-all encoding) as the
    column index of each row's 1, with the one-hot array to encode the result back; any
    other y as it is, with None.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.sampler import _labels_of
    >>> _labels_of(np.array([[0, 1, 0], [1, 0, 0]]))[0]
    array([1, 0])
    """
    from sklearn.utils.multiclass import type_of_target

    if type_of_target(y) != "multilabel-indicator":
        return y, None
    one_hot = np.asarray(y)
    if np.any(one_hot.sum(axis=1) != 1):
        raise ValueError("y is a 2-D indicator array with rows that do not hold exactly one 1: "
                         "multilabel targets are not supported; pass one label per row")
    return one_hot.argmax(axis=1), one_hot


def _validation_like_y(validation_data, one_hot):
    """``validation_data`` with its labels decoded as :func:`_labels_of` decoded y.

    Parameters
    ----------
    validation_data : tuple or list (X_val, y_val), or None
        The caller's ``validation_data``.
    one_hot : ndarray or None
        The one-hot y that :func:`_labels_of` decoded, or None when y was not one-hot.

    Returns
    -------
    validation_data : tuple (X_val, y_val) or None
        A tuple (a two-item list becomes one), unchanged unless y was one-hot (then
        ``y_val`` holds column indices as y does) or ``y_val`` is a column vector of shape
        (n, 1) (then it is flattened, as y is).

    Raises
    ------
    ValueError
        If only one of y and ``y_val`` is one-hot, or the two have different widths.
    """
    # Anything else (None, a wrong length) is left to the checks that already report it.
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        return validation_data
    X_val, y_val = validation_data
    labels, val_one_hot = _labels_of(y_val)
    if one_hot is None and val_one_hot is None:
        column = np.asarray(y_val)
        if column.ndim == 2 and column.shape[1] == 1:  # a column vector, as y may be
            return X_val, column.ravel()
        return X_val, y_val
    if one_hot is None:
        raise ValueError("validation_data labels are one-hot but y is not; pass y_val as one "
                         "label per row, as y is (or pass y one-hot too)")
    if val_one_hot is None:
        raise ValueError("y is one-hot but validation_data labels are not; pass y_val one-hot "
                         f"with the same {one_hot.shape[1]} columns as y (or pass y as one "
                         "label per row too)")
    if val_one_hot.shape[1] != one_hot.shape[1]:
        raise ValueError(f"validation_data labels have {val_one_hot.shape[1]} one-hot columns, "
                         f"y has {one_hot.shape[1]}; pass y_val with the columns of y")
    return X_val, labels


def _encode_binary(y):
    """Map binary labels to {0, 1} with 1 = the less frequent class."""
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise ValueError(f"y has 1 class ({plain_label(classes[0])!r}); MixAnN needs a "
                         "majority and a minority class")
    minority = classes[0] if counts[0] < counts[1] else classes[1]  # a tie: the second label
    if counts.min() < 2:
        raise ValueError(f"the minority class {plain_label(minority)!r} has {counts.min()} sample; "
                         "MixAnN needs at least 2 minority samples in y (to mix and to hold "
                         "out; also with validation_data)")
    return (np.asarray(y) == minority).astype(int), classes, minority


class _progress:
    """A rich progress bar (episodes, the volume search's folds), or nothing when not verbose."""

    def __init__(self, verbose, total, description="MixAnN episodes"):
        self.verbose, self.total, self.description = verbose, total, description

    def __enter__(self):
        if not self.verbose:
            return None, None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
        # On stderr, as tqdm's are: a caller's stdout (a CSV written to /dev/stdout) stays data.
        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn(), TimeRemainingColumn(),
                             console=Console(stderr=True))
        self._bar.__enter__()
        return self._bar, self._bar.add_task(self.description, total=self.total)

    def __exit__(self, *exc):
        if self.verbose:
            self._bar.__exit__(*exc)
        return False
