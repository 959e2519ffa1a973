"""Resampled rows in the caller's container types, as imbalanced-learn's samplers return them."""

from __future__ import annotations

import functools

import numpy as np
from imblearn.utils._validation import ArraysTransformer


def float_columns(X):
    """What the output is shaped after: X itself, or for a DataFrame an empty frame of its
    columns with the integer and boolean ones as float64.

    Why: imbalanced-learn casts the output back to the input's column types, which would
    truncate a synthetic row's 1.5 to 1 in an integer column and turn any mix of False and
    True into True in a boolean one, a silent wrong answer. Numpy arrays of integers come
    back as float for the same reason.

    Examples
    --------
    >>> import pandas as pd
    >>> from mixann._output import float_columns
    >>> frame = pd.DataFrame({"count": [1, 2], "flag": [True, False], "x": [0.5, 1.5]})
    >>> {c: str(t) for c, t in float_columns(frame).dtypes.items()}
    {'count': 'float64', 'flag': 'float64', 'x': 'float64'}
    """
    dtypes = getattr(X, "dtypes", None)
    # A DataFrame only: a Series' ``dtypes`` is one dtype, and a 1-D X is refused afterwards by
    # validate_data ("Expected 2D array ... reshape"), not here by an AttributeError.
    if dtypes is None or not hasattr(X, "iloc") or not hasattr(dtypes, "items"):
        return X
    from pandas.api.types import is_float_dtype

    return X.iloc[:0].astype({c: "float64" for c, t in dtypes.items() if not is_float_dtype(t)})


def output_like(X, y):
    """A function that puts resampled ``(X_res, y_res)`` in the types of the caller's X and y.

    Call it on the caller's inputs before validating them (which turns them into float64
    arrays). A DataFrame, Series or list comes back as one; a float32 array stays float32;
    integer and boolean features come back as float64 (:func:`float_columns`).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from mixann._output import output_like
    >>> X = pd.DataFrame({"count": [1, 2]}); y = pd.Series(["a", "b"], name="label")
    >>> X_res, y_res = output_like(X, y)(np.array([[1.0], [2.0], [1.5]]), np.array(["a", "b", "b"]))
    >>> X_res["count"].tolist(), y_res.name
    ([1.0, 2.0, 1.5], 'label')
    >>> as_given = output_like(np.zeros((2, 1), dtype=np.float32), [0, 1])
    >>> as_given(np.ones((3, 1)), np.zeros(3))[0].dtype
    dtype('float32')
    """
    transformer = ArraysTransformer(float_columns(X), y)
    dtype = getattr(X, "dtype", None)
    floating = isinstance(dtype, np.dtype) and np.issubdtype(dtype, np.floating)

    def convert(X_res, y_res):
        if floating:
            X_res = np.asarray(X_res).astype(dtype, copy=False)
        return transformer.transform(X_res, y_res)

    return convert


def returns_input_types(fit_resample):
    """Decorate a sampler's ``fit_resample(self, X, y)`` so it returns :func:`output_like` types.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from mixann._output import returns_input_types
    >>> class Twice:
    ...     @returns_input_types
    ...     def fit_resample(self, X, y):
    ...         X, y = np.asarray(X, dtype=float), np.asarray(y)
    ...         return np.vstack([X, X]), np.concatenate([y, y])
    >>> X_res, y_res = Twice().fit_resample(pd.DataFrame({"a": [0.5]}), pd.Series([1]))
    >>> type(X_res).__name__, list(X_res.columns), type(y_res).__name__
    ('DataFrame', ['a'], 'Series')
    """
    @functools.wraps(fit_resample)
    def wrapper(self, X, y):
        return output_like(X, y)(*fit_resample(self, X, y))

    return wrapper
