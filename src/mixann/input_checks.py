"""Checks of MixAnN's inputs before any work: each refusal names the problem and the fix."""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from .classifiers import fewer_neighbours
from .multiclass import plain_label


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


def fewer_neighbours_advice(k, n_rows):
    """A KNN of fewer than ``k`` neighbours that ``n_rows`` rows can serve, as advice."""
    return f"an estimator with fewer neighbours, e.g. {fewer_neighbours(k, n_rows)}"


def check_neighbours(max_neighbors, estimator, n_train):
    """Refuse a training split smaller than ``max_neighbors`` or the estimator's
    ``n_neighbors``, naming every limit it breaks (lowering one alone would meet the other)."""
    k = getattr(estimator, "n_neighbors", None)
    k = int(k) if isinstance(k, numbers.Integral) and k > n_train else None
    if max_neighbors > n_train and k is not None:
        raise TrainingSplitTooSmall(
            f"max_neighbors={max_neighbors} and the estimator's n_neighbors={k} are both larger "
            f"than the training split ({n_train} samples); lower max_neighbors and "
            f"use {fewer_neighbours_advice(k, n_train)}",
            "MixAnN's training split", n_train, max(max_neighbors, k))
    if max_neighbors > n_train:
        raise TrainingSplitTooSmall(f"max_neighbors={max_neighbors} is larger than the training "
                                    f"split ({n_train} samples); lower max_neighbors",
                                    "MixAnN's training split", n_train, max_neighbors)
    if k is not None:
        raise TrainingSplitTooSmall(f"the estimator's n_neighbors={k} is larger than the "
                                    f"training split ({n_train} samples); "
                                    f"give more rows, or {fewer_neighbours_advice(k, n_train)}",
                                    "MixAnN's training split", n_train, k)


def check_estimator_has_proba(estimator):
    if estimator is not None and not hasattr(estimator, "predict_proba"):
        raise TypeError(f"estimator {type(estimator).__name__} has no predict_proba; MixAnN's "
                        "reward needs class probabilities (use e.g. SVC(probability=True))")


def check_columns_by_position(estimator):
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


def check_magnitude(X, name="X"):
    """Refuse values so large that squared distances between rows overflow float64: the
    neighbour searches would then see inf and NaN (a silent empty result, or a NaN error
    about an X that holds none).

    NaN and infinity are refused first, in their own words: scikit-learn's own check skips
    them under ``sklearn.set_config(assume_finite=True)``, and MixAnN would then return
    synthetic rows of NaN (a silent wrong answer) or call an inf "too large".
    """
    if X.size and not np.isfinite(X).all():
        kinds = " and ".join(kind for kind, has in (("NaN", np.isnan(X).any()),
                                                    ("infinity", np.isinf(X).any())) if has)
        raise ValueError(f"{name} contains {kinds}; MixAnN mixes rows and measures distances "
                         "between them, so every value must be finite (scikit-learn's own "
                         "check is skipped under sklearn.set_config(assume_finite=True)): "
                         "drop or replace those values first (NaN: e.g. with "
                         "sklearn.impute.SimpleImputer before MixAnN in the pipeline)")
    largest = float(np.abs(X).max()) if X.size else 0.0
    if largest > np.sqrt(np.finfo(np.float64).max / (4 * max(X.shape[1], 1))):
        raise ValueError(f"{name} holds values up to {largest:.3g}, too large for distances "
                         "between rows (their squares overflow float64); scale the features "
                         "first, e.g. with sklearn's MinMaxScaler or StandardScaler")


def check_dense(X, name="X"):
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


