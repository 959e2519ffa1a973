"""What the default preset's ``"auto"`` settings resolve to for a classifier, and why.

Each choice cites the rows of docs/quality.md that measured it: the candidate volumes, the kinds
scored (``mix_kinds="auto"``), the draws scored on validation (``n_draws="auto"``) and the rule
that picks among the candidates (``selection_rule="auto"``) and the share of candidates the
volume search keeps after its first folds (``selection_prune="auto"``).
"""

from __future__ import annotations

from sklearn.ensemble import RandomForestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier

#: Candidate volumes of the default preset: shares of the class gap n_majority - n_minority.
DEFAULT_VOLUMES = (0.0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0)
#: Extra candidate volumes in minority counts, for extreme imbalance (see ``minority_multiples``).
DEFAULT_MINORITY_MULTIPLES = (1, 2, 5, 10, 20)
#: ``selection_rule`` values; "auto" resolves to "balance", "beta-mix", "beta-mix-0.35", "swap"
#: or "best" (default_selection_rule).
SELECTION_RULES = ("auto", "best", "best-larger", "one-se", "balance", "beta-mix",
                   "beta-mix-0.35", "swap")
#: At most this many minority rows in train + validation, ``selection_rule="auto"`` balances
#: an MLP instead of choosing: two or three anomalies per fold of the choice (rows 77 and 80;
#: 10 until row 80 raised it; 13 lost in row 83, 14 and 16 tied in rows 82 and 81, and 20
#: lost in row 78).
SMALL_MINORITY = 12
#: The rules that skip the volume search, and the (kind, volume) each returns:
#: ``"balance"``, ``spread`` at volume 1.0 (the classes balanced; an MLP's rule for a tiny
#: minority, rows 77 and 80); ``"beta-mix"``, :func:`mixann.rollout.beta_mix` at half the class
#: gap (XGBoost's, row 87); ``"beta-mix-0.35"``, the same mix at 0.35 of the gap (scikit-learn's
#: random forest's, row 103); ``"swap"``, :func:`mixann.rollout.swap` at 0.2 of the gap (KNN's,
#: row 88).
FIXED_PICKS = {"balance": ("spread", 1.0), "beta-mix": ("beta-mix", 0.5),
               "beta-mix-0.35": ("beta-mix", 0.35), "swap": ("swap", 0.2)}
#: The share of the volume search's candidates that ``selection_prune="auto"`` keeps after the
#: first folds, for XGBoost (boosted trees and the linear booster), the MLP and KNN
#: (:func:`default_selection_prune`).
PRUNE_SHARE = 0.25
#: What ``selection_rule="balance"`` returns: ``spread`` at volume 1.0, the classes balanced.
BALANCE_PICK = FIXED_PICKS["balance"]


def default_estimator():
    """The paper's default classifier: KNN with k = 10."""
    return KNeighborsClassifier(n_neighbors=10)


