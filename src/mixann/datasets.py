"""Datasets: a synthetic "diverse minorities" generator (ADBench loaders come with the benchmark)."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state


def make_diverse_minorities(n_samples=2000, n_features=2, anomaly_ratio=0.05, n_clusters=4,
                            isolated_share=0.3, random_state=None):
    """Imbalanced data whose minorities are scattered: small far-apart clusters plus isolated points.

    The majority is a Gaussian blob around the origin. The minority (label 1) is split into
    ``n_clusters`` tight clusters placed on a ring around the majority, plus a share of
    isolated points scattered between and beyond them: the "diverse minorities" of fraud,
    intrusions and faults, where SMOTE's minority-to-minority interpolation crosses the majority.

    Parameters
    ----------
    n_samples : int, default=2000
        Total number of samples.
    n_features : int, default=2
        Number of features (>= 2).
    anomaly_ratio : float in (0, 0.5), default=0.05
        Share of minority samples.
    n_clusters : int, default=4
        Number of minority clusters.
    isolated_share : float in [0, 1], default=0.3
        Share of the minority that is isolated points rather than clustered.
    random_state : int, RandomState instance or None
        Seed.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        0 = majority, 1 = minority.

    Examples
    --------
    >>> from mixann.datasets import make_diverse_minorities
    >>> X, y = make_diverse_minorities(n_samples=1000, random_state=0)
    >>> X.shape, int(y.sum())
    ((1000, 2), 50)
    """
    if n_features < 2:
        raise ValueError(f"n_features must be >= 2, got {n_features}")
    if not 0 < anomaly_ratio < 0.5:
        raise ValueError(f"anomaly_ratio must be in (0, 0.5), got {anomaly_ratio}")
    if n_clusters < 1:
        raise ValueError(f"n_clusters must be >= 1, got {n_clusters}")
    rng = check_random_state(random_state)
    n_minority = max(2, int(round(anomaly_ratio * n_samples)))
    n_majority = n_samples - n_minority
    n_isolated = int(round(isolated_share * n_minority))
    n_clustered = n_minority - n_isolated

    majority = rng.normal(0.0, 1.0, size=(n_majority, n_features))
    # Cluster centres on a ring of radius 3 in the first two features, spread in the rest.
    angles = 2 * np.pi * (np.arange(n_clusters) + rng.uniform(0, 1)) / n_clusters
    centres = np.zeros((n_clusters, n_features))
    centres[:, 0], centres[:, 1] = 3.0 * np.cos(angles), 3.0 * np.sin(angles)
    centres[:, 2:] = rng.normal(0.0, 1.0, size=(n_clusters, n_features - 2))
    which = rng.randint(0, n_clusters, size=n_clustered) if n_clustered else np.empty(0, int)
    clustered = centres[which] + rng.normal(0.0, 0.3, size=(n_clustered, n_features))
    # Isolated anomalies: random directions at radius 2..5, some inside the majority's tail.
    directions = rng.normal(size=(n_isolated, n_features))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True) + 1e-12
    isolated = directions * rng.uniform(2.0, 5.0, size=(n_isolated, 1))

    X = np.vstack([majority, clustered, isolated])
    y = np.concatenate([np.zeros(n_majority, int), np.ones(n_minority, int)])
    order = rng.permutation(n_samples)
    return X[order], y[order]


# ---------------------------------------------------------------------- ADBench files
import os  # noqa: E402
from pathlib import Path  # noqa: E402

# The paper's datasets by short name -> ADBench file stem.
ADBENCH_FILES = {
    "vowels": "40_vowels",
    "annthyroid": "2_annthyroid",
    "mammography": "23_mammography",
    "satellite": "30_satellite",
    "smtp": "34_smtp",
    "cifar10": "CIFAR10_0",
}


def data_dir(data_dir=None):
    """Where ADBench ``.npz`` files are read from: ``data_dir``, else ``$MIXANN_DATA``, else
    ``~/.cache/mixann``."""
    if data_dir is not None:
        return Path(data_dir)
    if os.environ.get("MIXANN_DATA"):
        return Path(os.environ["MIXANN_DATA"])
    return Path.home() / ".cache" / "mixann"


def load_dataset(name, data_dir=None):
    """Load a dataset as ``(X, y)`` with ``y == 1`` the anomaly (minority).

    Parameters
    ----------
    name : str
        A short name (``vowels``, ``annthyroid``, ``mammography``, ``satellite``, ``smtp``,
        ``cifar10``) or an ADBench file stem such as ``40_vowels``.
    data_dir : path-like, default=None
        Folder holding the ``.npz`` files (default: ``$MIXANN_DATA`` or ``~/.cache/mixann``).
    """
    stem = ADBENCH_FILES.get(name, name)
    folder = globals()["data_dir"](data_dir)
    path = folder / f"{stem}.npz"
    if not path.is_file():
        raise FileNotFoundError(f"dataset {name!r} needs {path.name}, not found in {folder}; put the "
                                "ADBench file there, pass data_dir=..., or set MIXANN_DATA")
    with np.load(path, allow_pickle=False) as arrays:
        X, y = np.asarray(arrays["X"], dtype=float), np.asarray(arrays["y"]).astype(int)
    return X, y
