"""Dataset loaders, the offline behaviour of fetch_dataset, toy2, and `mixann data`."""

from __future__ import annotations

import io
import urllib.error
import urllib.request

import numpy as np
import pytest
from typer.testing import CliRunner

from mixann import datasets
from mixann.datasets import (ADBENCH_FILES, DatasetDownloadError, dataset_url, fetch_dataset, load_dataset,
                             load_toy2)

# Paper Table 1 where the ADBench file matches it (n_features None: the file differs from the paper's text).
TABLE1 = {
    "vowels": (1456, 12, 0.0343),
    "annthyroid": (7200, None, 0.0742),
    "mammography": (11183, 6, 0.0232),
    "satellite": (6435, 36, 0.3163),
    "smtp": (95156, None, 0.0003),
    "cifar10": (5263, 512, 0.05),
}


@pytest.mark.parametrize("name", sorted(TABLE1))
def test_shared_datasets_match_table1(shared_datasets, name):
    n_rows, n_features, rate = TABLE1[name]
    X, y = load_dataset(name, data_dir=shared_datasets / "adbench")
    assert X.dtype == float and np.issubdtype(y.dtype, np.integer)
    assert X.shape[0] == n_rows and y.shape == (n_rows,)
    if n_features is not None:
        assert X.shape[1] == n_features
    assert set(np.unique(y)) == {0, 1}
    assert y.mean() == pytest.approx(rate, abs=5e-4)


def test_stem_and_env_var(shared_datasets, monkeypatch):
    monkeypatch.setenv("MIXANN_DATA", str(shared_datasets / "adbench"))
    X_alias, y_alias = load_dataset("vowels")
    X_stem, y_stem = load_dataset("40_vowels")
    np.testing.assert_array_equal(X_alias, X_stem)
    np.testing.assert_array_equal(y_alias, y_stem)


def test_urls():
    assert dataset_url("vowels").endswith("/adbench/datasets/Classical/40_vowels.npz")
    assert dataset_url("cifar10_automobile").endswith("/adbench/datasets/CV_by_ResNet18/CIFAR10_1.npz")
    assert dataset_url("fashionmnist_trouser").endswith("/CV_by_ResNet18/FashionMNIST_1.npz")
    assert dataset_url("30_satellite").startswith("https://github.com/Minqi824/ADBench/raw/main/")
    with pytest.raises(ValueError, match="invalid dataset name"):
        dataset_url("../etc/passwd")


def test_missing_file_message(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_dataset("cifar10_automobile", data_dir=tmp_path)
    message = str(info.value)
    assert "CIFAR10_1.npz" in message and str(tmp_path) in message
    assert dataset_url("cifar10_automobile") in message and "mixann data fetch" in message


def test_fetch_offline_fails_fast_and_leaves_nothing(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(ConnectionError) as info:
        fetch_dataset("fashionmnist", data_dir=tmp_path, timeout=0.5)
    assert isinstance(info.value, DatasetDownloadError)
    message = str(info.value)
    assert "FashionMNIST_0.npz" in message and dataset_url("fashionmnist") in message
    assert str(tmp_path / "FashionMNIST_0.npz") in message
    assert list(tmp_path.iterdir()) == []


class _Response(io.BytesIO):
    def __init__(self, payload):
        super().__init__(payload)
        self.headers = {"Content-Length": str(len(payload))}


def test_fetch_writes_a_verified_file(tmp_path, monkeypatch):
    buffer = io.BytesIO()
    np.savez(buffer, X=np.eye(4), y=np.array([0, 0, 0, 1]))
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: _Response(buffer.getvalue()))
    path = fetch_dataset("vowels", data_dir=tmp_path)
    assert path == tmp_path / "40_vowels.npz" and sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    X, y = load_dataset("vowels", data_dir=tmp_path)
    assert X.shape == (4, 4) and y.tolist() == [0, 0, 0, 1]


def test_fetch_rejects_a_corrupt_download(tmp_path, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: _Response(b"<html>not npz</html>"))
    with pytest.raises(DatasetDownloadError, match="does not load"):
        fetch_dataset("vowels", data_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_toy2(shared_datasets, monkeypatch, tmp_path):
    csv = shared_datasets / "toy2" / "toy2_1.csv"
    X, y = load_toy2(csv)
    assert X.shape[1] == 2 and X.shape[0] == len(y) > 0
    assert set(np.unique(y)) == {0, 1} and 0 < y.mean() < 0.5
    monkeypatch.setenv("MIXANN_TOY2", str(csv))
    np.testing.assert_array_equal(load_toy2()[0], X)
    monkeypatch.delenv("MIXANN_TOY2")
    monkeypatch.setenv("MIXANN_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="toy2_1.csv"):
        load_toy2()


def test_data_list_command(shared_datasets):
    from mixann.cli import app

    result = CliRunner().invoke(app, ["data", "list", "--data-dir", str(shared_datasets / "adbench")])
    assert result.exit_code == 0, result.output
    assert "40_vowels.npz" in result.output and "1456×12" in result.output and "3.43%" in result.output
    assert "CIFAR10_1.npz" in result.output  # known, not present


def test_data_fetch_command_offline(tmp_path, monkeypatch):
    from mixann.cli import app

    def offline(*args, **kwargs):
        raise urllib.error.URLError("offline")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    result = CliRunner().invoke(app, ["data", "fetch", "vowels", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "40_vowels.npz" in result.output


def test_aliases_cover_the_paper():
    assert {"vowels", "annthyroid", "mammography", "satellite", "smtp", "cifar10", "cifar10_automobile",
            "fashionmnist", "fashionmnist_trouser"} <= set(ADBENCH_FILES)
    assert datasets.dataset_stem("FashionMNIST_0") == "FashionMNIST_0"
