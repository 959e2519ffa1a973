"""What the command line checks before any work starts.

A bad argument or a CSV that MixAnN cannot use should cost no time and print one message that
names the problem and the fix, not a traceback after minutes of training, and never a
finished result that cannot be written.
"""

from __future__ import annotations

import contextlib
import csv
import os
import warnings
from pathlib import Path

import typer

from .classifiers import CLASSIFIER_NAMES

#: The largest seed numpy's RandomState takes (the command line's --seed bound).
MAX_SEED = 2**32 - 1
#: The help of every --classifier option, read from CLASSIFIER_NAMES so that a classifier
#: added there is offered everywhere ("knn, xgboost, ... or random-forest.").
CLASSIFIER_HELP = f"{', '.join(CLASSIFIER_NAMES[:-1])} or {CLASSIFIER_NAMES[-1]}."


def split_names(text):
    """The names of a comma-separated option, blanks dropped.

    Examples
    --------
    >>> from mixann.cli_checks import split_names
    >>> split_names("none, smote,,mixann")
    ['none', 'smote', 'mixann']
    """
    return [t.strip() for t in text.split(",") if t.strip()]


def check_names(kind, given, valid, option, also=""):
    """Refuse ``given`` names not in ``valid``, or none at all, with one message style for
    every command: ``unknown <kind> 'x'; choose one of ...`` (``also`` ends the list, e.g.
    ``", or 'all'"``).

    Examples
    --------
    >>> import typer
    >>> from mixann.cli_checks import check_names
    >>> for given in (["a", "x"], []):
    ...     try:
    ...         check_names("method", given, ["a", "b"], "--methods", also=", or 'all'")
    ...     except typer.BadParameter as exc:
    ...         print(exc)
    unknown method 'x'; choose one of a, b, or 'all'
    give at least one method; choose one of a, b, or 'all'
    """
    unknown = [g for g in given if g not in valid]
    choices = f"choose one of {', '.join(valid)}{also}"
    if unknown:
        raise typer.BadParameter(f"unknown {kind} {', '.join(map(repr, unknown))}; {choices}",
                                 param_hint=option)
    if not given:
        raise typer.BadParameter(f"give at least one {kind}; {choices}", param_hint=option)


@contextlib.contextmanager
def convergence_warnings_counted():
    """scikit-learn's ``ConvergenceWarning`` held back and counted in one line at the end.

    Why: an MLP that stops at ``max_iter`` warns at every one of the volume search's fits,
    some sixty two-line warnings mixed into the progress bars on a small file. Other
    warnings are shown as they would have been.
    """
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        try:
            yield
        finally:
            others = [w for w in caught if not issubclass(w.category, ConvergenceWarning)]
            n_converge = len(caught) - len(others)
    for w in others:
        warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    if n_converge:
        typer.echo(f"note: {n_converge} classifier fit(s) stopped before converging "
                   "(scikit-learn's ConvergenceWarning, shown once here); the result is "
                   "written as usual", err=True)


def resample_or_refuse(sampler, X, y, option):
    """``sampler.fit_resample(X, y)``, its input errors (one class, three classes, too few
    anomalies, inf ...) shown as a bad value of ``option`` instead of a traceback."""
    from .input_checks import TrainingSplitTooSmall

    try:
        with convergence_warnings_counted():
            return sampler.fit_resample(X, y)
    except TrainingSplitTooSmall as exc:  # neither neighbour count is an option: ask for rows
        raise typer.BadParameter(f"{exc.part} holds {exc.n_train} rows, fewer than its "
                                 f"{exc.max_neighbors} neighbours; give a file with more rows",
                                 param_hint=option) from None
    except (ValueError, TypeError) as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


def classifier_option(name: str) -> str:
    """Typer callback: ``name`` must be one of :data:`mixann.classifiers.CLASSIFIER_NAMES`.

    Examples
    --------
    >>> import typer
    >>> from mixann.cli_checks import classifier_option
    >>> classifier_option("xgboost")
    'xgboost'
    >>> try:
    ...     classifier_option("svm")
    ... except typer.BadParameter as exc:
    ...     print(exc)  # doctest: +NORMALIZE_WHITESPACE
    unknown classifier 'svm'; choose one of knn, xgboost, xgboost-linear, mlp, random-forest,
    hist-gradient-boosting
    """
    check_names("classifier", [name], CLASSIFIER_NAMES, None)
    return name


def baselines_option(text: str) -> list[str]:
    """Typer callback: comma-separated :data:`mixann.baselines.BASELINE_NAMES` (blank: none).

    ``none`` is dropped (the demo's table always starts with no augmentation), and so is a
    name given twice: each baseline is one row.

    Examples
    --------
    >>> from mixann.cli_checks import baselines_option
    >>> baselines_option("smote, autosmote"), baselines_option("")
    (['smote', 'autosmote'], [])
    >>> baselines_option("none,smote,smote")
    ['smote']
    """
    from .baselines import BASELINE_NAMES

    names = split_names(text)
    if names:
        check_names("method", names, BASELINE_NAMES, None)
    return list(dict.fromkeys(name for name in names if name != "none"))


