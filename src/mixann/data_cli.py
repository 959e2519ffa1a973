"""``mixann data``: list the known datasets and fetch ADBench files."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

data_app = typer.Typer(help="List the datasets and download ADBench files.", no_args_is_help=True,
                       add_completion=False)
console = Console()

_DATA_DIR = typer.Option(None, "--data-dir", help="Data folder (default: $MIXANN_DATA or ~/.cache/mixann).")


@data_app.command("fetch")
def fetch(
    names: List[str] = typer.Argument(..., help="Short names (vowels, cifar10, ...) or ADBench file stems."),
    data_dir: Optional[Path] = _DATA_DIR,
    timeout: float = typer.Option(30.0, min=0.1, help="Network timeout in seconds."),
    force: bool = typer.Option(False, help="Download again even when the file is present."),
):
    """Download ADBench datasets into the data folder (skips the ones already there)."""
    from rich.markup import escape

    from .datasets import DatasetDownloadError, fetch_dataset

    failed = False
    for name in names:
        try:
            path = fetch_dataset(name, data_dir=data_dir, timeout=timeout, force=force)
        except (DatasetDownloadError, ValueError) as exc:
            # The name and message are the user's text: escaped, never read as markup.
            console.print(f"[red]error[/red] {escape(f'{name}: {exc}')}")
            failed = True
        else:
            console.print(f"{name}: {path}", markup=False)
    if failed:
        raise typer.Exit(code=1)


@data_app.command("list")
def list_datasets(data_dir: Optional[Path] = _DATA_DIR):
    """Show the known datasets, their ADBench file, and shape / anomaly rate of those present."""
    from rich.markup import escape

    from .datasets import ADBENCH_FILES, _read_npz, data_dir as resolve_dir, dataset_stem

    folder = resolve_dir(data_dir)
    if folder.exists() and not folder.is_dir():
        raise typer.BadParameter(f"{folder} is a file, not a folder; give the folder that holds "
                                 "the .npz files", param_hint="--data-dir")
    if data_dir is not None and not folder.exists():
        # Why: every dataset showed "no", as if the folder were there and empty.
        raise typer.BadParameter(f"folder {folder} does not exist; give the folder that holds "
                                 "the .npz files, or `mixann data fetch NAME --data-dir "
                                 f"{folder}` to create it", param_hint="--data-dir")
    broken = []
    rows = list(ADBENCH_FILES.items())
    known = set(ADBENCH_FILES.values())
    if folder.is_dir():  # other ADBench files the user put there
        rows += [(p.stem, p.stem) for p in sorted(folder.glob("*.npz")) if p.stem not in known]
    # Names and paths are the user's text: escaped, never read as Rich markup.
    table = Table(title=f"datasets in {escape(str(folder))}")
    for column in ("name", "file", "present", "shape", "anomaly rate"):
        table.add_column(column, justify="right" if column in ("shape", "anomaly rate") else "left")
    for name, stem in rows:
        path = folder / f"{stem}.npz"
        if name.lower() in ADBENCH_FILES and ADBENCH_FILES[name.lower()] != stem:
            # e.g. a user's vowels.npz: the name "vowels" loads 40_vowels.npz, so no name
            # reaches this file.
            table.add_row(escape(name), escape(f"{stem}.npz"), "[yellow]shadowed[/yellow]", "", "")
            broken.append(f"{stem}.npz: the name {name.lower()!r} loads "
                          f"{ADBENCH_FILES[name.lower()]}.npz, so no name reaches this file; "
                          f"rename it (e.g. my_{stem}.npz) and load it by its new name")
            continue
        try:
            dataset_stem(name)
        except ValueError:
            # e.g. "my data.npz": listed as present, yet load_dataset("my data") refuses the
            # name, so no name reaches this file either.
            table.add_row(escape(name), escape(f"{stem}.npz"), "[yellow]bad name[/yellow]", "", "")
            broken.append(f"{stem}.npz: {stem!r} is not a valid dataset name, so no name loads "
                          "this file; rename it to letters, digits and _ . + - (e.g. my_data.npz)")
            continue
        name, file = escape(name), escape(f"{stem}.npz")
        if not path.is_file():
            table.add_row(name, file, "no", "", "")
            continue
        try:
            X, y = _read_npz(path)
        except Exception as exc:  # noqa: BLE001 - show the broken file, keep listing
            broken.append(f"{stem}.npz: {type(exc).__name__}: {exc}")
            table.add_row(name, file, "[red]broken[/red]", "", type(exc).__name__)
            continue
        table.add_row(name, file, "yes", f"{X.shape[0]}×{X.shape[1]}", f"{100 * y.mean():.2f}%")
    console.print(table)
    for line in broken:  # why each broken or shadowed file does not load
        console.print(line, markup=False)