def default_mix_kinds(estimator):
    """The kinds ``mix_kinds="auto"`` scores for ``estimator``.

    ``("boundary", "spread", "swap", "spread-off-majority", "beta-mix")`` for XGBoost's boosted
    trees (an ``XGBClassifier`` with ``booster`` ``"gbtree"``, ``"dart"`` or unset), alone or as
    the last step of a pipeline; ``("boundary", "spread")`` for any other classifier. Why:
    ``swap`` (uniform crossover of two anomalies) lifted XGBoost on three seed sets and moved
    KNN and the MLP by nothing measurable (docs/quality.md, rows 53 and 55);
    ``spread-off-majority`` (``spread``'s midpoints that land nearest an anomaly) lifted XGBoost
    on two seed sets, smtp most, and cost KNN (row 61); ``beta-mix``
    (:func:`mixann.rollout.beta_mix`, an anomaly mixed with a random majority row) lifted
    XGBoost on vowels on two seed sets and tied held out (row 89), and moved KNN by nothing
    (row 87). Other tree ensembles (XGBoost's random forest ``XGBRFClassifier`` included) were
    not measured, so they keep the kinds measured for every classifier.

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
    >>> from mixann.defaults import default_mix_kinds
    >>> default_mix_kinds(KNeighborsClassifier())
    ('boundary', 'spread')
    >>> default_mix_kinds(XGBClassifier())
    ('boundary', 'spread', 'swap', 'spread-off-majority', 'beta-mix')
    >>> default_mix_kinds(XGBClassifier(booster="gblinear"))
    ('boundary', 'spread')
    """
    if _xgboost_trees(estimator):
        return ("boundary", "spread", "swap", "spread-off-majority", "beta-mix")
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
    >>> from mixann.defaults import default_n_draws
    >>> default_n_draws(KNeighborsClassifier()), default_n_draws(XGBClassifier())
    (10, 10)
    >>> default_n_draws(MLPClassifier())
    1
    """
    knn = isinstance(_final_step(estimator), KNeighborsClassifier)
    return 10 if knn or _xgboost_trees(estimator) else 1


def default_selection_prune(estimator):
    """The share ``selection_prune="auto"`` keeps of the volume search's candidates.

    :data:`PRUNE_SHARE` (0.25) for XGBoost (an ``XGBClassifier``, boosted trees or the linear
    booster ``"gblinear"``), an MLP (``MLPClassifier``) and KNN (``KNeighborsClassifier``),
    alone or as the last step of a pipeline; None (every candidate scored on every fold) for
    any other classifier. Why: XGBoost's and the MLP's fits are most of the search's time (a
    cifar10 cell: 655 of 749 s in XGBoost's 205 fits), and scoring only the best quarter and
    no augmentation after two of the five folds took 0.55 to 0.58 of their resampling time
    on the shared datasets. XGBoost kept the same test F1 in 83 of 90 cells there (seeds
    0-14; mean change +0.0015 ± 0.0008) and in 39 of 47 held-out cells (-0.0028 ± 0.0016);
    the MLP in 46 of 50 (seeds 0-9, +0.0004 ± 0.0006) and in 13 of 15 held out (-0.0039 ±
    0.0030; docs/quality.md, rows 93 and 94). KNN's fits are cheap beside its actor, so it
    saves less (0.85 to 0.87 of its time on the shared datasets), and kept the same test F1
    in 139 of 150 cells there (seeds 0-24, +0.0004 ± 0.0007) and in 113 of 120 held out
    (+0.0006 ± 0.0010; row 95). XGBoost's linear booster took 0.66 to 0.72 of its time on
    the shared datasets and kept the same test F1 in 55 of 60 cells there (seeds 0-9,
    -0.0001 ± 0.0004) and in 56 of 60 held out (+0.0007 ± 0.0005; row 98). The classifiers
    not measured (scikit-learn's trees, forests and gradient boosting, XGBoost's random
    forest ``XGBRFClassifier``) keep the full search.

    Parameters
    ----------
    estimator : classifier
        The classifier MixAnN augments for (a :class:`~sklearn.pipeline.Pipeline` is read
        by its last step).

    Returns
    -------
    float or None

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn.neural_network import MLPClassifier
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from xgboost import XGBClassifier, XGBRFClassifier
    >>> from mixann.defaults import default_selection_prune
    >>> default_selection_prune(XGBClassifier()), default_selection_prune(MLPClassifier())
    (0.25, 0.25)
    >>> default_selection_prune(KNeighborsClassifier())
    0.25
    >>> default_selection_prune(XGBClassifier(booster="gblinear"))
    0.25
    >>> default_selection_prune(XGBRFClassifier()) is None
    True
    >>> default_selection_prune(DecisionTreeClassifier()) is None
    True
    """
    if (_xgboost_trees(estimator) or _xgboost_linear(estimator)
            or isinstance(_final_step(estimator), (MLPClassifier, KNeighborsClassifier))):
        return PRUNE_SHARE
    return None


def default_selection_rule(estimator, n_minority, kinds):
    """The rule ``selection_rule="auto"`` uses for ``estimator``.

    When train + validation hold at most :data:`SMALL_MINORITY` (12) minority rows, a rule
    with no volume search (:data:`FIXED_PICKS`): ``"balance"`` (``spread`` at volume 1.0, the
    classes balanced) for an MLP (``MLPClassifier``, alone or as the last step of a pipeline)
    when ``spread`` is among ``kinds``; ``"beta-mix"`` (:func:`mixann.rollout.beta_mix` at half
    the class gap) for XGBoost's boosted trees (as in :func:`default_mix_kinds`) when ``kinds``
    are its default kinds or hold ``beta-mix``; ``"beta-mix-0.35"`` (the same mix at 0.35 of
    the class gap) for scikit-learn's random forest (``RandomForestClassifier``) on the same
    terms; ``"swap"`` (:func:`mixann.rollout.swap`, uniform
    crossovers of two anomalies, at 0.2 of the class gap) for KNN (``KNeighborsClassifier``)
    when ``kinds`` are its default kinds or hold ``swap`` (kinds given by hand without the
    rule's kind keep the search). ``"best"`` (the best pooled out-of-fold score, exact ties
    going to the smaller volume) otherwise.

    Why: with at most 12 anomalies each of the choice's 5 folds holds two or three, so its
    out-of-fold F1 takes a handful of values. On four sets of 10 anomalies (8 in train +
    validation) that no choice had seen (seeds 0-9, the same samples; docs/quality.md, row 77),
    balancing beat the choice for the MLP by +0.020 ± 0.016 (the test written down before the
    run; on three more sets +0.011 ± 0.025) and lost for KNN (-0.098 ± 0.031) and XGBoost
    (-0.007 ± 0.019). With 12 in train + validation it beat the MLP's choice again (+0.015 ±
    0.010 on seven fresh sets, row 80, which raised the bar from 10), with 20 it lost (-0.013 ±
    0.009, row 78). Balancing also skips the search, most of an MLP's fitting time.
    ``boundary`` at 0.1 of the gap, the best fixed candidate for the MLP on seven other tiny sets,
    lost to balancing on the seven fresh ones (-0.031 ± 0.014, row 91).
    ``"best-larger"`` (exact ties going to the larger volume) is not chosen for any classifier:
    for KNN it won and lost 5 cells each over 210 cells of fresh tiny sets (rows 75-79) and lost
    on the held-out ADBench datasets (-0.007 ± 0.003 over 60 cells, row 78).
    For XGBoost, on seven sets of 10 anomalies the choice trailed MixBoost by 0.040 (seeds 0-9,
    session 59); ``beta-mix`` at half the gap, the best fixed candidate there, was then tested
    as written down on seven fresh sets (other classes of the same tables): +0.030 ± 0.018
    over the choice on the same samples, MixBoost's own cells -0.007 ± 0.012 away (row 87).
    For KNN the same procedure picked ``swap`` at 0.2 of the gap on the seven sets (+0.022 ±
    0.017 over the choice) and it gained +0.022 ± 0.014 on the seven fresh ones (row 88).
    For a random forest (100 trees) it picked ``beta-mix`` at 0.35 of the gap on the seven
    sets (+0.041 ± 0.017 over the choice) and it gained +0.058 ± 0.016 on the seven fresh ones
    (row 103).

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
    >>> from mixann.defaults import default_selection_rule
    >>> kinds = ("boundary", "spread")
    >>> default_selection_rule(MLPClassifier(), 8, kinds)
    'balance'
    >>> default_selection_rule(MLPClassifier(), 13, kinds)
    'best'
    >>> default_selection_rule(KNeighborsClassifier(), 8, kinds)
    'swap'
    >>> default_selection_rule(KNeighborsClassifier(), 13, kinds)
    'best'
    >>> from xgboost import XGBClassifier
    >>> default_selection_rule(XGBClassifier(), 8, default_mix_kinds(XGBClassifier()))
    'beta-mix'
    >>> default_selection_rule(XGBClassifier(), 8, ("spread",))   # kinds given by hand
    'best'
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> default_selection_rule(RandomForestClassifier(), 8, kinds)
    'beta-mix-0.35'
    """
    final = _final_step(estimator)
    if n_minority > SMALL_MINORITY:
        return "best"
    if isinstance(final, MLPClassifier):
        rule = "balance"
    elif _xgboost_trees(estimator):
        rule = "beta-mix"
    elif isinstance(final, KNeighborsClassifier):
        rule = "swap"
    elif isinstance(final, RandomForestClassifier):
        rule = "beta-mix-0.35"
    else:
        return "best"
    # The rule's kind needs no actor; kinds given by hand without it keep the search (the
    # MLP's default kinds hold "spread", so for it this is "spread among the kinds").
    if tuple(kinds) == default_mix_kinds(estimator) or FIXED_PICKS[rule][0] in kinds:
        return rule
    return "best"


def _final_step(estimator):
    """The classifier itself: a pipeline's last step, else ``estimator``."""
    return estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator


