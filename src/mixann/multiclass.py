"""More than two classes: one binary MixAnN per smaller class, that class against the rest.

The paper's MDP is binary: a pair is a minority and a majority point, and the reward is the
validation score of a binary classifier. With more classes, MixAnN augments every class that
is smaller than the largest one on its own (one-vs-rest): a binary MixAnN is fitted on
``(X, y == c)``, so class ``c`` is its minority and every other row its majority, and the
synthetic rows it returns are labelled ``c``. Each class's kind and volume are thereby chosen
for how well the classifier tells that class from all the others, which is what macro-F1 over
the classes rewards. The binary samplers share every parameter of the caller's sampler except
``random_state`` (one seed per class, drawn in class order from the caller's) and
``volumes``. With ``multiclass_choice="all-classes"`` each class's choice is judged by the
classifier fitted on every class instead (:class:`mixann.selection.MulticlassJudge`):
measured, it loses for KNN and ties for XGBoost at five times the time (docs/quality.md,
row 74).

``volumes`` keep imbalanced-learn's meaning, with 1 balancing class ``c`` with the largest
class; the binary sampler measures them against its own class gap, rows outside ``c``
minus rows of ``c``, which is larger. :func:`rest_volumes` converts the one into the other.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from .metrics import check_metric_multiclass


def rest_volumes(volumes, n_class, n_largest, n_rest):
    """Volumes as shares of the one-vs-rest gap that give the same rows as ``volumes``
    taken as shares of the gap to the largest class.

    A binary sampler fitted on ``(X, y == c)`` generates ``volume * (n_rest - n_class)`` rows;
    the caller's volume means ``volume * (n_largest - n_class)`` rows (1 balances ``c`` with
    the largest class, as imbalanced-learn's over-samplers do), hence the factor
    ``(n_largest - n_class) / (n_rest - n_class)``.

    Parameters
    ----------
    volumes : sequence of float
        Shares of ``n_largest - n_class``.
    n_class, n_largest, n_rest : int
        Rows of the class, of the largest class, and of every other class together
        (``n_rest >= n_largest > n_class``).

    Returns
    -------
    list of float

    Examples
    --------
    Class of 10 rows, largest class 50, 90 rows outside the class: balancing (volume 1)
    needs 40 rows, a share of 0.5 of the one-vs-rest gap of 80.

    >>> from mixann.multiclass import rest_volumes
    >>> rest_volumes([0, 0.5, 1], n_class=10, n_largest=50, n_rest=90)
    [0.0, 0.25, 0.5]
    """
    ratio = _gap_ratio(n_class, n_largest, n_rest)
    return [float(v) * ratio for v in volumes]


def largest_gap_volume(volume, n_class, n_largest, n_rest):
    """The inverse of :func:`rest_volumes` for one volume: a share of the one-vs-rest gap as
    a share of the gap to the largest class (rounded to 12 decimals, so that a volume given
    comes back as given).

    Examples
    --------
    >>> from mixann.multiclass import largest_gap_volume
    >>> largest_gap_volume(0.25, n_class=10, n_largest=50, n_rest=90)
    0.5
    """
    return round(float(volume) / _gap_ratio(n_class, n_largest, n_rest), 12)


def _gap_ratio(n_class, n_largest, n_rest):
    """The gap to the largest class over the one-vs-rest gap, after checking the counts."""
    if not n_rest >= n_largest > n_class:
        raise ValueError(f"need n_rest >= n_largest > n_class, got n_rest={n_rest}, "
                         f"n_largest={n_largest}, n_class={n_class}")
    return (n_largest - n_class) / (n_rest - n_class)


def classes_to_augment(y):
    """The classes one-vs-rest augments, with their row counts: every class smaller than the
    largest one (classes as large as the largest are left as they are).

    Raises ``ValueError`` naming a class to augment that has fewer than 2 rows (one to
    train on, one to validate).

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.multiclass import classes_to_augment
    >>> classes_to_augment(np.array(["a"] * 5 + ["b"] * 3 + ["c"] * 2))
    {'b': 3, 'c': 2}
    """
    classes, counts = np.unique(y, return_counts=True)
    largest = counts.max()
    smaller = {plain_label(c): int(n) for c, n in zip(classes, counts) if n < largest}
    few = {c: n for c, n in smaller.items() if n < 2}
    if few:
        label, n = next(iter(few.items()))
        raise ValueError(f"class {label!r} has {n} sample; MixAnN needs at least 2 samples of "
                         "every class smaller than the largest (to mix and to hold out; also "
                         "with validation_data): drop the class or merge it with another")
    return smaller


def fit_one_vs_rest(sampler, X, y):
    """Fit one binary MixAnN per class smaller than the largest; ``{label: fitted sampler}``.

    ``sampler`` is the caller's (unfitted) MixAnN: each binary sampler takes its parameters,
    a seed of its own drawn in class order from ``sampler.random_state`` (so the same seed
    gives the same bytes), the volumes (and ``selection_rule="balance"``'s volume 1) converted
    by :func:`rest_volumes`, and
    ``validation_data`` with its labels turned into ``y_val == c``. A policy loaded with
    ``load_policy`` starts every class's training. :meth:`MixAnN.fit_resample` calls it for
    more than two classes.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from mixann import MixAnN
    >>> X, y = make_classification(n_samples=400, n_classes=3, n_informative=3,
    ...                            weights=[0.7, 0.2, 0.1], random_state=0)
    >>> sampler = MixAnN(n_episodes=2, max_steps_per_episode=5, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sorted(sampler.samplers_)        # one binary MixAnN per class smaller than the largest
    [1, 2]
    >>> set(y_res[len(y):].tolist()) <= {1, 2}   # their rows, labelled with their class
    True
    """
    from .defaults import BALANCE_PICK
    from .sampler import MixAnN

    classes, class_counts = np.unique(y, return_counts=True)
    counts = classes_to_augment(y)
    volumes = sampler._checked_volumes()
    # fit_resample's copy, its labels decoded as y was (one-hot to column indices).
    validation = _checked_validation(sampler._validation, classes, counts)
    # One seed per class of y, so a class's seed does not depend on which others are augmented.
    seeds = check_random_state(sampler.random_state).randint(np.iinfo(np.int32).max,
                                                             size=len(classes))
    seeds = {plain_label(c): int(s) for c, s in zip(classes, seeds)}
    # Every row's class code, for the judge of each class's candidates (the multiclass fit).
    codes = np.searchsorted(classes, y)
    codes_val = None if validation is None else np.searchsorted(classes, validation[1])
    # The judge chooses the default preset's kind, volume and draw; the paper preset chooses
    # none, so multiclass_choice does not apply there and its metric is not checked for it.
    judged = sampler.multiclass_choice == "all-classes" and sampler.preset == "default"
    if judged:  # before the first class's training, not after it
        check_metric_multiclass(sampler.metric)
    fitted = {}
    for i, (label, n_class) in enumerate(counts.items(), 1):
        if sampler.verbose:  # the binary sampler's bars follow, one set per class
            print(f"MixAnN: class {label!r} ({n_class} rows) against the rest, "
                  f"{i} of {len(counts)}", flush=True)
        params = sampler.get_params(deep=False)
        sizes = (n_class, int(class_counts.max()), len(y) - n_class)
        params.update(random_state=seeds[label], volumes=rest_volumes(volumes, *sizes))
        if validation is not None:
            X_val, y_val = validation
            params["validation_data"] = (X_val, (y_val == label).astype(int))
        binary = MixAnN(**params)  # params carry policy=: each class starts from its weights
        # selection_rule="balance" balances with the largest class, as volume 1 does
        # (the other fixed picks take their share of it: "beta-mix" half, "swap" 0.2).
        binary._balance_volume = rest_volumes([BALANCE_PICK[1]], *sizes)[0]
        if judged:
            code = int(np.searchsorted(classes, label))
            binary._one_vs_rest = (codes, codes_val, code, len(classes))
        fitted[label] = binary.fit(X, (y == label).astype(int))
    return fitted


def row_classes(labels01, sources, y01, classes, label):
    """The classes of a one-vs-rest sampler's synthetic rows: ``label`` where the row is
    labelled its minority (1); a row labelled 0 (the paper's Eq. 2 can give a mix of a
    minority and a majority point the majority's label, "the rest") takes the class of its
    majority source, the point whose label Eq. 2 took.

    Parameters
    ----------
    labels01 : ndarray
        The rows' 0/1 labels.
    sources : ndarray of shape (n_rows, 2)
        Row indices of each row's two mixed points in the data the sampler saw.
    y01, classes : ndarray
        That data's 0/1 labels and its classes (any type).
    label
        The augmented class.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.multiclass import row_classes
    >>> classes = np.array(["a", "c", "b"]); y01 = (classes == "b").astype(int)
    >>> row_classes(np.array([1, 0]), np.array([[2, 1], [2, 1]]), y01, classes, "b").tolist()
    ['b', 'c']
    """
    s0, s1 = np.asarray(sources).T
    majority_source = np.where(y01[s0] == 0, s0, s1)
    return np.where(labels01 == 1, label, classes[majority_source])


def plain_label(label):
    """A numpy scalar label as the Python value it holds (readable dict keys)."""
    return label.item() if isinstance(label, np.generic) else label


def _checked_validation(validation_data, classes, augmented):
    """``validation_data`` as arrays whose labels are classes of y and that hold a row of
    every class in ``augmented`` (or None)."""
    if validation_data is None:
        return None
    if len(validation_data) != 2:
        raise ValueError("validation_data must be a pair (X_val, y_val)")
    X_val, y_val = validation_data[0], np.asarray(validation_data[1])
    unknown = sorted(set(np.unique(y_val).tolist()) - set(classes.tolist()), key=str)
    if unknown or len(y_val) != len(X_val):
        raise ValueError("validation_data labels must match X_val in length and use the "
                         f"classes of y {classes.tolist()}; unknown: {unknown}")
    missing = [c for c in augmented if not np.any(y_val == c)]
    if missing:
        raise ValueError(f"validation_data holds no row of class(es) {missing}; each class's "
                         "MixAnN scores its reward and its draws on it: give a validation set "
                         "with at least one row of every class smaller than the largest, or "
                         "leave validation_data out")
    return X_val, y_val
