"""Datasets: a synthetic "diverse minorities" generator, ADBench ``.npz`` files and the toy2 case study.

ADBench files are read from a local folder (``data_dir`` argument, else ``$MIXANN_DATA``, else
``~/.cache/mixann``); :func:`fetch_dataset` (or ``mixann data fetch NAME``) downloads missing ones
from ADBench's public GitHub repository.
"""

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
        Total number of samples, at least 5: the minority has at least 2 rows (one to train
        on, one to validate) and must stay smaller than the majority.
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
    if not 0 <= isolated_share <= 1:
        raise ValueError(f"isolated_share must be in [0, 1], got {isolated_share}")
    if n_samples < 5:  # 2 minority rows at the least, fewer majority rows below 5
        raise ValueError(f"n_samples must be >= 5 (at least 2 minority rows and more majority "
                         f"rows), got {n_samples}")
    rng = check_random_state(random_state)
    n_minority = max(2, int(round(anomaly_ratio * n_samples)))
    n_majority = n_samples - n_minority
    if n_minority >= n_majority:  # anomaly_ratio near 0.5 with few samples
        raise ValueError(f"n_samples={n_samples} with anomaly_ratio={anomaly_ratio} gives "
                         f"{n_minority} minority and {n_majority} majority rows; the minority "
                         "must be smaller: raise n_samples or lower anomaly_ratio")
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
import re  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

#: Short names -> ADBench file stem: the paper's datasets (Table 1) and the two classes of
#: CIFAR-10 / FashionMNIST it averages over (class 0 / class 1 normal, ResNet-18 features).
ADBENCH_FILES = {
    "vowels": "40_vowels",
    "annthyroid": "2_annthyroid",
    "mammography": "23_mammography",
    "satellite": "30_satellite",
    "smtp": "34_smtp",
    "cifar10": "CIFAR10_0",
    "cifar10_automobile": "CIFAR10_1",
    "fashionmnist": "FashionMNIST_0",
    "fashionmnist_trouser": "FashionMNIST_1",
}

#: Raw-file URL of an ADBench dataset; ``{folder}`` is ``Classical``, ``CV_by_ResNet18`` or ``NLP_by_BERT``.
ADBENCH_URL = "https://github.com/Minqi824/ADBench/raw/main/adbench/datasets/{folder}/{stem}.npz"

_CV_PREFIXES = ("CIFAR10_", "FashionMNIST_", "MNIST-C_", "MVTec-AD_", "SVHN_")
_NLP_PREFIXES = ("20news_", "agnews_", "amazon", "imdb", "yelp")
_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")


class DatasetDownloadError(ConnectionError):
    """A dataset could not be downloaded (no network, HTTP error, or a corrupt file)."""


def data_dir(data_dir=None):
    """Where ADBench ``.npz`` files are read from.

    Parameters
    ----------
    data_dir : path-like, default=None
        Returned as a :class:`~pathlib.Path` when given.

    Returns
    -------
    pathlib.Path
        ``data_dir``, else ``$MIXANN_DATA``, else ``~/.cache/mixann``.

    Examples
    --------
    >>> from mixann.datasets import data_dir
    >>> data_dir("/tmp/adbench").name
    'adbench'
    """
    # expanduser: a "~/data" given in quotes, or in $MIXANN_DATA, reaches us unexpanded.
    if data_dir is not None:
        return Path(data_dir).expanduser()
    if os.environ.get("MIXANN_DATA"):
        return Path(os.environ["MIXANN_DATA"]).expanduser()
    return Path.home() / ".cache" / "mixann"


def dataset_stem(name):
    """The ADBench file stem of ``name`` (a short name or a stem itself).

    Examples
    --------
    >>> from mixann.datasets import dataset_stem
    >>> dataset_stem("vowels"), dataset_stem("cifar10_automobile"), dataset_stem("40_vowels")
    ('40_vowels', 'CIFAR10_1', '40_vowels')
    >>> dataset_stem("vowels.npz"), dataset_stem("40_vowels.npz")
    ('40_vowels', '40_vowels')
    """
    name = str(name)
    # "vowels.npz" is vowels too; the suffix in any case, as the bench's canonical_dataset
    # strips it ("40_vowels.NPZ" was stored as vowels but loaded 40_vowels.NPZ.npz).
    name = name[:-4] if name.lower().endswith(".npz") else name
    stem = ADBENCH_FILES.get(name.lower(), name)
    if not _STEM.match(stem):
        raise ValueError(f"invalid dataset name {name!r}: use a short name "
                         f"({', '.join(ADBENCH_FILES)}) or an ADBench file stem such as '40_vowels'")
    return stem


