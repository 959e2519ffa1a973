"""Figures where people would rather look than read: the case study (Fig. 5) and a policy map.

Both train a classifier on augmented 2-D data and draw its decision regions, the original
points and the synthetic points (marked by label), so one sees where each method adds samples.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._files import write_safely


def _figure(figsize):
    """A bare Figure on the Agg canvas: files only, works without a display.

    Not pyplot: ``matplotlib.use("Agg")`` switched the caller's backend (a notebook's inline
    plots stopped showing), and a pyplot figure stays open when a panel raises.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig


def check_format(out):
    """Refuse a file name matplotlib cannot write, before any training (``savefig`` would only
    refuse it at the end). No suffix is fine: matplotlib then writes a PNG. The command line
    checks its `--out` with it too (:func:`mixann.cli_checks.image_file`)."""
    from pathlib import Path

    from matplotlib.backend_bases import FigureCanvasBase

    suffix = Path(out).suffix
    formats = FigureCanvasBase.get_supported_filetypes()
    if suffix and suffix[1:].lower() not in formats:
        raise ValueError(f"matplotlib cannot write {suffix!r} files; use one of "
                         + ", ".join(f".{name}" for name in sorted(formats)))


def _save(fig, out):
    """``fig.savefig(out)``, written whole or kept in the temporary folder if ``out`` cannot
    be written (:func:`mixann._files.write_safely`). The format is named, not read from the
    temporary file's name; no suffix writes ``out`` + ``.png``, as matplotlib names it."""
    from pathlib import Path

    out = Path(out)
    fmt = out.suffix[1:].lower() or "png"
    if not out.suffix:
        out = out.with_name(out.name.rstrip(".") + ".png")
    write_safely(out, lambda path: fig.savefig(path, dpi=110, format=fmt))
    return out


def _regions(ax, model, X, resolution=200):
    span = X.max(axis=0) - X.min(axis=0)
    # A constant feature gives a grid of zero width, on which no region is drawn at all.
    pad = np.where(span > 0, 0.05 * span, 0.5)
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.c_[gx.ravel(), gy.ravel()]
    z = model.predict_proba(grid)[:, 1].reshape(gx.shape)
    ax.contourf(gx, gy, z, levels=[0, 0.5, 1], colors=["#e8eef7", "#f7dede"], alpha=0.9)
    ax.contour(gx, gy, z, levels=[0.5], colors="grey", linewidths=0.8)


def _scatter(ax, X, y, X_syn, y_syn):
    ax.scatter(*X[y == 0].T, s=6, c="#3b6db3", label="normal")
    ax.scatter(*X[y == 1].T, s=14, c="#c0392b", marker="^", label="anomaly")
    # Only the kinds a panel holds, so the shared legend lists no marker that no panel shows.
    if np.any(y_syn == 0):
        ax.scatter(*X_syn[y_syn == 0].T, s=18, facecolors="none", edgecolors="#1b3d73",
                   label="synthetic normal")
    if np.any(y_syn == 1):
        ax.scatter(*X_syn[y_syn == 1].T, s=24, c="black", marker="x", label="synthetic anomaly")


