"""benchmarks/heldout_data.py: the held-out check's datasets are fixed bytes the bench can load."""

from __future__ import annotations

import numpy as np

from mixann.datasets import load_dataset

from conftest import load_benchmark


def _module():
    return load_benchmark("heldout_data")


def test_heldout_sets_have_the_documented_shapes_and_are_reproducible(tmp_path):
    module = _module()
    first, second = module.make_heldout(), module.make_heldout()
    # README: digits 0-6 (all 1264) against 12 images each of 7, 8, 9; 357 benign against 30
    # malignant; 40 anomalies in 40,000 synthetic rows of 10 features.
    expected = {"digits_div": (1300, 64, 36), "breast_few": (387, 30, 30),
                "diverse_rare": (40_000, 10, 40)}
    for name, (X, y) in first.items():
        assert (X.shape[0], X.shape[1], int(y.sum())) == expected[name]
        np.testing.assert_array_equal(X, second[name][0])
        np.testing.assert_array_equal(y, second[name][1])
    for name, (X, y) in first.items():
        np.savez(tmp_path / f"{name}.npz", X=X, y=y)
        X_loaded, y_loaded = load_dataset(name, data_dir=tmp_path)  # what `mixann bench --data-dir` reads
        np.testing.assert_array_equal(X_loaded, X)
        np.testing.assert_array_equal(y_loaded, y)