def check_labels_present(y, name="y"):
    """Refuse missing labels (None, NaN, ``pd.NA``), naming how many and where.

    Without this, scikit-learn's label check reads strings with a gap as "Unknown label type:
    unknown ... regression target" and numbers with one as "Input y contains NaN". Anything
    that is not an array of labels (None, ragged lists, sparse) is left to the checks after.

    Examples
    --------
    >>> import pandas as pd
    >>> from mixann.input_checks import check_labels_present
    >>> check_labels_present(pd.Series(["ok", None, "fraud"]))
    Traceback (most recent call last):
    ...
    ValueError: y has 1 missing label (None, NaN or pd.NA), at position 1; MixAnN needs a ...
    """
    if y is None or sp.issparse(y):
        return
    try:
        values = np.asarray(y)
    except (ValueError, TypeError):
        return
    if values.dtype.kind == "f":
        missing = np.isnan(values)
    elif values.dtype.kind == "O":
        import pandas as pd

        missing = np.asarray(pd.isna(values), dtype=bool)
    else:  # integers, booleans, fixed-width strings: nothing can be missing
        return
    if missing.ndim == 0:
        return
    if missing.ndim > 1:  # a one-hot or column-vector y: a row with any gap
        missing = missing.any(axis=tuple(range(1, missing.ndim)))
    rows = np.flatnonzero(missing)
    if len(rows):
        where = ", ".join(str(r) for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
        many = len(rows) > 1
        raise ValueError(f"{name} has {len(rows)} missing label{'s' if many else ''} (None, NaN "
                         f"or pd.NA), at position{'s' if many else ''} {where}; MixAnN needs a "
                         "class for every row: drop those rows from X and y (e.g. keep = "
                         "y.notna(); X, y = X[keep], y[keep]) or fill them in first")


def check_nested_estimator_params(owner, params):
    """Refuse ``estimator__<name>`` parameters while ``estimator`` is None.

    The default classifier (:func:`mixann.defaults.default_estimator`) is built at fit, so
    there is nothing to set them on before: scikit-learn would fail with "'NoneType' object has
    no attribute 'set_params'", e.g. in a grid over ``mixann__estimator__n_neighbors``.

    Parameters
    ----------
    owner : MixAnN or MixAnNClassifier
        The estimator whose ``set_params`` is called.
    params : dict
        The parameters given to ``set_params``.
    """
    if params.get("estimator", owner.estimator) is not None:
        return
    nested = sorted(key for key in params if key.startswith("estimator__"))
    if nested:
        from .defaults import default_estimator

        default = repr(default_estimator())
        raise ValueError(f"{type(owner).__name__}(estimator=None) has no estimator to set "
                         f"{nested[0]!r} on: its default classifier, {default}, is built at "
                         f"fit. Pass the classifier itself first, e.g. estimator={default} "
                         "(in a pipeline or a grid search: on the step, or as "
                         "<step>__estimator), then set its parameters")



class NestedEstimatorParams:
    """``set_params`` for MixAnN and MixAnNClassifier: :func:`check_nested_estimator_params`
    first, then scikit-learn's own (the next class in the method resolution order)."""

    def set_params(self, **params):
        """Set parameters, nested ones (``estimator__n_neighbors``) included.

        Nested ``estimator__<name>`` parameters need an ``estimator``: with the default
        ``estimator=None`` a ``ValueError`` says to pass the classifier first.

        Parameters
        ----------
        **params : dict
            Parameter names mapped to their values.

        Returns
        -------
        self : estimator
        """
        check_nested_estimator_params(self, params)
        return super().set_params(**params)

def labels_of(y):
    """``(labels, one_hot)``: a one-hot y (imbalanced-learn's one-vs-all encoding) as the
    column index of each row's 1, with the one-hot array to encode the result back; any
    other y as it is, with None.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.input_checks import labels_of
    >>> labels_of(np.array([[0, 1, 0], [1, 0, 0]]))[0]
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


def validation_like_y(validation_data, one_hot):
    """``validation_data`` with its labels decoded as :func:`labels_of` decoded y.

    Parameters
    ----------
    validation_data : tuple or list (X_val, y_val), or None
        The caller's ``validation_data``.
    one_hot : ndarray or None
        The one-hot y that :func:`labels_of` decoded, or None when y was not one-hot.

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
    labels, val_one_hot = labels_of(y_val)
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


def encode_binary(y):
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
