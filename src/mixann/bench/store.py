"""Benchmark results in SQLite (stdlib :mod:`sqlite3`, WAL journal).

One table, ``results``, one row per cell (dataset, classifier, method, seed, budget), which is
UNIQUE. Each finished cell is written in its own transaction, so a killed run loses at most the
cells that were still computing, and never leaves half a row.

Resume rule: :meth:`ResultStore.done_cells` returns the cells whose status is ``"ok"``; the
runner skips those. Cells recorded as ``"failed"`` are retried on the next run and their row is
overwritten by the new outcome; an ``"ok"`` row is never overwritten. Each cell's ``config``
holds ``data``, the shape and a hash of the data it ran on (:meth:`ResultStore.data_fingerprints`
reads them back), so that a resume on other data is refused; rows without it (older files)
are unknown, not a mismatch.
"""

from __future__ import annotations

import json
import platform
import sqlite3
import subprocess
from datetime import datetime, timezone
from pathlib import Path

KEY = ("dataset", "classifier", "method", "seed", "budget")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dataset TEXT NOT NULL,
    classifier TEXT NOT NULL,
    method TEXT NOT NULL,
    seed INTEGER NOT NULL,
    budget TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    error TEXT,
    precision REAL,
    recall REAL,
    f1 REAL,
    fit_seconds REAL,
    resample_seconds REAL,
    n_synthetic INTEGER,
    config_json TEXT,
    versions_json TEXT,
    git_commit TEXT,
    finished_at TEXT NOT NULL,
    UNIQUE (dataset, classifier, method, seed, budget)
)
"""

_COLUMNS = ("dataset", "classifier", "method", "seed", "budget", "status", "error", "precision",
            "recall", "f1", "fit_seconds", "resample_seconds", "n_synthetic", "config_json",
            "versions_json", "git_commit", "finished_at")

# A failed row is replaced by the retry's outcome; an ok row stays as it is.
_UPSERT = (f"INSERT INTO results ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
           f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET "
           + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c not in KEY)
           + " WHERE results.status != 'ok'")


def versions():
    """Versions of Python and the libraries a result depends on, and the CPU's instruction set
    as torch uses it (``torch_cpu``: ``"AVX512"``, ``"AVX2"``, ...).

    Why the CPU: torch picks its kernels by instruction set, and the DDPG networks' last bits,
    hence MixAnN's draws, can differ between machines with the same packages (session 52: the
    KNN tables' MixAnN cells moved on an AVX-512 machine; every baseline cell stayed).
    """
    out = {"python": platform.python_version()}
    for name, module in (("numpy", "numpy"), ("sklearn", "sklearn"), ("imblearn", "imblearn"),
                         ("torch", "torch"), ("xgboost", "xgboost"), ("mixann", "mixann")):
        try:
            out[name] = __import__(module).__version__
        except Exception:  # a missing optional library is recorded, not fatal
            out[name] = None
    try:
        import torch

        out["torch_cpu"] = torch.backends.cpu.get_cpu_capability()
    except Exception:  # no torch, or one without the query
        out["torch_cpu"] = None
    return out


def git_commit():
    """``git rev-parse HEAD`` of the checkout holding this package, or None."""
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parent,
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


def _jsonable(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


class NotAResultsFile(ValueError):
    """``path`` exists but is not a results database: not SQLite (e.g. a CSV given as
    ``--db``), or another program's SQLite database."""


class CannotOpenDatabase(ValueError):
    """``path`` cannot be created, written or read where it is (a read-only folder, a file
    where a folder should be); the message says which and what to give instead."""


def _retry_locked(action, attempts=60):
    """``action()``, retried while SQLite answers "database is locked".

    Two runs that open a new database at the same moment both switch it to WAL, and SQLite
    answers that at once instead of waiting for the busy timeout; a short backoff (about 30
    seconds in all) lets the second one through.
    """
    import time

    for attempt in range(attempts):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(min(0.05 * (attempt + 1), 1.0))