def _two_d(X, y, what):
    """``X`` as float (n, 2) and ``y`` as an array of its length, or a ``ValueError`` naming
    the problem; ``what`` names the figure."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"{what} draws 2-D data: X must have shape (n_samples, 2), got "
                         f"{X.shape}")
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} rows and y {len(y)}; give one label per row")
    if not np.isfinite(X).all():
        raise ValueError(f"X holds NaN or inf in {int((~np.isfinite(X)).any(axis=1).sum())} "
                         "row(s); drop or impute them first")
    return X, y


def case_study(out, X=None, y=None, methods=None, classifier="knn", random_state=0, n_episodes=30):
    """Fig. 5: one panel per method on 2-D data (default: the toy2 set), split 60/20/20.

    Each panel shows the decision regions of ``classifier`` trained on that method's augmented
    training split, the original training points, the synthetic points (marked by label) and the
    test macro-F1 in the title. MixAnN uses the 20% validation part for its reward; the
    baselines ignore it. The paper's text trains KNN (its caption says DecisionTree): KNN is
    the default here.

    Parameters
    ----------
    out : path-like
        The figure file (PNG, PDF, SVG: matplotlib picks the format by extension).
    X, y : array-like, default=None
        2-D features and binary labels with ``y == 1`` the anomaly (default: :func:`load_toy2`).
    methods : list of str, default=None
        Baseline names of :func:`mixann.baselines.make_sampler` and ``"mixann"``, one panel
        each (default: every baseline, then MixAnN).
    classifier : str, default="knn"
        The classifier by name (:func:`mixann.classifiers.make_classifier`).
    random_state : int, default=0
        Seed of the split, the classifier and the samplers.
    n_episodes : int, default=30
        MixAnN's training episodes.

    Returns
    -------
    scores : dict
        Test macro-F1 per method.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from mixann.datasets import make_diverse_minorities
    >>> from mixann.plots import case_study
    >>> X, y = make_diverse_minorities(n_samples=400, random_state=0)
    >>> out = Path(tempfile.mkdtemp()) / "fig5.png"
    >>> scores = case_study(out, X, y, methods=["none", "smote"])
    >>> sorted(scores), out.is_file()
    (['none', 'smote'], True)
    """
    from sklearn.base import clone
    from sklearn.metrics import f1_score
    from sklearn.model_selection import train_test_split

    from .baselines import BASELINE_NAMES, make_sampler
    from .classifiers import make_classifier
    from .sampler import MixAnN

    if X is None:
        from .datasets import load_toy2

        X, y = load_toy2()
    X, y = _two_d(X, y, "the case study")
    if not np.isin(y, (0, 1)).all():  # other labels would draw no point at all
        raise ValueError(f"the case study takes labels 0 (normal) and 1 (anomaly), got "
                         f"{np.unique(y)[:5].tolist()}; encode y as (y == anomaly_label)")
    if len(np.unique(y)) < 2:
        raise ValueError(f"y holds only the label {int(y[0]) if len(y) else None}; the case "
                         "study needs normal (0) and anomalous (1) rows")
    # Checked here, so that the message below ("too few anomalies") is only given for data.
    if isinstance(n_episodes, bool) or not isinstance(n_episodes, numbers.Integral) \
            or n_episodes < 1:
        raise ValueError(f"n_episodes must be an int >= 1, got {n_episodes!r}")
    methods = list([*BASELINE_NAMES, "mixann"] if methods is None else methods)
    if not methods:
        raise ValueError("methods is empty; give at least one method, or None for all")
    # Both refused before any panel trains (MixAnN's takes the longest), not after it.
    unknown = [m for m in methods if m not in (*BASELINE_NAMES, "mixann")]
    if unknown:
        raise ValueError(f"unknown method(s) {unknown}; choose from "
                         f"{', '.join([*BASELINE_NAMES, 'mixann'])}")
    check_format(out)
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.2, stratify=y,
                                                      random_state=random_state)
    X_tr, X_val, y_tr, y_val = train_test_split(X_rest, y_rest, test_size=0.25, stratify=y_rest,
                                                random_state=random_state)  # 60/20/20
    estimator = make_classifier(classifier, random_state=random_state)

    cols = min(3, len(methods))
    rows = int(np.ceil(len(methods) / cols))
    fig = _figure((4.2 * cols, 3.8 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    scores = {}
    for ax, method in zip(axes.ravel(), methods):
        if method == "mixann":
            sampler = MixAnN(estimator=estimator, validation_data=(X_val, y_val),
                             n_episodes=n_episodes, random_state=random_state)
        else:
            sampler = make_sampler(method, estimator=estimator, random_state=random_state, y=y_tr)
        try:
            X_res, y_res = sampler.fit_resample(X_tr, y_tr)
        except ValueError as exc:  # e.g. SMOTE's 5 neighbours among 3 training anomalies
            raise ValueError(f"{method} cannot augment the case study's training split (60%: "
                             f"{int(np.sum(y_tr == 1))} anomalies in {len(y_tr)} rows): {exc}; "
                             "give 2-D data with more anomalies") from None
        X_res, y_res = np.asarray(X_res, dtype=float), np.asarray(y_res)
        model = clone(estimator).fit(X_res, y_res)
        scores[method] = f1_score(y_test, model.predict(X_test), average="macro")
        _regions(ax, model, X)
        _scatter(ax, X_tr, y_tr, X_res[len(X_tr):], y_res[len(X_tr):])
        ax.set_title(f"{method}: test macro-F1 {scores[method]:.3f}", fontsize=10)
        ax.set_xticks([]), ax.set_yticks([])
    for ax in axes.ravel()[len(methods):]:
        ax.axis("off")
    # One legend for every panel's markers: the first panel (none) has no synthetic points.
    legend = {}
    for ax in axes.ravel():
        for handle, label in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(label, handle)
    axes[0, 0].legend(list(legend.values()), list(legend), loc="lower left", fontsize=7)
    fig.suptitle(f"Case study: decision regions of {classifier} after each augmentation")
    fig.tight_layout()
    _save(fig, out)
    return scores


def policy_map(sampler, X, y, out, estimator=None):
    """The synthetic samples a fitted :class:`~mixann.MixAnN` generated, coloured by alpha and
    marked by label (diamonds: anomalies, circles: normals), over the decision regions of
    ``estimator`` (default: the sampler's) trained on X plus them.

    Parameters
    ----------
    sampler : MixAnN
        Fitted on ``(X, y)`` (:meth:`~mixann.MixAnN.fit` or ``fit_resample``).
    X, y : array-like
        The 2-D data the sampler was fitted on.
    out : path-like
        The figure file.
    estimator : classifier, default=None
        The classifier whose regions are drawn (default: the sampler's ``estimator``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from mixann import MixAnN
    >>> from mixann.datasets import make_diverse_minorities
    >>> from mixann.plots import policy_map
    >>> X, y = make_diverse_minorities(n_samples=400, random_state=0)
    >>> sampler = MixAnN(n_episodes=2, max_steps_per_episode=5, random_state=0).fit(X, y)
    >>> out = Path(tempfile.mkdtemp()) / "policy.png"
    >>> policy_map(sampler, X, y, out)
    >>> out.is_file()
    True
    """
    from sklearn.base import clone
    from sklearn.utils.validation import check_is_fitted

    from .multiclass import plain_label
    from .defaults import default_estimator
    from .input_checks import labels_of
    from .seeding import drawn_seed, seed_unset_random_states

    check_is_fitted(sampler, "synthetic_X_")
    if hasattr(sampler, "samplers_"):
        raise ValueError(f"the policy map draws one minority against the rest; this MixAnN was "
                         f"fitted on {len(sampler.classes_)} classes: draw one class's sampler, "
                         "e.g. policy_map(sampler.samplers_[label], X, y == label, out)")
    if sampler.n_features_in_ != 2:
        raise ValueError(f"the policy map draws 2-D data, and this MixAnN was fitted on "
                         f"{sampler.n_features_in_} features; fit it on the 2-D data to draw")
    X, y = _two_d(X, labels_of(y)[0], "the policy map")  # a one-hot y as fit decoded it
    # The map is drawn against the data the sampler learned on: labels without its minority
    # would draw every point as normal, a silently wrong figure.
    if not np.any(y == sampler.minority_label_):
        raise ValueError(f"y holds no row of the sampler's minority class "
                         f"{plain_label(sampler.minority_label_)!r}; pass the (X, y) the "
                         "sampler was fitted on")
    y01 = (y == sampler.minority_label_).astype(int)
    # "is None", not "or": an unfitted forest's truth test reads estimators_ and fails.
    base = estimator if estimator is not None else sampler.estimator
    if base is None:
        base = default_estimator()
    syn_y = (sampler.synthetic_y_ == sampler.minority_label_).astype(int)
    # Seeded as MixAnNClassifier seeds its classifier: an unseeded forest would draw other
    # regions on every call for the same fitted sampler.
    model = seed_unset_random_states(clone(base), drawn_seed(sampler.random_state)).fit(
        np.vstack([X, sampler.synthetic_X_]), np.concatenate([y01, syn_y]))
    fig = _figure((6, 5))
    ax = fig.subplots()
    _regions(ax, model, X)
    ax.scatter(*X[y01 == 0].T, s=6, c="#3b6db3", label="normal")
    ax.scatter(*X[y01 == 1].T, s=14, c="#c0392b", marker="^", label="anomaly")
    # Marked by label, as the case study marks them: the paper preset's Eq. 2 also makes
    # synthetic normals, which one marker for all would draw as if they were anomalies.
    points = None
    for label, marker, name in ((1, "D", "synthetic anomaly"), (0, "o", "synthetic normal")):
        mask = syn_y == label
        if mask.any():
            points = ax.scatter(*sampler.synthetic_X_[mask].T, c=sampler.synthetic_alpha_[mask],
                                cmap="viridis", vmin=0, vmax=1, s=28, marker=marker,
                                edgecolors="k", linewidths=0.3, label=name)
    if points is not None:
        fig.colorbar(points, ax=ax, label="alpha (weight of the first source)")
    ax.legend(loc="lower left", fontsize=7)
    h = sampler.history_
    if not len(sampler.synthetic_X_):
        chosen = "no augmentation returned"
    elif h["preset"] == "paper":
        chosen = f"episode {h['returned_episode']}"
    else:
        chosen = f"{h['mix_kind']} mixing, volume {h['volume']:g}"
    ax.set_title(f"MixAnN policy: {len(sampler.synthetic_X_)} synthetic samples ({chosen})",
                 fontsize=10)
    fig.tight_layout()
    _save(fig, out)