def output_file(path: Path | None) -> Path | None:
    """Typer callback: the folder of ``path`` must exist, so the result can be written.

    Examples
    --------
    >>> from pathlib import Path
    >>> import typer
    >>> from mixann.cli_checks import output_file
    >>> output_file(Path("out.csv")).name
    'out.csv'
    >>> try:
    ...     output_file(Path("no-such-folder") / "out.csv")
    ... except typer.BadParameter as exc:
    ...     print(exc)
    folder no-such-folder does not exist; create it first
    """
    if path is None:
        return path
    if not path.parent.is_dir():
        raise typer.BadParameter(f"folder {path.parent} does not exist; create it first")
    if path.is_dir():
        raise typer.BadParameter(f"{path} is a folder; give a file's path, e.g. "
                                 f"{path / ('out' + (path.suffix or '.png'))}")
    # Checked now, so that a finished result is never lost to a folder or file it cannot write.
    if path.exists() and not os.access(path, os.W_OK):
        raise typer.BadParameter(f"{path} exists and cannot be written; choose another path or "
                                 "make it writable")
    if not path.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        raise typer.BadParameter(f"folder {path.parent} cannot be written; choose another folder")
    return path


def write_or_keep(path, write):
    """``write(path)`` through :func:`mixann._files.write_safely`; a path that cannot be
    written after all ends the command with one message naming where the result was kept.

    Examples
    --------
    >>> import contextlib, io
    >>> import typer
    >>> from pathlib import Path
    >>> from mixann.cli_checks import write_or_keep
    >>> def disk_full(path):
    ...     if "no-space" in str(path):
    ...         raise OSError(28, "No space left on device")
    ...     Path(path).write_text("rows")
    >>> said = io.StringIO()
    >>> try:
    ...     with contextlib.redirect_stderr(said):
    ...         write_or_keep(Path("no-space") / "out.csv", disk_full)
    ... except typer.Exit as exc:
    ...     kept = said.getvalue().split("kept in ")[1].split(":")[0]
    ...     print(exc.exit_code, said.getvalue().split(";")[0], "|", Path(kept).read_text())
    1 Error: could not write no-space/out.csv (No space left on device) | rows
    >>> Path(kept).unlink()
    """
    from ._files import write_safely

    with result_kept_on_failure():
        write_safely(path, write)


@contextlib.contextmanager
def result_kept_on_failure():
    """A figure function that writes its own file (``case_study``, ``policy_map``): a
    :class:`~mixann._files.ResultKeptElsewhere` becomes the command's one-line error."""
    from ._files import ResultKeptElsewhere

    try:
        yield
    except ResultKeptElsewhere as exc:
        # Not a usage error (exit 2): the arguments were fine, the disk was not.
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=1) from None


def image_file(path: Path) -> Path:
    """Typer callback for a figure's ``--out``: its folder must exist and matplotlib must write
    its format, checked before any training; no suffix means ``.png`` (what matplotlib writes,
    so the path printed is the file written).

    Examples
    --------
    >>> from pathlib import Path
    >>> import typer
    >>> from mixann.cli_checks import image_file
    >>> image_file(Path("fig5")).name
    'fig5.png'
    >>> try:
    ...     image_file(Path("fig5.xyz"))
    ... except typer.BadParameter as exc:
    ...     print(str(exc)[:60])
    matplotlib cannot write '.xyz' files; use one of .avif, .eps
    """
    from matplotlib.backend_bases import FigureCanvasBase

    from .plots import check_format

    output_file(path)
    formats = FigureCanvasBase.get_supported_filetypes()
    if not path.suffix and path.name.startswith(".") and path.name[1:].lower() in formats:
        # ".png" is a name without a suffix to pathlib: it would become ".png.png".
        raise typer.BadParameter(f"{path.name!r} is a format without a file name; give one, "
                                 f"e.g. {path.with_name('figure' + path.name)}")
    if not path.suffix:
        return path.with_suffix(".png")
    try:
        check_format(path)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return path


def separator_option(text: str) -> str:
    r"""Typer callback: one character separating a CSV's columns (``\t`` or ``tab``: a tab).

    Examples
    --------
    >>> from mixann.cli_checks import separator_option
    >>> separator_option(";"), separator_option("\\t"), separator_option("tab")
    (';', '\t', '\t')
    """
    sep = {"\\t": "\t", "tab": "\t"}.get(text, text)
    if len(sep) != 1 or sep in "\"\r\n":
        raise typer.BadParameter(f"{text!r} is not a column separator; give one character such "
                                 "as ',', ';', '|' or \\t (a tab)")
    return sep


