"""Writing a finished result so that it is never half-written and never lost.

The command line checks its output paths before any training (``cli_checks.output_file``),
but a disk can fill up, a mount can turn read-only, and root passes ``os.access`` for files
it still cannot write. A result that took minutes to compute then deserves better than a
traceback: it is written to a temporary name next to its target and moved into place in one
step (no half-written file under the target's name), and if that fails it is written to the
system's temporary folder instead, and the error names where it is.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from pathlib import Path


class ResultKeptElsewhere(OSError):
    """The target could not be written; the result is in :attr:`kept` (None if nowhere)."""

    def __init__(self, message, kept):
        super().__init__(message)
        self.kept = kept


def _reason(exc):
    return exc.strerror or str(exc) or type(exc).__name__


def _remove_quietly(path):
    try:
        path.unlink()
    except OSError:
        pass


def _write_then_move(path, write):
    # Why resolve a link: moving a file onto the link's own path would replace the link.
    target = path.resolve() if path.is_symlink() else path
    part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part{target.suffix}")
    try:
        write(part)
        if target.exists():
            os.chmod(part, stat.S_IMODE(target.stat().st_mode))
        os.replace(part, target)
    except OSError:
        _remove_quietly(part)
        raise


def write_safely(path, write):
    """Call ``write(p)`` on a temporary path next to ``path``, then move it onto ``path``.

    ``write`` is a function of one path that writes the whole result there (``frame.to_csv``,
    ``fig.savefig``); the temporary path ends in ``path``'s suffix. An existing file keeps its
    permission bits; a link is written through; a device or a pipe (``/dev/stdout``) is
    written directly, as there is no file to replace.

    Raises
    ------
    ResultKeptElsewhere
        If ``path`` cannot be written: the result was written to a file in the temporary
        folder, named by the message and by ``exc.kept`` (None if that failed too).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from mixann._files import write_safely
    >>> out = Path(tempfile.mkdtemp()) / "rows.csv"
    >>> write_safely(out, lambda p: p.write_text("x,label\\n0.5,1\\n"))
    >>> out.read_text().splitlines()
    ['x,label', '0.5,1']
    >>> sorted(q.name for q in out.parent.iterdir())  # no temporary file left behind
    ['rows.csv']
    """
    path = Path(path)
    try:
        if path.exists() and not path.is_file():
            # A device or a pipe (/dev/stdout, /dev/null, a FIFO): written as it is; moving
            # a file onto it would replace the device itself.
            write(path)
        else:
            _write_then_move(path, write)
        return
    except OSError as exc:
        first = exc
    fd, name = tempfile.mkstemp(prefix=f"mixann-{path.stem}-", suffix=path.suffix)
    os.close(fd)
    kept = Path(name)
    try:
        write(kept)
    except OSError as exc:
        _remove_quietly(kept)
        raise ResultKeptElsewhere(
            f"could not write {path} ({_reason(first)}), nor a copy in {kept.parent} "
            f"({_reason(exc)}); free some space or choose another path and run again",
            None) from first
    raise ResultKeptElsewhere(
        f"could not write {path} ({_reason(first)}); the result is kept in {kept}: "
        "move it where you want it", kept) from first
