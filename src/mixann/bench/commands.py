"""``mixann bench`` and ``mixann report`` (registered on the typer app in :mod:`mixann.cli`)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape

from ..classifiers import CLASSIFIER_NAMES
from ..cli_checks import check_names, split_names

console = Console()


def _valid_datasets():
    from .. import datasets

    names = list(getattr(datasets, "DATASET_NAMES", ()))
    names += [n for n in getattr(datasets, "ADBENCH_FILES", {}) if n not in names]
    return names


def bench(
    datasets: str = typer.Option("vowels", help="Comma-separated dataset names."),
    classifiers: str = typer.Option("knn,xgboost,mlp", help="Comma-separated: "
                                    + ", ".join(CLASSIFIER_NAMES) + "."),
    methods: Optional[str] = typer.Option(None, help="Comma-separated methods and shortcuts: "
                                          "'all' (none, every registered baseline, "
                                          "mixann-paper, mixann; the default without --sweep), "
                                          "'ablations' (mixann-random-reward, "
                                          "mixann-no-improvement, mixann-no-exploration, "
                                          "mixann), 'detectors' (xgbod, devnet, deepsad; run once "
                                          "per dataset and seed, classifier '-')."),
    # Help text is Rich markup: "\\[" keeps [eta=0.3] from being read as a (dropped) tag.
    sweep: Optional[List[str]] = typer.Option(None, help="Fig. 4 sweep, repeatable: K=5,10,15,"
                                              "20,25 (MixAnN with K fixed) or eta=0.1,0.3,0.5 "
                                              "(the default preset with eta set, K = 10), or "
                                              "the default preset's selection_repeats=2, "
                                              "selection_folds=10, n_draws=10 or "
                                              "selection_rule=best-larger, "
                                              "selection_prune=0.25, or warmup_steps=5 "
                                              "(DDPG's random steps); stored as methods "
                                              "mixann[K=5], mixann\\[eta=0.3]. The paper preset "
                                              "takes K and warmup_steps through --methods "
                                              "'mixann-paper\\[warmup_steps=5]'. Without "
                                              "--methods only the sweep runs."),
    seeds: int = typer.Option(5, min=1, help="Number of seeds: n runs seeds 0..n-1 (from "
                              "--first-seed on when given)."),
    first_seed: int = typer.Option(0, min=0, help="The first seed: --seeds 5 --first-seed 10 "
                                   "runs seeds 10..14, fresh splits beside a database of 0..9."),
    budget: str = typer.Option("quick", help="quick or paper (test: tiny, for the test-suite)."),
    db: Path = typer.Option(Path("results.sqlite"), dir_okay=False, help="SQLite results file."),
    data_dir: Optional[Path] = typer.Option(None, file_okay=False, help="Folder of the ADBench "
                                            ".npz files (default $MIXANN_DATA or ~/.cache/mixann)."),
    jobs: int = typer.Option(1, min=1, help="Parallel worker processes (1 = serial)."),
    scheduler: Optional[str] = typer.Option(None, help="Run on dask.distributed: 'local' (a "
                                            "LocalCluster of --jobs workers) or tcp://HOST:8786."),
):
    """Run the benchmark grid (dataset x classifier x method x seed) into a SQLite file.

    Cells already in the database with status ok are skipped, so an interrupted run resumes
    where it stopped; failed cells are retried.
    """
    from . import protocol
    from .runner import (DataMismatch, SchedulerError, UnusableData, build_cells,
                         canonical_dataset, check_scheduler, is_detector, parse_sweep,
                         resolve_methods, run_grid)
    from .store import CannotOpenDatabase, NotAResultsFile

    # A name given twice is one name: the header's counts then match the cells run. A known
    # ADBench dataset is stored under its short name however it is spelt ("vowels.npz",
    # "40_vowels", "Vowels" all read 40_vowels.npz): one dataset in the report and the resume.
    ds = list(dict.fromkeys(canonical_dataset(d) for d in split_names(datasets)))
    # Known names pass; so does an ADBench file stem present in the data folder.
    check_names("dataset", ds,
                _valid_datasets() + [d for d in ds if _dataset_file_exists(d, data_dir)],
                "--datasets")
    clfs = list(dict.fromkeys(split_names(classifiers)))
    check_names("classifier", clfs, list(CLASSIFIER_NAMES), "--classifiers")
    if methods is None:
        methods = "" if sweep else "all"
    try:
        ms = resolve_methods(methods)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--methods") from None
    try:
        ms = list(dict.fromkeys(ms + [m for spec in sweep or [] for m in parse_sweep(spec)]))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--sweep") from None
    if not ms:
        raise typer.BadParameter("give at least one method", param_hint="--methods")
    check_names("budget", [budget], list(protocol.BUDGETS), "--budget")
    try:
        check_scheduler(scheduler)  # before the database is created
    except SchedulerError as exc:
        raise typer.BadParameter(str(exc), param_hint="--scheduler") from None

    seed_list = range(first_seed, first_seed + seeds)
    n_cells = len(build_cells(ds, clfs, ms, seed_list, budget))
    # Detectors take no classifier (one cell per dataset and seed): the header's product must
    # give the cells run, so they are counted beside the classifier x method grid.
    n_det = sum(map(is_detector, ms))
    grid = f"{len(clfs)} classifier(s) x {len(ms) - n_det} method(s)"
    per_dataset = (grid if not n_det else f"{n_det} detector(s)" if n_det == len(ms)
                   else f"({grid} + {n_det} detector(s))")
    # markup=False: a path like run[bold]/r.sqlite is user text, not Rich markup.
    which = f" ({first_seed}..{seed_list[-1]})" if first_seed else ""
    console.print(f"bench: {len(ds)} dataset(s) x {per_dataset} x {seeds} seed(s){which} = "
                  f"{n_cells} cells, budget {budget}, db {db}, jobs {jobs}"
                  + (f", scheduler {scheduler}" if scheduler else ""), markup=False)
    try:
        with _sigterm_as_interrupt():
            summary = run_grid(ds, clfs, ms, seed_list, budget, db, data_dir=data_dir, jobs=jobs,
                               console=console, scheduler=scheduler)
    except FileNotFoundError as exc:  # raised before the first cell: nothing was written
        raise typer.BadParameter(str(exc), param_hint="--data-dir") from None
    except (NotAResultsFile, CannotOpenDatabase) as exc:  # before anything is written to it
        raise typer.BadParameter(str(exc), param_hint="--db") from None
    except SchedulerError as exc:  # the address was well formed, but nothing answered there
        raise typer.BadParameter(str(exc), param_hint="--scheduler") from None
    except (DataMismatch, UnusableData) as exc:  # before the first cell: the database as it was
        raise typer.BadParameter(str(exc), param_hint="--data-dir") from None
    except KeyboardInterrupt:
        if Path(db).exists():
            console.print(f"[yellow]interrupted: finished cells are saved in {escape(str(db))}; "
                          "rerun the same command to resume.[/yellow]")
        else:  # a new database is created with the first cell recorded
            console.print(f"[yellow]interrupted before any cell was recorded; "
                          f"{escape(str(db))} was not created.[/yellow]")
        raise typer.Exit(code=130)
    console.print(f"ok {summary['ok']}, failed {summary['failed']}, skipped (already done) "
                  f"{summary['skipped']}, of {summary['total']} cells")
    if summary["failed"]:
        console.print(f"[yellow]{summary['failed']} cell(s) failed; their errors are in "
                      f"{escape(str(db))}; rerun the same command to retry them.[/yellow]")
        for message, count in _failures(db, build_cells(ds, clfs, ms, seed_list, budget)):
            console.print(f"  {count} x {escape(message)}")


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """SIGTERM (``kill``, ``docker stop``, a job scheduler) handled as Ctrl-C while the grid
    runs: the worker processes are shut down and the resume message printed. Unhandled, it
    ended this process at once and left the workers blocked on their queue for good."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # signals: main thread only
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _failures(db, cells, most=3):
    """The commonest first lines of the failed cells' errors among ``cells``, with counts, so
    that a wrong data folder or a broken method shows at once, not only in the database."""
    from collections import Counter

    from .store import KEY, ResultStore

    keys = {cell.key for cell in cells}
    with ResultStore(db) as store:
        firsts = Counter(row["error"].splitlines()[0] if row["error"] else "no message"
                         for row in store.rows(status="failed")
                         if tuple(row[k] for k in KEY) in keys)
    return firsts.most_common(most)