def dataset_url(name):
    """The public URL :func:`fetch_dataset` downloads ``name`` from.

    Examples
    --------
    >>> from mixann.datasets import dataset_url
    >>> dataset_url("vowels")
    'https://github.com/Minqi824/ADBench/raw/main/adbench/datasets/Classical/40_vowels.npz'
    >>> dataset_url("fashionmnist").split("/datasets/")[1]
    'CV_by_ResNet18/FashionMNIST_0.npz'
    """
    stem = dataset_stem(name)
    if stem.startswith(_CV_PREFIXES):
        folder = "CV_by_ResNet18"
    elif stem.startswith(_NLP_PREFIXES):
        folder = "NLP_by_BERT"
    else:
        folder = "Classical"
    return ADBENCH_URL.format(folder=folder, stem=stem)


def dataset_path(name, data_dir=None):
    """Where the ``.npz`` file of ``name`` lives (or would live) locally.

    Examples
    --------
    >>> from mixann.datasets import dataset_path
    >>> dataset_path("smtp", "/data").as_posix()
    '/data/34_smtp.npz'
    """
    return globals()["data_dir"](data_dir) / f"{dataset_stem(name)}.npz"


def _read_npz(path):
    import zipfile

    try:
        arrays = np.load(path, allow_pickle=False)
    # BadZipFile: a truncated download or copy ("File is not a zip file", naming no file) is
    # neither a ValueError nor an OSError, so it used to escape without the path or the hint.
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        # np.load's own words would advise allow_pickle=True for an HTML page saved as .npz
        # (unsafe, and no help): say what the file is not, and where a real one comes from.
        with open(path, "rb") as fh:
            head = fh.read(16)
        what = f"it starts with {head!r}" if head else "it is empty"
        if not head.startswith(b"PK"):  # not even a zip archive: np.load's words do not help
            exc = None
        raise ValueError(f"{path} is not a numpy .npz archive ({what}"
                         f"{'; ' + _first_line(exc) if exc else ''}); an ADBench file holds X "
                         "and y: fetch it again with `mixann data fetch`, or save the raw file, "
                         "not a web page about it") from None
    if not isinstance(arrays, np.lib.npyio.NpzFile):  # a single .npy array renamed to .npz
        raise ValueError(f"{path} holds one numpy array, not an .npz archive of X and y; save "
                         "them with np.savez(path, X=X, y=y)")
    with arrays:
        missing = {"X", "y"} - set(arrays.files)
        if missing:
            raise ValueError(f"{path} lacks the array(s) {sorted(missing)}; an ADBench file holds X and y")
        try:
            X, y = np.asarray(arrays["X"], dtype=float), np.asarray(arrays["y"])
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
            # Members are read lazily: a corrupt member (bad CRC, cut short), an object array
            # or a text X fails here, and numpy's words name neither the file nor the array.
            raise ValueError(f"{path}: cannot read its arrays X and y ({_first_line(exc)}); "
                             "an ADBench file holds a numeric X and a 0/1 y: fetch it again "
                             "with `mixann data fetch`") from None
    if y.dtype.kind not in "biuf" or not np.isin(y, (0, 1)).all():
        # Why: astype(int) would silently turn a label 0.5 or 2 into 0 or a third class.
        values = np.unique(y)
        raise ValueError(f"{path}: y must hold 0 (normal) and 1 (anomaly), got the values "
                         f"{values[:5].tolist()}{' ...' if len(values) > 5 else ''}")
    y = y.astype(int)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"{path}: X must be 2-D and y 1-D of the same length, got {X.shape} and {y.shape}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        # Why: an empty file loaded silently and failed later, far from the file's name.
        raise ValueError(f"{path}: X has shape {X.shape}; an ADBench file holds at least one "
                         "row and one feature: fetch it again with `mixann data fetch`")
    if len(np.unique(y)) < 2:
        raise ValueError(f"{path}: y holds only the label {int(y[0])}; an ADBench file holds "
                         "normal rows (0) and anomalies (1)")
    if not np.isfinite(X).all():
        # Why: MinMaxScaler passes NaN through and xgboost treats it as "missing", so a NaN
        # row would be trained and scored on silently instead of being reported.
        rows = np.flatnonzero(~np.isfinite(X).all(axis=1))
        raise ValueError(f"{path}: X holds NaN or infinite values in {len(rows)} row(s) "
                         f"(first: row {rows[0]}); fill or drop them")
    return X, y