def csv_header(path, sep=","):
    """The column names of a CSV as the file writes them (pandas names a blank one
    ``Unnamed: 0`` and a repeated one ``a.1``)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle, delimiter=sep), [])


def _other_separator(columns, sep):
    """The separator a one-column header seems to use instead of ``sep`` (or None)."""
    if len(columns) != 1:
        return None
    return next((c for c in ";,\t|" if c != sep and c in str(columns[0])), None)


def read_labelled_csv(path, label, sep=","):
    """Features and labels of a CSV, checked before MixAnN sees them.

    Parameters
    ----------
    path : path-like
        A CSV with a header row.
    label : str
        The label column; every other column is a feature.
    sep : str, default=","
        The column separator.

    Returns
    -------
    X : DataFrame
        The feature columns, all numeric and without empty cells.
    y : Series
        The label column, without empty cells.

    Raises
    ------
    typer.BadParameter
        For an empty or unreadable file, one without data rows, a missing label column,
        feature columns that are not numbers, or empty cells; the message names the columns
        and the fix.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import typer
    >>> from mixann.cli_checks import read_labelled_csv
    >>> csv = Path(tempfile.mkdtemp()) / "in.csv"
    >>> _ = csv.write_text("a,b,label\\n0.1,2,ok\\n0.4,3,fraud\\n")
    >>> X, y = read_labelled_csv(csv, "label")
    >>> list(X.columns), y.tolist()
    (['a', 'b'], ['ok', 'fraud'])
    >>> _ = csv.write_text("a,b,label\\n0.1,red,ok\\n,3,fraud\\n")
    >>> try:
    ...     read_labelled_csv(csv, "label")
    ... except typer.BadParameter as exc:
    ...     print(str(exc).replace(str(csv), "in.csv"))  # doctest: +ELLIPSIS
    column(s) ['b'] of in.csv are not numbers; MixAnN mixes numeric features: drop them or ...
    """
    import pandas as pd
    from pandas.api.types import is_numeric_dtype

    try:
        frame = pd.read_csv(path, sep=sep)
    except pd.errors.EmptyDataError:
        raise typer.BadParameter(f"{path} is empty; it needs a header row and data") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise typer.BadParameter(f"{path} is not a readable CSV ({exc})") from None
    if len(frame) == 0:
        raise typer.BadParameter(f"{path} has a header row but no data rows")
    # pandas renames a repeated column ("a" becomes "a.1"), so the output's header would
    # differ from the input's: refuse the names as the file has them.
    header = csv_header(path, sep)
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise typer.BadParameter(f"column name(s) {repeated} appear more than once in the header "
                                 f"of {path}; give every column its own name")
    other = _other_separator(frame.columns, sep)
    if label not in frame.columns and other is not None:
        raise typer.BadParameter(f"{path} reads as one column {str(frame.columns[0])[:60]!r}: "
                                 f"its columns seem separated by {other!r}; give --sep "
                                 f"{'tab' if other == chr(9) else repr(other)}")
    if label not in frame.columns:
        raise typer.BadParameter(f"no column {label!r} in {path}; columns are {list(frame.columns)}"
                                 "; name the label column with --label")
    X, y = frame.drop(columns=[label]), frame[label]
    if X.shape[1] == 0:
        raise typer.BadParameter(f"{path} has no feature columns besides {label!r}")
    # A column without a name is usually a pandas index saved with the data: a row number,
    # which MixAnN would mix as if it were a feature. Said, not refused: it may be meant.
    unnamed = [str(c) for c in header if not c.strip()]
    if unnamed:
        typer.echo(f"note: {path} has {len(unnamed)} column(s) without a name (a saved pandas "
                   "index?); they are used as features: drop them, or save the CSV with "
                   "index=False", err=True)
    text = [str(c) for c in X.columns if not is_numeric_dtype(X[c])]
    if text:
        raise typer.BadParameter(f"column(s) {text} of {path} are not numbers; MixAnN mixes "
                                 "numeric features: drop them or encode them as numbers "
                                 "(e.g. one-hot) first")
    # A column with no value at all (a trailing separator on every line, as spreadsheets
    # save): "fill in or drop the rows" would mean every row; the column is what to drop.
    blank = [i + 1 for i, c in enumerate(frame.columns) if c != label and X[c].isna().all()]
    if blank:
        raise typer.BadParameter(
            f"column{'s' if len(blank) > 1 else ''} {', '.join(map(str, blank))} of {path} "
            f"{'are' if len(blank) > 1 else 'is'} empty in every row"
            + (" (a separator at the end of each line?)" if blank[-1] == len(frame.columns)
               else "") + "; remove it from the file")
    empty = [str(c) for c in X.columns if X[c].isna().any()]
    if empty or y.isna().any():
        rows = int(frame.isna().any(axis=1).sum())
        where = f"column(s) {empty}" if empty else f"the label column {label!r}"
        raise typer.BadParameter(f"{where} of {path} have empty cells ({rows} row(s)); fill them "
                                 "in (e.g. sklearn.impute.SimpleImputer) or drop those rows first")
    return X, y