def check_can_create(path):
    """Raise :class:`CannotOpenDatabase` unless a database could be created at ``path`` (its
    nearest existing folder is a folder this process can write to). Nothing is created.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> check_can_create(pathlib.Path(tempfile.mkdtemp()) / "new" / "results.sqlite")
    >>> a_file = pathlib.Path(tempfile.mkdtemp()) / "a_file"
    >>> _ = a_file.write_text("x")
    >>> try:
    ...     check_can_create(a_file / "results.sqlite")
    ... except CannotOpenDatabase as exc:
    ...     print(str(exc).split(": ")[-1].replace(str(a_file), "a_file"))
    a_file is a file, not a folder; give a path in a folder you can write to
    """
    import os

    path = Path(path)
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    why = (f"{parent} is a file, not a folder" if not parent.is_dir() else
           f"{parent} is not a folder this user can write to"
           if not os.access(parent, os.W_OK | os.X_OK) else None)
    if why:
        raise CannotOpenDatabase(f"cannot create {path}: {why}; give a path in a folder you "
                                 "can write to")


class StoreOnFirstWrite:
    """The results database at ``path``, a path with no file yet: created by the first
    :meth:`record`, so a run that records nothing leaves no file and no folder behind, and
    never has one to remove (which could hold another run's cells by then).

    Reads before that see the file if another run has created it meanwhile, else nothing.
    Whether the file could be created is checked at once (:func:`check_can_create`).
    """

    def __init__(self, path):
        self.path = Path(path)
        check_can_create(self.path)
        self._store = None

    def _opened(self, create):
        if self._store is None and (create or self.path.exists()):
            self._store = ResultStore(self.path)
        return self._store

    def done_cells(self):
        store = self._opened(create=False)
        return store.done_cells() if store else set()

    def data_fingerprints(self):
        store = self._opened(create=False)
        return store.data_fingerprints() if store else {}

    def record(self, result):
        return self._opened(create=True).record(result)

    def close(self):
        if self._store is not None:
            self._store.close()