def _dataset_file_exists(name, data_dir):
    """An ADBench file stem (e.g. ``40_vowels``) present in the data folder is accepted too."""
    from ..datasets import data_dir as resolve

    return (resolve(data_dir) / f"{name}.npz").is_file()


def report(
    db: List[Path] = typer.Option([Path("results.sqlite")], dir_okay=False,
                                  help="SQLite results file; repeat it to report several "
                                       "together, e.g. one per classifier."),
    out: Path = typer.Option(Path("report"), file_okay=False, help="Output folder."),
    budget: Optional[str] = typer.Option(None, help="Budget to report (default: paper if "
                                         "present, else quick, else the only one present)."),
    case_study: bool = typer.Option(False, "--case-study", help="Also draw fig5.png, the toy2 "
                                    "case study (mixann.plots.case_study on "
                                    "mixann.datasets.load_toy2(); takes a while)."),
    datasets: Optional[str] = typer.Option(None, help="Comma-separated datasets to report "
                                           "(default: every dataset in the database), e.g. to "
                                           "leave out one whose cells are unfinished."),
    seeds: Optional[int] = typer.Option(None, min=1, help="Report seeds 0..n-1 only (default: "
                                        "all), e.g. --seeds 5 on a database run with --seeds 10."),
    first_seed: int = typer.Option(0, min=0, help="Start the seeds reported here: --seeds 5 "
                                   "--first-seed 10 reports seeds 10..14; without --seeds, every "
                                   "seed from here on (fresh seeds a later bench added)."),
):
    """Write the paper's tables and figures from a results file into --out.

    Always table2.md/.csv, wilcoxon.md, timing.md/.csv (seconds per cell to resample and to fit)
    and report.md (everything, figures embedded); margin.png/.csv (MixAnN minus the best other
    method, per dataset) when MixAnN and another method have rows; also,
    when the database holds their rows, table3.md/.csv (detectors), table4.md/.csv (reward
    ablations), fig4_K.png / fig4_eta.png / fig4.csv (sweeps), and fig5.png with --case-study
    (an existing fig5.png in --out is embedded as is). Missing pieces are listed in report.md
    with the `mixann bench` command that fills them.
    """
    from .report import NoResults, write_report
    from .store import CannotOpenDatabase, NotAResultsFile

    names = None if datasets is None else [d.strip() for d in datasets.split(",") if d.strip()]
    try:
        # An empty or all-failed database is refused: a report without a number says nothing.
        paths = write_report(db, out, budget=budget, case_study=case_study, datasets=names,
                             seeds=seeds, first_seed=first_seed, require_results=True,
                             notify=lambda message: console.print(message, markup=False,
                                                                  soft_wrap=True))
    except (FileNotFoundError, NotAResultsFile, CannotOpenDatabase, NoResults) as exc:
        raise typer.BadParameter(str(exc), param_hint="--db") from None
    except ValueError as exc:
        hint = ("--db" if "more than one database" in str(exc) else
                "--budget" if str(exc).startswith("budget ") else
                "--first-seed" if str(exc).startswith("first_seed") or
                str(exc).endswith("lower --first-seed") else
                "--seeds" if str(exc).startswith("seeds ") else
                "--datasets" if "dataset" in str(exc) else None)
        raise typer.BadParameter(str(exc), param_hint=hint) from None
    for path in paths.values():
        console.print(f"wrote {path}", markup=False)
    if "margin_csv" in paths:
        _print_margins(paths["margin_csv"])