def _first_line(exc):
    """An exception's first line, to quote inside another message."""
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def load_dataset(name, data_dir=None):
    """Load an ADBench dataset as ``(X, y)`` with ``y == 1`` the anomaly (minority).

    Parameters
    ----------
    name : str
        A short name (``vowels``, ``annthyroid``, ``mammography``, ``satellite``, ``smtp``,
        ``cifar10``, ``cifar10_automobile``, ``fashionmnist``, ``fashionmnist_trouser``) or an
        ADBench file stem such as ``40_vowels``.
    data_dir : path-like, default=None
        Folder holding the ``.npz`` files (default: ``$MIXANN_DATA`` or ``~/.cache/mixann``).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float
    y : ndarray of shape (n_samples,), int
        1 = anomaly, 0 = normal.

    Raises
    ------
    FileNotFoundError
        When the file is not there; the message names the file, the folder and the download URL.
    ValueError
        For a name that is not a dataset's, or a file that does not load as one (not an
        ``.npz`` with ``X`` and ``y``, no rows or features, a y that is not 0/1 or holds one
        class, NaN or inf); the message names the file and what is wrong.

    Examples
    --------
    A folder holding one file in ADBench's layout (arrays ``X`` and ``y``):

    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from mixann.datasets import load_dataset
    >>> folder = Path(tempfile.mkdtemp())
    >>> np.savez(folder / "40_vowels.npz", X=np.eye(3), y=np.array([0.0, 0.0, 1.0]))
    >>> X, y = load_dataset("vowels", data_dir=folder)
    >>> X.shape, y.tolist()
    ((3, 3), [0, 0, 1])
    >>> load_dataset("smtp", data_dir=folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FileNotFoundError: dataset 'smtp' needs 34_smtp.npz, not found in ...
    """
    path = dataset_path(name, data_dir)
    if not path.is_file():
        raise FileNotFoundError(
            f"dataset {name!r} needs {path.name}, not found in {path.parent}; run "
            f"`mixann data fetch {name}` (or fetch_dataset({name!r})), or download {dataset_url(name)} "
            "by hand into that folder, pass data_dir=..., or set MIXANN_DATA")
    return _read_npz(path)


def fetch_dataset(name, data_dir=None, timeout=30, force=False):
    """Download an ADBench dataset into the data folder (unless it is already there).

    The file goes to a temporary file in the target folder, is checked to load (arrays ``X``
    and ``y``), then renamed into place, so an interrupted or failed download never leaves a
    partial ``.npz`` behind.

    Parameters
    ----------
    name : str
        Short name or ADBench file stem (see :func:`load_dataset`).
    data_dir : path-like, default=None
        Target folder (default: ``$MIXANN_DATA`` or ``~/.cache/mixann``); created if needed.
    timeout : float, default=30
        Seconds to wait for the server at each network operation.
    force : bool, default=False
        Download even when a valid file is present.

    Returns
    -------
    pathlib.Path
        The local file.

    Raises
    ------
    DatasetDownloadError
        (a :class:`ConnectionError`) when the download fails or the file does not load; the
        message names the file, the URL and where to put a hand-downloaded copy.
    """
    import http.client
    import urllib.error
    import urllib.request

    from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn,
                               TransferSpeedColumn)

    path, url = dataset_path(name, data_dir), dataset_url(name)
    if path.is_file() and not force:
        try:
            _read_npz(path)
            return path
        except Exception:  # noqa: BLE001 - a broken file is downloaded again
            pass
    hint = (f"could not download {path.name} from {url}. If this machine is offline, download "
            f"that URL elsewhere and copy the file to {path} (or set MIXANN_DATA to its folder)")
    # The folders this call creates (all of a missing nested --data-dir), deepest first.
    created = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".part", dir=path.parent)
    except OSError as exc:  # the data folder is a file, or not writable
        raise DatasetDownloadError(f"cannot write to the data folder {path.parent} ({exc}); give "
                                   "a folder you can write to (--data-dir, data_dir=..., or "
                                   "MIXANN_DATA)") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                response = urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 - fixed https URL
            except urllib.error.HTTPError as exc:
                raise DatasetDownloadError(f"{hint}: HTTP {exc.code} {exc.reason}") from exc
            # HTTPException: a garbled status line is no OSError, and escaped `mixann data
            # fetch` as a traceback.
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                raise DatasetDownloadError(f"{hint}: {getattr(exc, 'reason', exc)}") from exc
            with response, Progress(TextColumn(f"[bold]{path.name}"), BarColumn(), DownloadColumn(),
                                    TransferSpeedColumn(), TimeRemainingColumn(), transient=True) as bar:
                total = response.headers.get("Content-Length")
                task = bar.add_task("download", total=int(total) if total and total.isdigit() else None)
                try:
                    while chunk := response.read(1 << 16):
                        out.write(chunk)
                        bar.advance(task, len(chunk))
                # IncompleteRead (a chunked reply cut short) is an HTTPException, not an OSError.
                except (OSError, http.client.HTTPException) as exc:
                    raise DatasetDownloadError(f"{hint}: connection lost ({exc})") from exc
        try:
            _read_npz(tmp)
        except Exception as exc:  # noqa: BLE001
            raise DatasetDownloadError(f"{hint}: the downloaded file does not load ({exc})") from exc
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        if not path.is_file():  # a failed download leaves no empty folder of its own
            for folder in created:
                if not folder.is_dir() or any(folder.iterdir()):
                    break
                folder.rmdir()
    return path


