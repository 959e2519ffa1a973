"""Write three held-out datasets (not among the shared ADBench files) for an unbiased check.

Every lever of issue 6 was compared on the six shared datasets, so their test scores are no
longer an unbiased measure of the defaults. These sets were never looked at while choosing;
the first two are built from scikit-learn's bundled data (no download), with diverse or scarce
minorities:

* ``digits_div``: 8x8 digit images; majority = digits 0-6 (all of them), minority = 12 images
  each of digits 7, 8 and 9 (three scattered clusters, 36 anomalies in 1300 rows).
* ``breast_few``: Wisconsin breast cancer; majority = all 357 benign, minority = 30 of the
  212 malignant (387 rows).
* ``diverse_rare`` (added in session 8, for the extreme imbalance of smtp): 40 anomalies in
  40,000 rows of :func:`mixann.datasets.make_diverse_minorities` (10 features, four minority
  clusters and isolated points; ``random_state=123``). Synthetic: no bundled real dataset is
  large enough for a minority of 0.1% that the protocol's splits can still hold.

The minority draws use ``numpy.random.default_rng(123)``, so the files are the same bytes on
every run. Then run the benchmark on them like any ADBench file::

    python benchmarks/heldout_data.py --out heldout
    mixann bench --datasets digits_div,breast_few --data-dir heldout --classifiers knn,xgboost \
        --methods all --seeds 5 --budget quick --jobs 2 --db heldout.sqlite
    mixann report --db heldout.sqlite --out heldout-report
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits

from mixann.datasets import make_diverse_minorities


def make_heldout(seed=123):
    """Return ``{"digits_div": (X, y), "breast_few": (X, y), "diverse_rare": (X, y)}``, y = 1
    for the minority."""
    rng = np.random.default_rng(seed)
    X, y = load_digits(return_X_y=True)
    majority = np.flatnonzero(y <= 6)
    minority = [rng.choice(np.flatnonzero(y == digit), 12, replace=False) for digit in (7, 8, 9)]
    rows = np.concatenate([majority, *minority])
    digits = (X[rows].astype(float), (y[rows] >= 7).astype(int))

    X, y = load_breast_cancer(return_X_y=True)  # target 0 = malignant, 1 = benign
    malignant = rng.choice(np.flatnonzero(y == 0), 30, replace=False)
    rows = np.concatenate([np.flatnonzero(y == 1), malignant])
    breast = (X[rows], np.r_[np.zeros((y == 1).sum()), np.ones(30)].astype(int))
    rare = make_diverse_minorities(n_samples=40_000, n_features=10, anomaly_ratio=0.001,
                                   random_state=seed)
    return {"digits_div": digits, "breast_few": breast, "diverse_rare": rare}


def main():
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--out", default="heldout", help="folder for the .npz files")
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    for name, (X, y) in make_heldout().items():
        np.savez(out / f"{name}.npz", X=X, y=y)
        print(f"wrote {out / name}.npz: {len(y)} rows, {X.shape[1]} features, "
              f"{int(y.sum())} minority")


if __name__ == "__main__":
    main()
