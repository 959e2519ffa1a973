"""The benchmark's classifiers by name (paper Section 4.1, Implementation details)."""

from __future__ import annotations

CLASSIFIER_NAMES = ("knn", "xgboost", "xgboost-linear", "mlp", "random-forest",
                    "hist-gradient-boosting")


def make_classifier(name, random_state=0, n_jobs=1):
    """A fresh classifier: ``knn`` (k=10), ``xgboost`` (gbtree), ``xgboost-linear`` (gblinear,
    the paper's "linear kernel"), ``mlp`` (128-64, ReLU, Adam), ``random-forest``
    (scikit-learn's, 100 trees) or ``hist-gradient-boosting`` (scikit-learn's
    ``HistGradientBoostingClassifier``, 100 iterations, no early stopping). The last two are not
    in the paper: classifiers none of the defaults was tuned on, docs/quality.md "Session 73"
    and "Session 76".

    Examples
    --------
    >>> from mixann.classifiers import make_classifier
    >>> make_classifier("knn")
    KNeighborsClassifier(n_neighbors=10)
    """
    # Imported here: the command line checks names against CLASSIFIER_NAMES before any work.
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier

    if name == "knn":
        return KNeighborsClassifier(n_neighbors=10)
    if name in ("xgboost", "xgboost-linear"):
        from xgboost import XGBClassifier

        booster = "gbtree" if name == "xgboost" else "gblinear"
        return XGBClassifier(booster=booster, n_estimators=100, random_state=random_state,
                             n_jobs=n_jobs, verbosity=0)
    if name == "mlp":
        return MLPClassifier(hidden_layer_sizes=(128, 64), activation="relu", solver="adam",
                             max_iter=300, random_state=random_state)
    if name == "random-forest":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_estimators=100, random_state=random_state, n_jobs=n_jobs)
    if name == "hist-gradient-boosting":
        from sklearn.ensemble import HistGradientBoostingClassifier

        # early_stopping="auto" (scikit-learn's default) switches itself on above 10 000 rows:
        # a volume search whose larger candidates cross that line would compare two different
        # models (one holding out a tenth of the rows). Off, every candidate fits the same
        # model. n_jobs has no counterpart: its threads are OpenMP's, one per bench worker.
        return HistGradientBoostingClassifier(max_iter=100, early_stopping=False,
                                              random_state=random_state)
    raise ValueError(f"unknown classifier {name!r}; choose one of {', '.join(CLASSIFIER_NAMES)}")


def fewer_neighbours(k, n_rows):
    """A KNN of fewer than ``k`` neighbours that ``n_rows`` rows can serve, as advice text.

    Shared by MixAnN's and the baselines' refusals of a KNN larger than their rows.

    Examples
    --------
    >>> from mixann.classifiers import fewer_neighbours
    >>> fewer_neighbours(10, 7)
    'estimator=KNeighborsClassifier(n_neighbors=6)'
    """
    return f"estimator=KNeighborsClassifier(n_neighbors={max(1, min(k - 1, n_rows - 1))})"


def random_state_params(estimator):
    """The names of ``estimator``'s ``random_state`` parameters, nested ones included (a
    pipeline's ``randomforestclassifier__random_state``), with their values.

    The one place that reads them, for MixAnN (:func:`mixann.seeding.seed_unset_random_states`
    seeds those left ``None``) and for MixBoost and AutoSMOTE
    (:func:`mixann.baselines.random.reseed` replaces them all).

    Examples
    --------
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from mixann.classifiers import random_state_params
    >>> random_state_params(make_pipeline(StandardScaler(), RandomForestClassifier()))
    {'randomforestclassifier__random_state': None}
    """
    return {name: value for name, value in estimator.get_params(deep=True).items()
            if name == "random_state" or name.endswith("__random_state")}