def _print_margins(path):
    """The verdict on the terminal: one line per classifier from ``margin.csv``."""
    import pandas as pd
    from rich.table import Table

    from .margins import ALL, GOAL
    from .report import METHOD_LABELS, NEEDS_SEEDS

    deltas = pd.read_csv(path)
    means = deltas[deltas["dataset"] == ALL]
    # Seeds behind each classifier's margin: the fewest pairs of any of its datasets.
    seeds = deltas[deltas["dataset"] != ALL].groupby("classifier")["n"].min()
    table = Table(title="MixAnN minus the best other method, test macro-F1")
    for name in ("classifier", "best other", "margin", "SE", "pairs W/T/L", f">= +{GOAL:g}"):
        table.add_column(name, justify="left" if name in ("classifier", "best other") else "right")
    for r in means.itertuples(index=False):
        # Only the margin's half of the goal: table2.md also checks "never below none". One
        # seed has no standard error ("–", not "nan") and cannot meet a goal: report.md says
        # the same (margin_summary).
        table.add_row(r.classifier, METHOD_LABELS.get(r.baseline, r.baseline),
                      f"{r.delta:+.3f}", "–" if pd.isna(r.se) else f"{r.se:.3f}",
                      f"{r.n} {r.wins}/{r.ties}/{r.losses}",
                      NEEDS_SEEDS if seeds.get(r.classifier, 0) < 2
                      else "yes" if r.delta >= GOAL else "no")
    console.print(table)
