"""Per-anomaly counts for ``spread``, learned on the train part and scored on validation only.

AutoSMOTE, the strongest baseline, learns how many samples each minority row gets. MixAnN's
``spread`` kind draws its pairs uniformly. This probe tests that idea in its plainest form
(docs/quality.md, row 68). Each anomaly gets a weight. ``spread``'s pairs are drawn with
probabilities in proportion to the weights. The weights are learned by the cross-entropy
method on pooled out-of-fold macro-F1 over 5 stratified folds of the train part, the signal
MixAnN's own choice uses.

The learned weights are then scored on the bench's validation split, against uniform weights
(``spread``'s pairs, drawn the same way as the learned ones), at one volume per dataset. That volume is ``spread``'s best on validation
in session 29's probe (:data:`PROBE_VOLUMES`). The test split is never read::

    python benchmarks/learned_counts.py --classifier knn --seeds 5 \\
        --datasets vowels,annthyroid,mammography,satellite,cifar10 \\
        --data-dir ../shared/datasets/adbench
"""

from __future__ import annotations

import argparse

import numpy as np

#: ``spread``'s volume (a share of the class gap) best on average on the validation splits of
#: seeds 0-4, KNN (docs/quality.md, session 29's probe table).
PROBE_VOLUMES = {"vowels": 0.5, "annthyroid": 0.35, "mammography": 0.05, "satellite": 0.2,
                 "smtp": 0.0006, "cifar10": 0.1}


def weighted_midpoints(X, anchors, weights, uniforms):
    """Midpoints of pairs of ``anchors`` rows, each end drawn with probability ``weights / sum``.

    The draw is by inverse CDF from fixed ``uniforms`` (shape ``(n, 2)``): two weight vectors
    that differ a little give samples that differ a little, so the search compares weights on
    common random numbers, not on two unrelated draws. The second end is drawn among the other
    anchors (their weights renormalised), as ``spread``'s pairs are two distinct rows.

    Examples
    --------
    >>> X = np.array([[0.0], [2.0], [4.0], [8.0]])
    >>> u = np.array([[0.1, 0.9], [0.6, 0.3], [0.2, 0.2]])
    >>> weighted_midpoints(X, np.array([1, 2, 3]), np.ones(3), u).ravel().tolist()
    [5.0, 3.0, 3.0]
    >>> weighted_midpoints(X, np.array([1, 2, 3]), np.array([1.0, 1.0, 6.0]), u).ravel().tolist()
    [5.0, 5.0, 6.0]
    """
    weights = np.asarray(weights, dtype=float)
    if len(anchors) < 2 or np.any(weights <= 0):
        raise ValueError("weighted_midpoints needs at least 2 anchors and positive weights; "
                         f"got {len(anchors)} anchors, smallest weight {weights.min()}")
    first = _inverse_cdf(weights, uniforms[:, 0])
    second = np.empty_like(first)
    for i in np.unique(first):
        rows = first == i
        others = weights.copy()
        others[i] = 0.0
        second[rows] = _inverse_cdf(others, uniforms[rows, 1])
    return (X[anchors[first]] + X[anchors[second]]) / 2


def _inverse_cdf(weights, uniforms):
    cdf = np.cumsum(weights) / np.sum(weights)
    return np.minimum(np.searchsorted(cdf, uniforms, side="right"), len(weights) - 1)


def _fit_predict(classifier, X, y, samples, X_eval):
    from mixann.classifiers import make_classifier

    model = make_classifier(classifier).fit(np.vstack([X, samples]),
                                            np.r_[y, np.ones(len(samples), dtype=int)])
    return model.predict(X_eval)


def _count(share, y):
    from mixann.selection import volume_target

    return max(1, volume_target(share, y))


def oof_f1(X, y, folds, weights, share, uniforms, classifier="knn"):
    """Pooled out-of-fold macro-F1 with ``weights`` (one per anomaly of ``y``, in row order):
    in each fold the training part gets ``share`` of its own class gap in weighted midpoints of
    its own anomalies.

    Examples
    --------
    >>> from sklearn.model_selection import StratifiedKFold
    >>> from mixann.datasets import make_diverse_minorities
    >>> X, y = make_diverse_minorities(n_samples=400, random_state=0)
    >>> folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    >>> u = np.random.default_rng(0).random((400, 2))
    >>> 0 <= oof_f1(X, y, folds, np.ones(int(y.sum())), 0.2, u) <= 1
    True
    """
    from sklearn.metrics import f1_score

    anomalies = np.flatnonzero(y == 1)
    pred = np.empty_like(y)
    for train, held in folds:
        anchors = train[y[train] == 1]
        mine = weights[np.searchsorted(anomalies, anchors)]
        n = _count(share, y[train])
        samples = weighted_midpoints(X, anchors, mine, uniforms[:n])
        pred[held] = _fit_predict(classifier, X[train], y[train], samples, X[held])
    return float(f1_score(y, pred, average="macro"))


