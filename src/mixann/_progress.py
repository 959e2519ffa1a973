"""Progress bars on stderr for MixAnN's long work, shown only when ``verbose``."""

from __future__ import annotations


class progress_bar:
    """A rich progress bar (episodes, the volume search's folds), or nothing when not verbose."""

    def __init__(self, verbose, total, description="MixAnN episodes"):
        self.verbose, self.total, self.description = verbose, total, description

    def __enter__(self):
        if not self.verbose:
            return None, None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
        # On stderr, as tqdm's are: a caller's stdout (a CSV written to /dev/stdout) stays data.
        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn(), TimeRemainingColumn(),
                             console=Console(stderr=True))
        self._bar.__enter__()
        return self._bar, self._bar.add_task(self.description, total=self.total)

    def __exit__(self, *exc):
        if self.verbose:
            self._bar.__exit__(*exc)
        return False
