"""MixAnN as an imbalanced-learn over-sampler: the training loop and what it returns.

Around it: :mod:`mixann.defaults` (what ``"auto"`` resolves to, and why),
:mod:`mixann.input_checks` (refusals before any work), :mod:`mixann.seeding`,
:mod:`mixann.policy_file` (weights saved and read) and :mod:`mixann.augmented_classifier`
(``MixAnNClassifier``: augment, then fit).
"""

from __future__ import annotations

import numbers
import os
import re

import numpy as np
import torch
from imblearn.over_sampling.base import BaseOverSampler
from sklearn.base import clone
from sklearn.model_selection import train_test_split
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ._output import output_like
from ._progress import progress_bar
from ._torch import check_device, check_widths
from .ddpg import DDPGAgent
# The defaults, seeding and policy-file names are also this module's, as before the split
# (the README and users' code name mixann.sampler.default_mix_kinds, .drawn_seed ...).
from .defaults import (BALANCE_PICK, DEFAULT_MINORITY_MULTIPLES, DEFAULT_VOLUMES,  # noqa: F401
                       FIXED_PICKS, SELECTION_RULES, SMALL_MINORITY, default_estimator,
                       default_mix_kinds, default_n_draws, default_selection_prune,
                       default_selection_rule)
from .env import Episode, MixUpEnv, in_sample_proba, state_width
from .input_checks import (TrainingSplitTooSmall, check_columns_by_position, check_dense,
                           check_estimator_has_proba, check_labels_present, check_magnitude,
                           NestedEstimatorParams, check_neighbours, encode_binary,
                           fewer_neighbours_advice, labels_of, validation_like_y)
from .metrics import check_metric, score_proba
from .multiclass import fit_one_vs_rest, largest_gap_volume, plain_label, row_classes
from .policy_file import POLICY_FORMAT, read_policy, write_policy  # noqa: F401 (re-exported)
from .reward import REWARD_KINDS, MovingBaseline
from .rollout import ACTOR_FREE_KINDS, ROLLOUT_KINDS, Rollout, rollout
from .seeding import drawn_seed, seed_unset_random_states
from .selection import (MulticlassJudge, choose_draw, keep_minority_in_validation,
                        minority_volumes, select_volume, volume_target)
from .updaters import UPDATE_NAMES, make_updater, resolve_update

PRESETS = ("default", "paper")
STATE_FEATURES = ("pair", "model-aware")
#: Mix kinds of the default preset: the actor's rollout kinds, plus "spread", "swap", "copy",
#: "spread-off-majority" and "beta-mix" (no actor).
MIX_KINDS = (*ROLLOUT_KINDS, *ACTOR_FREE_KINDS)