def learn_weights(X, y, share, rng, classifier="knn", population=16, elite=4, iterations=8):
    """Per-anomaly weights by the cross-entropy method on :func:`oof_f1`.

    Log-weights start at 0 (uniform, i.e. ``spread``) with unit spread; each iteration draws
    ``population`` candidates, keeps the ``elite`` best by out-of-fold macro-F1 and refits the
    mean and spread (plus 0.1, so the search does not freeze). The folds and the uniforms are
    drawn once from ``rng``, so every candidate is scored on the same samples.

    Returns
    -------
    dict
        ``mean`` (the final mean's weights), ``best`` (the best candidate's), ``start`` (the
        out-of-fold F1 of uniform weights) and ``best_score``.

    Examples
    --------
    >>> from mixann.datasets import make_diverse_minorities
    >>> X, y = make_diverse_minorities(n_samples=400, random_state=0)
    >>> out = learn_weights(X, y, 0.2, np.random.default_rng(0), population=4, elite=2,
    ...                     iterations=2)
    >>> out["mean"].shape == (int(y.sum()),), out["best_score"] >= out["start"]
    (True, True)
    """
    from sklearn.model_selection import StratifiedKFold

    folds = list(StratifiedKFold(5, shuffle=True, random_state=int(rng.integers(2**31 - 1)))
                 .split(X, y))
    uniforms = rng.random((_count(share, y), 2))
    n_anomalies = int(np.sum(y == 1))
    mean, spread = np.zeros(n_anomalies), np.ones(n_anomalies)
    start = oof_f1(X, y, folds, np.ones(n_anomalies), share, uniforms, classifier)
    best, best_score = np.ones(n_anomalies), start
    for _ in range(iterations):
        thetas = mean + spread * rng.standard_normal((population, n_anomalies))
        scores = np.array([oof_f1(X, y, folds, np.exp(t), share, uniforms, classifier)
                           for t in thetas])
        top = thetas[np.argsort(-scores, kind="stable")[:elite]]
        mean, spread = top.mean(axis=0), top.std(axis=0) + 0.1
        if scores.max() > best_score:
            best, best_score = np.exp(thetas[np.argmax(scores)]), float(scores.max())
    return {"mean": np.exp(mean), "best": best, "start": start, "best_score": best_score}


def probe_cell(split, seed, share, classifier="knn", **search):
    """Validation macro-F1 of uniform and learned weights at volume ``share`` for one split.

    Only the split's train and validation parts are read. The weights are learned on the train
    part (:func:`learn_weights`, ``numpy.random.default_rng(seed)``); the three weightings are
    then drawn on one set of uniforms (``default_rng(seed + 100)``) and scored on validation.

    Returns
    -------
    dict
        ``uniform``, ``learned-mean``, ``learned-best`` (validation F1), and ``oof-start``,
        ``oof-best`` (the search's out-of-fold F1 before and after).
    """
    from sklearn.metrics import f1_score

    X, y = split.X_train, split.y_train
    learned = learn_weights(X, y, share, np.random.default_rng(seed), classifier, **search)
    anchors = np.flatnonzero(y == 1)
    n = _count(share, y)
    uniforms = np.random.default_rng(seed + 100).random((n, 2))
    out = {"oof-start": learned["start"], "oof-best": learned["best_score"]}
    for name, weights in (("uniform", np.ones(len(anchors))), ("learned-mean", learned["mean"]),
                          ("learned-best", learned["best"])):
        samples = weighted_midpoints(X, anchors, weights, uniforms)
        pred = _fit_predict(classifier, X, y, samples, split.X_val)
        out[name] = float(f1_score(split.y_val, pred, average="macro"))
    return out


def main(argv=None):
    from mixann.bench import protocol
    from mixann.datasets import load_dataset

    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--classifier", default="knn",
                        help="the probe volumes are KNN's best per dataset (PROBE_VOLUMES), "
                             "so other classifiers are probed at KNN's volumes")
    parser.add_argument("--datasets", default="vowels,annthyroid,mammography,satellite,cifar10")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0 .. n-1")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)
    datasets = [d for d in args.datasets.split(",") if d]
    unknown = [d for d in datasets if d not in PROBE_VOLUMES]
    if unknown:
        parser.error(f"no probe volume for {', '.join(unknown)}; choose from "
                     f"{', '.join(PROBE_VOLUMES)}")
    keys = ("uniform", "learned-mean", "learned-best", "oof-start", "oof-best")
    means = []
    for dataset in datasets:
        X, y = load_dataset(dataset, data_dir=args.data_dir)
        cells = [probe_cell(protocol.split(X, y, seed), seed, PROBE_VOLUMES[dataset],
                            args.classifier) for seed in range(args.seeds)]
        for seed, cell in enumerate(cells):
            print(dataset, seed, {k: round(cell[k], 3) for k in keys}, flush=True)
        means.append([np.mean([cell[k] for cell in cells]) for k in keys])
        print(dataset, "mean", {k: round(float(v), 3) for k, v in zip(keys, means[-1])},
              flush=True)
    print("mean over datasets", {k: round(float(v), 3)
                                 for k, v in zip(keys, np.mean(means, axis=0))})


if __name__ == "__main__":
    main()