def _xgboost_classes(estimator):
    """The xgboost classes in the type hierarchy of ``estimator``'s classifier (a pipeline's
    last step), by name within the xgboost package, so that xgboost need not be installed to
    ask."""
    return {c.__name__ for c in type(_final_step(estimator)).__mro__
            if c.__module__.split(".")[0] == "xgboost"}


def _xgboost_booster(estimator, boosters):
    """Whether ``estimator`` (or a pipeline's last step) is an ``XGBClassifier`` with its
    booster among ``boosters``, not ``XGBRFClassifier`` (a subclass of it, hence the second
    test)."""
    classes = _xgboost_classes(estimator)
    return ("XGBClassifier" in classes and "XGBRFClassifier" not in classes
            and getattr(_final_step(estimator), "booster", None) in boosters)


def _xgboost_trees(estimator):
    """Whether ``estimator`` (or a pipeline's last step) is XGBoost's boosted trees: an
    ``XGBClassifier`` with booster ``"gbtree"``, ``"dart"`` or unset, not ``XGBRFClassifier``."""
    return _xgboost_booster(estimator, (None, "gbtree", "dart"))


def _xgboost_linear(estimator):
    """Whether ``estimator`` (or a pipeline's last step) is XGBoost's linear booster: an
    ``XGBClassifier`` with booster ``"gblinear"``."""
    return _xgboost_booster(estimator, ("gblinear",))