def _check_tables(conn, path, new_ok):
    """Refuse another program's SQLite database before anything is written to it.

    Why: ``bench`` used to add its table to such a file (and switch it to WAL), and a file with
    a foreign ``results`` table failed later with SQLite's "no such column". An empty database
    (no tables) is a new one.
    """
    tables = {row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")} - {"sqlite_sequence"}
    fix = "give a file written by `mixann bench`" + (", or a new path" if new_ok else "")
    if "results" in tables:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(results)")}
        missing = [c for c in _COLUMNS if c not in columns]
        if missing:
            conn.close()
            raise NotAResultsFile(f"{path} is an SQLite database whose results table is not "
                                  f"mixann's (it lacks {', '.join(missing[:3])}"
                                  f"{', ...' if len(missing) > 3 else ''}); {fix}")
    elif tables:
        conn.close()
        shown = sorted(tables)
        raise NotAResultsFile(f"{path} is an SQLite database but not a mixann results file (its "
                              f"tables: {', '.join(shown[:3])}{', ...' if len(shown) > 3 else ''});"
                              f" {fix}")


class ResultStore:
    """The results database at ``path`` (created with its table if missing).

    ``new_ok`` says whether the caller also takes a path with no file yet (``mixann bench``
    creates one; ``mixann report`` does not): only then does the refusal of a file that is not
    a results database suggest a new path. ``read_only=True`` (``mixann report``) opens an
    existing file without writing to it: no table is added to an empty file, and a file
    without the results table reads as holding no rows.

    Raises
    ------
    NotAResultsFile
        If ``path`` exists but is not an SQLite database, or is another program's SQLite
        database; the file is left as it was.
    """

    def __init__(self, path, new_ok=True, read_only=False):
        self.path = Path(path)
        self._has_table, self._new_ok = True, new_ok
        if not read_only:
            if not self.path.exists():
                check_can_create(self.path)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # a folder made read-only or removed meanwhile
                raise CannotOpenDatabase(f"cannot create {self.path}: {exc}") from None
        self.conn = None
        try:
            self._open(read_only)
        except sqlite3.DatabaseError as exc:
            if self.conn is not None:
                self.conn.close()
            if isinstance(exc, sqlite3.OperationalError):  # a real database, not reachable
                if "locked" in str(exc):
                    raise
                pending = read_only and Path(f"{self.path}-wal").exists()
                raise CannotOpenDatabase(
                    f"cannot {'read' if read_only else 'write'} {self.path} ({exc}); "
                    + ("a write-ahead log (-wal) is pending beside it, which a reader must "
                       "open for writing: copy the database with its -wal file to a folder "
                       "you can write to" if pending else
                       "check that you may read it" if read_only else
                       "give a path in a folder you can write to, to a file you can write")
                ) from None
            raise NotAResultsFile(f"{self.path} is not an SQLite results database ({exc}); "
                                  "give a file written by `mixann bench`"
                                  + (", or a new path" if new_ok else "")) from None
        self._versions = None
        self._git = None

    def _open(self, read_only):
        uri = self.path.resolve().as_uri()
        if read_only:
            self.conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30)
            self.conn.row_factory = sqlite3.Row
            # SQLite reads the header here, before it writes anything: a CSV is refused intact.
            has_table = ("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
                         "'results'")
            try:
                self._has_table = bool(self.conn.execute(has_table).fetchall())
            except sqlite3.OperationalError:
                # A WAL database in a folder this user cannot write: a reader must create the
                # -shm file beside it. Without a pending -wal the file alone is the whole
                # database, and SQLite reads it as immutable.
                if Path(f"{self.path}-wal").exists():
                    raise
                self.conn.close()
                self.conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=30)
                self.conn.row_factory = sqlite3.Row
                self._has_table = bool(self.conn.execute(has_table).fetchall())
            _check_tables(self.conn, self.path, self._new_ok)
            return
        self.conn = sqlite3.connect(self.path, timeout=30)
        self.conn.row_factory = sqlite3.Row

        def wal():
            # SQLite reads the header here, before it writes anything: a CSV is refused intact,
            # and so is another program's database.
            _check_tables(self.conn, self.path, self._new_ok)
            if self.conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                self.conn.execute("PRAGMA journal_mode=WAL")

        _retry_locked(wal)
        self.conn.execute("PRAGMA synchronous=NORMAL")

        def schema():
            with self.conn:
                self.conn.execute(_SCHEMA)

        _retry_locked(schema)

    def close(self):
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def done_cells(self):
        """Set of ``(dataset, classifier, method, seed, budget)`` tuples with status ``ok``."""
        if not self._has_table:
            return set()
        rows = self.conn.execute(f"SELECT {', '.join(KEY)} FROM results WHERE status = 'ok'")
        return {tuple(row) for row in rows}

    def data_fingerprints(self):
        """``{dataset: [fingerprint, ...]}``: the distinct identities of the data that the ok
        cells of each dataset ran on (``config["data"]``, see
        :func:`mixann.bench.runner.data_fingerprint`).

        Rows written before cells recorded their data have none and are left out: their data
        is unknown, which is no evidence of a mismatch.
        """
        if not self._has_table:
            return {}
        out = {}
        for dataset, config in self.conn.execute(
                "SELECT dataset, config_json FROM results WHERE status = 'ok'"):
            try:
                data = json.loads(config or "{}").get("data")
            except (ValueError, AttributeError):  # not a JSON object: nothing known
                data = None
            if isinstance(data, dict) and data not in out.setdefault(dataset, []):
                out[dataset].append(data)
        return {name: found for name, found in out.items() if found}

    def record(self, result):
        """Write one cell's outcome (a dict from the runner) in its own transaction.

        ``result`` holds the key columns, ``status`` and, for ok cells, the metrics and
        ``config``; for failed ones ``error``. Returns True if a row was written (False when an
        ok row already held this cell).
        """
        if self._versions is None:
            self._versions, self._git = versions(), git_commit()
        row = {c: result.get(c) for c in _COLUMNS}
        row["seed"] = int(row["seed"])
        row["config_json"] = json.dumps(result.get("config", {}), sort_keys=True, default=_jsonable)
        row["versions_json"] = json.dumps(self._versions, sort_keys=True)
        row["git_commit"] = self._git
        row["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.conn:  # one transaction per cell
            cur = self.conn.execute(_UPSERT, [row[c] for c in _COLUMNS])
        return cur.rowcount > 0

    def rows(self, status=None):
        """All rows as dicts (optionally only those with ``status``)."""
        if not self._has_table:  # an empty file opened read-only
            return []
        sql = "SELECT * FROM results"
        args = ()
        if status is not None:
            sql += " WHERE status = ?"
            args = (status,)
        return [dict(row) for row in self.conn.execute(sql + " ORDER BY id", args)]