def toy2_path(path=None):
    """Where :func:`load_toy2` reads from: ``path``, else ``$MIXANN_TOY2``, else
    ``<data_dir()>/toy2_1.csv``."""
    if path is not None:
        return Path(path).expanduser()
    if os.environ.get("MIXANN_TOY2"):
        return Path(os.environ["MIXANN_TOY2"]).expanduser()
    return data_dir() / "toy2_1.csv"


def load_toy2(path=None):
    """Load the paper's 2-D case-study set (Section 4.5) as ``(X, y)``.

    Parameters
    ----------
    path : path-like, default=None
        The CSV (columns ``label,x,y``; label ``anomaly`` or ``nominal``). Default:
        ``$MIXANN_TOY2``, else ``toy2_1.csv`` in :func:`data_dir`.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float
    y : ndarray of shape (n_samples,), int
        1 = ``anomaly``, 0 = ``nominal``.

    Raises
    ------
    FileNotFoundError
        When the file is missing (the message says where it was looked for).
    ValueError
        For a file that is empty, lacks the ``label``, ``x`` or ``y`` column, or holds labels
        other than ``anomaly`` and ``nominal`` (named).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from mixann.datasets import load_toy2
    >>> csv = Path(tempfile.mkdtemp()) / "toy2_1.csv"
    >>> _ = csv.write_text("label,x,y\\nnominal,0.1,0.2\\nanomaly,0.9,0.8\\nnominal,0.3,0.1\\n")
    >>> X, y = load_toy2(csv)
    >>> X.tolist(), y.tolist()
    ([[0.1, 0.2], [0.9, 0.8], [0.3, 0.1]], [0, 1, 0])
    """
    import pandas as pd

    csv = toy2_path(path)
    if csv.is_dir():  # else "not found" for a folder that is there
        raise FileNotFoundError(f"{csv} is a folder; give the toy2 CSV itself, e.g. "
                                f"{csv / 'toy2_1.csv'}")
    if not csv.is_file():
        # A path the caller gave is simply wrong; a set $MIXANN_TOY2 is what points nowhere;
        # otherwise say every way of giving one.
        if path is not None:
            how = ""
        elif os.environ.get("MIXANN_TOY2"):
            how = ("; $MIXANN_TOY2 points there: set it to the CSV's path, or unset it to "
                   f"read toy2_1.csv from {data_dir()}")
        else:
            how = ("; pass path=..., set MIXANN_TOY2 to the CSV, or put toy2_1.csv in "
                   f"{data_dir()}")
        raise FileNotFoundError(f"toy2 case-study file not found at {csv}{how}")
    try:
        frame = pd.read_csv(csv)
    except pd.errors.EmptyDataError:  # pandas' "No columns to parse from file" names no file
        raise ValueError(f"{csv} is empty; expected a CSV with columns label,x,y") from None
    missing = {"label", "x", "y"} - set(frame.columns)
    if missing:
        raise ValueError(f"{csv} lacks column(s) {sorted(missing)}; expected label,x,y")
    labels = frame["label"].astype(str).str.strip().str.lower()
    unknown = sorted(set(labels) - {"anomaly", "nominal"})
    if unknown:
        raise ValueError(f"{csv}: unknown label(s) {unknown}; expected 'anomaly' or 'nominal'")
    try:
        X = frame[["x", "y"]].to_numpy(dtype=float)
    except ValueError as exc:  # a text cell: "could not convert string to float" names no file
        raise ValueError(f"{csv}: x and y must be numbers ({_first_line(exc)})") from None
    if not np.isfinite(X).all():  # an empty cell reads as NaN, which every figure would drop
        rows = np.flatnonzero(~np.isfinite(X).all(axis=1))
        raise ValueError(f"{csv}: x or y is empty or not finite in {len(rows)} row(s) (first: "
                         f"data row {rows[0] + 1}); fill or drop them")
    y = (labels == "anomaly").to_numpy().astype(int)
    return X, y
