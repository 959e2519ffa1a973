"""The grid on a dask.distributed LocalCluster gives the same rows as a serial run."""

import pytest

from mixann.bench.runner import run_grid
from mixann.bench.store import ResultStore


def _rows(path):
    store = ResultStore(path)
    try:
        return {(r["method"], r["seed"]): (r["status"], r["precision"], r["recall"], r["f1"],
                                           r["n_synthetic"]) for r in store.rows()}
    finally:
        store.close()


def test_two_worker_local_cluster_matches_serial(tmp_path, shared_datasets):
    grid = dict(datasets=["vowels"], classifiers=["knn"], methods=["none", "smote", "mixann"],
                seeds=2, budget="test", data_dir=shared_datasets / "adbench", progress=False)
    serial = run_grid(db=tmp_path / "serial.sqlite", **grid)
    dask = run_grid(db=tmp_path / "dask.sqlite", scheduler="local", jobs=2, **grid)
    assert serial["ok"] == dask["ok"] == 6
    assert _rows(tmp_path / "serial.sqlite") == _rows(tmp_path / "dask.sqlite")
    # Rerun on the cluster: everything is done, nothing is recorded twice.
    again = run_grid(db=tmp_path / "dask.sqlite", scheduler="local", jobs=2, **grid)
    assert again["skipped"] == 6 and again["ok"] == 0
    assert len(_rows(tmp_path / "dask.sqlite")) == 6


def _die_once(cell, data_dir):
    """Kill the worker the first time a cell runs (simulates a lost machine), then succeed."""
    import os
    from pathlib import Path

    marker = Path(data_dir) / f"{cell.method}-{cell.seed}.started"
    if not marker.exists():
        marker.write_text("x")
        os._exit(1)
    return {"dataset": cell.dataset, "classifier": cell.classifier, "method": cell.method,
            "seed": cell.seed, "budget": cell.budget, "status": "ok", "error": None,
            "precision": 1.0, "recall": 1.0, "f1": 1.0, "fit_seconds": 0.0,
            "resample_seconds": 0.0, "n_synthetic": 0, "config": {}}


def test_lost_worker_cell_is_retried_and_recorded_once(tmp_path):
    import sys

    import cloudpickle
    from rich.progress import Progress

    from mixann.bench.runner import _run_dask, build_cells

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers can't import tests/
    cells = build_cells(["vowels"], ["knn"], ["none", "smote"], 1, "test")
    store = ResultStore(tmp_path / "r.sqlite")
    recorded = []

    def record(result):
        recorded.append(result["method"])
        store.record(result)

    with Progress(disable=True) as bar:
        task = bar.add_task("", total=len(cells))
        _run_dask(cells, str(tmp_path), "local", 2, bar, task, record, run=_die_once)
    assert sorted(recorded) == ["none", "smote"]  # each once, though every first try died
    assert all((tmp_path / f"{m}-0.started").exists() for m in ("none", "smote"))
    assert len(store.rows()) == 2
    store.close()


def test_remote_workers_check_the_data_files_before_any_cell(tmp_path, shared_datasets):
    # With a scheduler address the workers, not this machine, must see --data-dir: each checks
    # it before the first cell is sent, and a missing file stops the grid with nothing written.
    from dask.distributed import LocalCluster

    grid = dict(datasets=["vowels"], classifiers=["knn"], methods=["none"], seeds=1,
                budget="test", progress=False, jobs=1)
    # Worker processes, so that _init_worker's one-thread limits stay out of this process.
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        with pytest.raises(FileNotFoundError, match=r"no data file for 'vowels' \(40_vowels"):
            run_grid(db=tmp_path / "r.sqlite", scheduler=cluster.scheduler_address,
                     data_dir=tmp_path / "no-data", **grid)
        assert _rows(tmp_path / "r.sqlite") == {}
        done = run_grid(db=tmp_path / "r.sqlite", scheduler=cluster.scheduler_address,
                        data_dir=shared_datasets / "adbench", **grid)
    assert done["ok"] == 1