class MixAnN(NestedEstimatorParams, BaseOverSampler):
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
        E, the number of episodes. None run in the default preset when no kind it can
        return calls the actor: ``selection_rule_`` is a fixed pick (``"balance"``,
        ``"beta-mix"``, ``"beta-mix-0.35"``, ``"swap"``), or every kind of ``mix_kinds_`` is
        actor-free (``"spread"``, ``"swap"``, ``"copy"``, ``"spread-off-majority"``,
        ``"beta-mix"``); ``history_["actor_trained"]`` is then False.
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
"spread-off-majority", "beta-mix", "interior", "paper", "copy"}, default="auto"
        Default preset: the ways of generating, each scored with every volume (one kind may
        be given as its name, ``mix_kinds="spread"``). ``"auto"``:
        ``("boundary", "spread", "swap", "spread-off-majority", "beta-mix")`` for XGBoost's
        boosted trees,
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
        and cost KNN (row 61); ``"beta-mix"``: an anomaly mixed with a random majority row
        at a ``Beta(5, 2)`` share, labelled an anomaly where the share is at least 0.5
        (:func:`mixann.rollout.beta_mix`, MixBoost's mix), which lifted XGBoost on vowels on
        two seed sets and moved KNN by nothing (rows 87 and 89).
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
    selection_rule : {"auto", "best", "best-larger", "one-se", "balance", "beta-mix", \
"beta-mix-0.35", "swap"}, default="auto"
        Default preset: ``"best"`` takes the volume with the best pooled out-of-fold score
        (exact ties: the smaller); ``"best-larger"`` the same with exact ties going to the
        larger volume; ``"one-se"`` the smallest volume within one standard error of it
        (fewer samples unless more clearly help; measured slightly worse, docs/quality.md);
        ``"balance"`` skips the volume search and returns ``spread`` at volume 1.0 (midpoints
        of random anomaly pairs up to the majority's count; ``spread`` must be among the
        kinds, and no volume-0 candidate means no guard); ``"beta-mix"`` skips it too and
        returns :func:`mixann.rollout.beta_mix` (anomalies mixed towards random majority rows,
        MixBoost's mix) at half the class gap, ``"beta-mix-0.35"`` the same mix at 0.35 of
        it, and ``"swap"`` :func:`mixann.rollout.swap`
        (crossovers of two anomalies) at 0.2 of it, whatever the kinds. ``"auto"`` is
        ``"balance"`` for an MLP, ``"beta-mix"`` for XGBoost's boosted trees,
        ``"beta-mix-0.35"`` for scikit-learn's random forest and ``"swap"`` for
        KNN (with their default kinds) when train + validation hold at most 12 minority rows
        (too few for the folds to choose: docs/quality.md, rows 77, 80, 87, 88 and 103) and
        ``"best"`` otherwise
        (:func:`default_selection_rule`; ``"best-larger"`` passed a test for KNN on fresh
        sets of 25 anomalies and then lost on the held-out ADBench datasets, row 78); the
        rule used is ``selection_rule_`` after fitting.
    selection_max_rows : int or None, default=100_000
        Default preset: the folds run on a stratified sample of at most this many rows
        (None: all), which bounds their cost on very large data.
    selection_prune : "auto", float in (0, 1] or None, default="auto"
        Default preset: a faster volume search for slow classifiers. After two of the five
        folds (:func:`mixann.selection.prune_folds`), only this share of the candidates, the
        best on those folds (no augmentation always among them), is scored on the other
        folds; the rest are never chosen (``history_["pruned"]`` lists them with their score
        on the first folds). With 0.25, XGBoost's 41 candidates become the 11 best and no
        augmentation after two folds: 118 fits instead of 205. The kept candidates' rows and
        scores are those of the full search, so the choice only differs where the full
        search would have chosen a dropped candidate. ``None`` (or 1.0, the same result)
        scores every candidate on every fold. Exact ties after the first folds are kept
        the way ``selection_rule`` breaks them (``"best-larger"``: the larger volumes);
        ``"one-se"`` picks among the kept candidates. ``"auto"`` is 0.25 for XGBoost (boosted
        trees or the linear booster), an MLP and KNN, None for any other classifier
        (:func:`mixann.defaults.default_selection_prune`; measured in docs/quality.md, rows
        93 to 95 and 98); the share used is ``selection_prune_`` after fitting.
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
        this process, so the same seed returns the same samples whatever ``n_jobs`` is. A
        ``KNeighborsClassifier`` that searches by KD-tree is not refitted per candidate: one
        neighbour search per fold gives its votes (:mod:`mixann.knn_votes`), in this process.
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
        n_synthetic, and ``kept=True`` for the episodes ``accumulate`` kept; both empty when
        no actor was trained); ``"actor_trained"`` (False when no kind the default preset
        could return calls the actor: a fixed ``selection_rule_``, or actor-free
        ``mix_kinds_``); ``"preset"``;
        ``"baseline_score"`` (validation score without augmentation); ``"returned_episode"``
        (paper preset; None when nothing was returned); ``"guard_fired"`` (nothing returned);
        default preset: ``"mix_kind"`` and ``"volume"`` (the chosen ones; None and 0 when
        nothing is returned) and ``"candidates"`` (one dict per (kind, volume): its pooled
        out-of-fold ``score`` and the standard error ``se`` of its per-fold scores; empty
        when ``selection_rule_`` is ``"balance"``, which scores none; with
        ``selection_prune``, the candidates scored on every fold), ``"pruned"`` (the
        candidates ``selection_prune`` dropped, each with its ``score`` on the first folds;
        empty without it), ``"selection_rule"`` (``selection_rule_``), and
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
    selection_prune_ : float or None
        The share of candidates the default preset's volume search kept after its first
        folds (``selection_prune`` with ``"auto"`` resolved; None: every candidate).
    selection_rule_ : str, dict or None
        The rule the default preset chose with (``selection_rule`` with ``"auto"``
        resolved; with more than two classes a dict by class; None for the paper preset).
    actor_, critic_ : torch.nn.Module
        The trained networks (two classes; with more, each of ``samplers_`` has its own), in
        evaluation mode with gradients off; untrained (as initialised, or as loaded from
        ``policy``) when no kind needed them (``history_["actor_trained"]`` False).
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
        # predict_proba is checked by check_estimator_has_proba, whose message says how to
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
        "selection_prune": [Interval(numbers.Real, 0, 1, closed="right"), StrOptions({"auto"}),
                            None],
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
                 selection_max_rows=100_000, selection_prune="auto",
                 multiclass_choice="one-vs-rest",
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
        self.selection_prune = selection_prune
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
        check_estimator_has_proba(self.estimator)
        check_columns_by_position(self.estimator)
        check_metric(self.metric)
        if self.reward_metric is not None:
            check_metric(self.reward_metric)
        check_widths("hidden_sizes", list(self.hidden_sizes), example="(64, 64)")
        check_device(self.device)  # before any training, not inside torch's first .to()
        check_dense(X)
        check_labels_present(y)  # before sklearn's "Unknown label type" for a gap in y
        check_classification_targets(y)  # 'Unknown label type: continuous' for regression targets
        # The work is done in float64 arrays; the rows come back in the caller's types.
        as_given = output_like(X, y)
        y, one_hot = labels_of(y)
        # Decoded as y is, so that both paths compare labels of one kind (checked before any
        # training, so a mismatch fails at once).
        self._validation = validation_like_y(self.validation_data, one_hot)
        self._policy_init = None if self.policy is None else read_policy(self.policy)
        X, y = validate_data(self, X=X, y=y, reset=True, dtype=float, ensure_all_finite=True)
        check_magnitude(X)
        self._check_validation_names()
        for stale in ("samplers_", "actor_", "critic_"):  # from an earlier fit on other labels
            self.__dict__.pop(stale, None)
        if len(np.unique(y)) > 2:
            X_res, y_res = self._fit_resample_multiclass(X, y)
        else:
            y01, self.classes_, self.minority_label_ = encode_binary(y)
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
            missing folder, with more than two classes (save one of ``samplers_``), and when
            the fit trained no actor (``history_["actor_trained"]`` False: a fixed
            ``selection_rule_``, or ``mix_kinds_``, that needs none).
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
        if not self.history_.get("actor_trained", True):
            if self.selection_rule_ in FIXED_PICKS:
                why = (f"selection_rule_ {self.selection_rule_!r} returns "
                       f"{FIXED_PICKS[self.selection_rule_][0]!r} rows, which need no actor")
                fix = 'fit with selection_rule="best"'
            else:
                why = f"none of mix_kinds_ {self.mix_kinds_} calls the actor"
                fix = 'add a kind that does, such as "boundary", to mix_kinds'
            raise ValueError(f"this MixAnN trained no policy to save: {why}, so training was "
                             f"skipped; to train and save one on this data, {fix}")
        write_policy(path, n_features=self.n_features_in_, hidden_sizes=self.hidden_sizes,
                     state_features=self.state_features, actor=self.actor_, critic=self.critic_)
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
            check_dense(validation_data[0], name="validation_data's X_val")
            X_val = check_array(validation_data[0], dtype=float, ensure_all_finite=True,
                                input_name="validation_data's X_val")
            check_magnitude(X_val, name="validation_data's X_val")
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
        check_neighbours(self.max_neighbors, estimator, len(X_train))

        volumes, kinds = self._checked_volumes(), self._resolve_kinds_and_draws(estimator)
        # Resolved before training, so that a rule the kinds cannot serve fails at once.
        self.selection_rule_ = (self._resolved_selection_rule(
            estimator, int(y_train.sum() + y_val.sum()), kinds)
            if self.preset == "default" else None)
        # The actor is trained only for a kind that calls it: every fixed pick returns an
        # actor-free kind (mixann.rollout.ACTOR_FREE_KINDS), and kinds given by hand may all
        # be; training it for nothing was most of such a fit's time (row 104).
        train_actor = self.preset == "paper" or any(
            kind not in ACTOR_FREE_KINDS for kind in self._generated_kinds(kinds))
        multiples = self._checked_minority_multiples()
        update = resolve_update(self.update, estimator, prefer_warm_start=self.preset == "default")
        updater = make_updater(update, estimator, X_train, y_train, X_val, verbose=self.verbose)
        baseline_score = score_proba(self.metric, updater.proba_validation(), y_val)
        model_aware = self.state_features == "model-aware"
        env = None  # the MDP, and Eq. 5's reward window, only where the actor is trained
        if train_actor:
            reward_metric = self.reward_metric or self.metric
            baseline = MovingBaseline(self.baseline_window)
            # phi_0 (Algorithm 1, line 3) seeds Eq. 5's window
            baseline.push(score_proba(reward_metric, updater.proba_validation(), y_val))
            env = MixUpEnv(X_train, y_train, X_val, y_val, updater=updater, metric=self.metric,
                           reward_metric=reward_metric,
                           state_proba=(in_sample_proba(estimator, X_train, y_train)
                                        if model_aware else None),
                           baseline=baseline, rng=rng, max_neighbors=self.max_neighbors,
                           max_oversample=self.max_oversample, eta=self.eta,
                           reward_scale=self.reward_scale, reward_kind=self.reward,
                           max_steps=self.max_steps_per_episode,
                           mix_kind="boundary" if self.preset == "default" else "paper")
        # Built untrained too: a policy= file is still checked against X, and actor_ exists.
        agent = self._make_agent(X.shape[1], state_width(X.shape[1], model_aware), seed)

        steps, episodes, best, kept = [], [], None, Episode()
        total_steps = 0
        n_episodes = self.n_episodes if train_actor else 0
        with progress_bar(self.verbose and n_episodes, n_episodes) as (progress, task):
            for episode in range(n_episodes):
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
                   "baseline_score": baseline_score, "actor_trained": train_actor}
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

            if self.selection_rule_ in FIXED_PICKS:  # too few anomalies to choose on folds
                kind, share = FIXED_PICKS[self.selection_rule_]
                # A share of the volume that balances (1.0, or one-vs-rest's own).
                volume, scores, pruned = share * balance_volume, {}, []
                generators = {kind: generator(kind)}  # e.g. beta-mix: not among the kinds
            else:
                generators = {kind: generator(kind) for kind in kinds}
                (kind, volume), scores, pruned = self._search_volume(
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
                                       for (k, v), (sc, se) in scores.items()],
                           pruned=pruned)
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
        (:func:`mixann.selection.select_volume`), every candidate's scores, and the
        candidates ``selection_prune`` dropped (with their score on the first folds)."""
        positive = [v for v in volumes if v > 0]
        if positive:  # minority-count steps below the grid (extreme imbalance)
            volumes = sorted(set(volumes) | set(minority_volumes(
                multiples, np.concatenate([y_train, y_val]), below=min(positive))))
        # The search fits the classifier once per fold and candidate: for slow
        # classifiers most of the fit's time, hence a bar of its own.
        n_folds = self.selection_folds * self.selection_repeats
        with progress_bar(self.verbose, n_folds, "volume search, folds") as (progress, task):
            def on_fold(done, total):
                if progress is not None:
                    progress.update(task, completed=done, total=total)

            pruned = []

            def on_prune(early, kept):
                pruned.extend({"kind": k, "volume": v, "score": sc}
                              for (k, v), sc in early.items() if (k, v) not in kept)

            try:
                (kind, volume), scores = select_volume(
                    generators, estimator, X_train, y_train, X_val, y_val, volumes,
                    n_splits=self.selection_folds, n_repeats=self.selection_repeats,
                    metric=self.metric, seed=seed, one_se=self.selection_rule_ == "one-se",
                    max_rows=self.selection_max_rows, n_jobs=self.n_jobs, on_fold=on_fold,
                    judge=judge, larger_ties=self.selection_rule_ == "best-larger",
                    prune=self.selection_prune_, on_prune=on_prune)
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
                    fix = fewer_neighbours_advice(k, fold)
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
        return (kind, volume), scores, pruned

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

    def _generated_kinds(self, kinds):
        """The kinds the default preset can return: a fixed pick's one, else every kind."""
        if self.selection_rule_ in FIXED_PICKS:
            return [FIXED_PICKS[self.selection_rule_][0]]
        return list(kinds)

    def _resolve_kinds_and_draws(self, estimator):
        """Set ``mix_kinds_``, ``n_draws_`` and ``selection_prune_`` (``"auto"`` resolved for
        ``estimator``); return the kinds."""
        self.mix_kinds_ = self._checked_mix_kinds(estimator)
        self.n_draws_ = default_n_draws(estimator) if self.n_draws == "auto" else self.n_draws
        self.selection_prune_ = (default_selection_prune(estimator)
                                 if self.selection_prune == "auto" else self.selection_prune)
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
