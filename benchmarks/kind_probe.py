"""Score candidate kinds on the validation split only, before a screen reads a test split.

A screen (``choice_ceiling.py --extra-kind``) runs the default preset's whole choice and reads
the test split of every cell: minutes to an hour per classifier, and one more look at the test
splits each time. This probe is the cheap step before it. For each dataset and seed it takes
the bench's split (:func:`mixann.bench.protocol.split`), draws each kind once at the largest
volume from the cell's seed, and fits the classifier on the train part plus each prefix of
that draw (a prefix is what the preset returns for a smaller volume) and scores macro-F1 on
the validation split. The volumes are the default preset's: shares of the class gap, plus
multiples of the minority count under extreme imbalance (smtp). The test split is never read.

It prints, per dataset and kind, the mean validation F1 over seeds at the volume that is best
on average (one fixed volume per dataset and kind, so that a noisy per-seed maximum does not
flatter a kind), and the mean over datasets. A kind that does not beat ``spread`` here by more
than the seeds' noise is not worth a screen (docs/quality.md, session 29, row 66).

Kinds: the library's actor-free kinds (:data:`mixann.rollout.ACTOR_FREE_KINDS`) and
``benchmarks/extra_kinds.py``'s::

    python benchmarks/kind_probe.py --classifier knn --seeds 5 \\
        --datasets annthyroid,mammography,vowels,cifar10 --data-dir ../shared/datasets/adbench \\
        --kinds spread,spread-off-majority,spread-teacher,spread-radius,mean-of-three,cross-teacher

``--weights 1,0.5,0.25`` also fits each kind's rows at sample weights below 1, ``1 / w`` times as
many rows at weight ``w`` (XGBoost and the MLP; row 70): columns ``spread@w0.5`` and so on.
``--extra-volumes 1.25,1.5,2,3`` adds volumes to the default grid, e.g. beyond balance (row 72),
and ``--by-volume`` also prints each kind's mean at every volume, per dataset.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
from pathlib import Path

import numpy as np


def default_volumes(y):
    """The default preset's candidate volumes for labels ``y``, without 0 (no augmentation is
    scored once, as ``none``): its grid of shares of the class gap, plus the minority-count
    volumes below the grid's smallest share (:func:`mixann.selection.minority_volumes`).

    Examples
    --------
    >>> default_volumes(np.array([0] * 1010 + [1] * 10))   # gap 1000: 10 rows are 0.01 of it
    [0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0]
    """
    from mixann.sampler import DEFAULT_MINORITY_MULTIPLES, DEFAULT_VOLUMES
    from mixann.selection import minority_volumes

    grid = [float(v) for v in DEFAULT_VOLUMES if v > 0]
    return sorted(set(grid) | set(minority_volumes(DEFAULT_MINORITY_MULTIPLES, y,
                                                   below=min(grid))))


def load_kinds(classifier="knn"):
    """Every kind a probe can score, by name: the library's actor-free kinds, then
    ``benchmarks/extra_kinds.py``'s (the library's name wins where both have one). The kinds
    that score rows with the classifier get ``classifier``'s (``extra_kinds.generator``).
    """
    from mixann.classifiers import make_classifier
    from mixann.rollout import ACTOR_FREE_KINDS

    path = Path(__file__).resolve().with_name("extra_kinds.py")
    spec = importlib.util.spec_from_file_location("extra_kinds", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    extra = {name: module.generator(name, make_classifier(classifier))
             for name in module.EXTRA_KINDS}
    return {**extra, **ACTOR_FREE_KINDS}


def probe_cell(split, seed, kinds, classifier="knn", volumes=None, weights=(1.0,)):
    """Validation macro-F1 of ``classifier`` on the train part plus each kind's samples.

    Parameters
    ----------
    split : mixann.bench.protocol.Split
        One seed's split; only its train and validation parts are read.
    seed : int
        Seeds each kind's draw (``numpy.random.default_rng(seed)``, one stream per kind).
    kinds : dict
        ``{name: generate}``, each ``generate(X, y, n_minority, rng) -> Rollout``.
    classifier : str, default="knn"
        A name for :func:`mixann.classifiers.make_classifier`.
    volumes : sequence of float, optional
        Shares of the class gap (majority minus minority rows of the train part); by default
        :func:`default_volumes` of the train part's labels.
    weights : sequence of float, default=(1.0,)
        Sample weights of the synthetic rows (the real rows weigh 1). At weight ``w`` a volume
        is ``1 / w`` times as many rows, each fitted at ``w`` (``sample_weight``), so that every
        weight adds the same synthetic mass: more, lighter rows of the same kind (session 31,
        row 70). Weights other than 1 need a classifier whose ``fit`` takes ``sample_weight``
        (XGBoost, the MLP; not KNN).

    Returns
    -------
    dict
        ``{"volumes": volumes, "none": f1, name: [f1 per volume], ...}``; a weight ``w`` other
        than 1 adds ``f"{name}@w{w:g}"`` (for example ``"spread@w0.5"``).

    Examples
    --------
    >>> from mixann.bench import protocol
    >>> from mixann.datasets import make_diverse_minorities
    >>> from mixann.rollout import copies
    >>> X, y = make_diverse_minorities(n_samples=600, random_state=0)
    >>> out = probe_cell(protocol.split(X, y, 0), 0, {"copy": copies}, volumes=(0.1, 0.5))
    >>> sorted(out), len(out["copy"])
    (['copy', 'none', 'volumes'], 2)
    """
    from sklearn.metrics import f1_score

    from mixann.classifiers import make_classifier

    X, y = split.X_train, split.y_train
    gap = int(np.sum(y == 0) - np.sum(y == 1))
    volumes = default_volumes(y) if volumes is None else [float(v) for v in volumes]
    weights = [float(w) for w in weights]
    if any(w <= 0 for w in weights):
        raise ValueError(f"weights must be positive, got {weights}")
    if any(w != 1 for w in weights) and "sample_weight" not in inspect.signature(
            make_classifier(classifier).fit).parameters:
        raise ValueError(f"{classifier} takes no sample_weight: probe it with weights=(1.0,)")

    def val_f1(X_fit, y_fit, sample_weight=None):
        fit_params = {} if sample_weight is None else {"sample_weight": sample_weight}
        model = make_classifier(classifier, random_state=seed).fit(X_fit, y_fit, **fit_params)
        return float(f1_score(split.y_val, model.predict(split.X_val), average="macro"))

    out = {"volumes": volumes, "none": val_f1(X, y)}
    counts = [max(1, int(round(v * gap))) for v in volumes]
    for name, generate in kinds.items():
        # one draw per kind; every weight's rows are prefixes of it (common random numbers)
        drawn = generate(X, y, int(round(max(counts) / min(weights))),
                         np.random.default_rng(seed))
        for w in weights:
            parts = [drawn.head(int(round(n / w))) for n in counts]
            out[name if w == 1 else f"{name}@w{w:g}"] = [  # weight 1: the plain fit
                val_f1(np.vstack([X, p.X]), np.r_[y, p.y],
                       None if w == 1 else np.r_[np.ones(len(y)), np.full(len(p), w)])
                for p in parts]
    return out


def summarise(cells):
    """Text table of probe results: per dataset and kind, the mean over seeds at the volume
    best on average (and that volume), then the mean over datasets.

    ``cells`` are ``(dataset, probe_cell(...))`` pairs; the cells of a dataset share their
    volumes (the splits are stratified, so every seed has the same class counts).

    Examples
    --------
    >>> v = [0.1, 0.5]
    >>> cells = [("d", {"volumes": v, "none": 0.5, "a": [0.6, 0.7]}),
    ...          ("d", {"volumes": v, "none": 0.7, "a": [0.8, 0.7]})]
    >>> print(summarise(cells))
    kind d               mean
    none 0.600           0.600
    a    0.700 @ 0.1     0.700
    """
    datasets = list(dict.fromkeys(d for d, _ in cells))
    kinds = list(dict.fromkeys(k for _, cell in cells for k in cell if k != "volumes"))
    width = max(len(k) for k in ["kind", *kinds])
    lines = [f"{'kind':{width}} " + " ".join(f"{d[:15]:15}" for d in datasets) + " mean"]
    for kind in kinds:
        means, text = [], []
        for dataset in datasets:
            mine = [cell for d, cell in cells if d == dataset]
            volumes = mine[0]["volumes"]
            if any(cell["volumes"] != volumes for cell in mine):
                raise ValueError(f"the cells of {dataset} have different volumes")
            scores = np.array([cell[kind] for cell in mine], dtype=float)
            if kind == "none":
                means.append(scores.mean())
                text.append(f"{means[-1]:<15.3f}")
            else:
                by_volume = scores.mean(axis=0)
                best = int(np.argmax(by_volume))
                means.append(by_volume[best])
                text.append(f"{means[-1]:.3f} @ {volumes[best]:<7.2g}")
        lines.append(f"{kind:{width}} " + " ".join(text) + f" {np.mean(means):.3f}")
    return "\n".join(lines)


def by_volume(cells):
    """Text lines of each dataset's and kind's mean validation F1 over seeds at every volume,
    ``volume:score`` pairs: the shape of the curve that :func:`summarise` reads one point of.

    Examples
    --------
    >>> v = [0.5, 2.0]
    >>> cells = [("d", {"volumes": v, "none": 0.5, "a": [0.6, 0.7]}),
    ...          ("d", {"volumes": v, "none": 0.7, "a": [0.8, 0.6]})]
    >>> print(by_volume(cells))
    d a 0.5:0.700 2:0.650
    """
    lines = []
    for dataset in dict.fromkeys(d for d, _ in cells):
        mine = [cell for d, cell in cells if d == dataset]
        volumes = mine[0]["volumes"]
        for kind in (k for k in mine[0] if k not in ("volumes", "none")):
            means = np.mean([cell[kind] for cell in mine], axis=0)
            lines.append(f"{dataset} {kind} " + " ".join(
                f"{v:g}:{m:.3f}" for v, m in zip(volumes, means)))
    return "\n".join(lines)


def main(argv=None):
    from mixann.bench import protocol
    from mixann.datasets import load_dataset

    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--classifier", default="knn")
    parser.add_argument("--datasets", default="annthyroid,mammography,vowels,cifar10")
    parser.add_argument("--seeds", type=int, default=5,
                        help="how many seeds, from --first-seed on")
    parser.add_argument("--first-seed", type=int, default=0, help="start the seeds here")
    parser.add_argument("--kinds", default="spread,spread-off-majority")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--weights", default="1",
                        help="synthetic rows' sample weights, e.g. 1,0.5,0.25 (XGBoost, MLP)")
    parser.add_argument("--extra-volumes", default="",
                        help="volumes added to the default grid, e.g. 1.25,1.5,2,3 (row 72)")
    parser.add_argument("--by-volume", action="store_true",
                        help="also print each kind's mean at every volume")
    args = parser.parse_args(argv)
    try:
        extra = [float(v) for v in args.extra_volumes.split(",") if v.strip()]
    except ValueError:
        parser.error(f"--extra-volumes takes numbers, e.g. 1.5,2; got {args.extra_volumes!r}")
    if any(v <= 0 for v in extra):
        parser.error(f"--extra-volumes must be positive shares of the class gap, got {extra}")
    # Bad --classifier or --weights stop here, before any dataset is read (they raised a
    # traceback inside the first cell).
    from mixann.classifiers import make_classifier

    try:
        weights = [float(w) for w in args.weights.split(",")]
        model = make_classifier(args.classifier)
    except ValueError as error:
        parser.error(f"{error} (--classifier {args.classifier!r}, --weights {args.weights!r})")
    if any(w <= 0 for w in weights):
        parser.error(f"--weights must be positive, got {weights}")
    if any(w != 1 for w in weights) and "sample_weight" not in inspect.signature(
            model.fit).parameters:
        parser.error(f"{args.classifier} takes no sample_weight: leave --weights at 1")
    known = load_kinds(args.classifier)
    names = [k for k in args.kinds.split(",") if k]
    unknown = [k for k in names if k not in known]
    if unknown:
        parser.error(f"unknown kind(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    cells = []
    for dataset in args.datasets.split(","):
        X, y = load_dataset(dataset, data_dir=args.data_dir)
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            split = protocol.split(X, y, seed)
            volumes = sorted(set(default_volumes(split.y_train)) | set(extra))
            cell = probe_cell(split, seed, {k: known[k] for k in names}, args.classifier,
                              volumes=volumes, weights=weights)
            cells.append((dataset, cell))
            print(dataset, seed, {k: round(float(np.max(v)), 3) for k, v in cell.items()
                                  if k != "volumes"},
                  flush=True)
    if args.by_volume:
        print(by_volume(cells))
    print(summarise(cells))


if __name__ == "__main__":
    main()
