"""The ``mixann`` command line: demo, resample (benchmark commands register below)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from .cli_checks import (CLASSIFIER_HELP, MAX_SEED, baselines_option, classifier_option,
                         convergence_warnings_counted, csv_header, output_file,
                         read_labelled_csv, resample_or_refuse, separator_option,
                         write_or_keep)
from .defaults import FIXED_PICKS

app = typer.Typer(help="MixAnN: learned mix-up augmentation for imbalanced data with diverse "
                       "minorities.", no_args_is_help=True, add_completion=False)
console = Console()
# Messages about a run, on stderr as the progress bars are: `resample`'s output may be
# /dev/stdout, piped on.
err_console = Console(stderr=True)


def _macro_prf(y_true, y_pred):
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="macro", zero_division=0)
    return p, r, f


@app.command()
def demo(
    classifier: str = typer.Option("knn", callback=classifier_option,
                                   help=CLASSIFIER_HELP),
    n_samples: int = typer.Option(3000, min=200, help="Size of the synthetic dataset."),
    episodes: int = typer.Option(20, min=1, help="MixAnN episodes (E)."),
    seed: int = typer.Option(0, min=0, max=MAX_SEED, help="Random seed of data, split and MixAnN."),
    seeds: int = typer.Option(1, min=1, help="Run seeds --seed .. --seed + n - 1 and show the "
                              "means (F1 with its std over seeds)."),
    compare: str = typer.Option("smote,autosmote", callback=baselines_option,
                                help="Baselines fitted on the same split, one row each "
                                     "(comma-separated mixann.baselines names; '' for none; "
                                     "no augmentation is always the first row)."),
):
    """Run MixAnN on built-in synthetic "diverse minorities" data and print a before/after table.

    The same split also trains the ``--compare`` baselines (SMOTE and AutoSMOTE by default), so
    the table shows where MixAnN stands against them, not only against no augmentation.
    """
    import numpy as np

    if seed + seeds - 1 > MAX_SEED:  # else the last seeds fail after the first ones ran
        raise typer.BadParameter(f"--seed {seed} with --seeds {seeds} runs seeds up to "
                                 f"{seed + seeds - 1}, past {MAX_SEED}; lower --seed",
                                 param_hint="--seed")
    short = {"without augmentation": "none", "with MixAnN": "MixAnN"}  # per-seed lines
    runs = []
    for s in range(seed, seed + seeds):
        data = _demo_data(n_samples, s)
        if s == seed:
            y_test = data[3]
            n_anomalies = int(data[2].sum() + y_test.sum())
            console.print(f"Synthetic diverse minorities: {n_samples} samples, {n_anomalies} "
                          f"minority ({n_anomalies / n_samples:.1%}); test split {len(y_test)} "
                          f"samples ({int(y_test.sum())} anomalies); classifier {classifier}.")
        rows, sampler = _demo_run(classifier, data, episodes, s, compare, verbose=seeds == 1)
        runs.append(rows)
        if seeds > 1:
            console.print(f"seed {s}: " + ", ".join(f"{short.get(label, label)} {prf[2]:.3f}"
                                                     for label, prf, _ in rows))

    table = Table(title="Test macro scores" + (f", mean of seeds {seed}-{seed + seeds - 1}"
                                               if seeds > 1 else ""))
    for col in ("method", "precision", "recall", "F1", "synthetic"):
        table.add_column(col, justify="right" if col != "method" else "left")
    for i, (label, _, _) in enumerate(runs[0]):
        prf = np.array([run[i][1] for run in runs])
        f1 = f"{prf[:, 2].mean():.3f}" + (f" ± {prf[:, 2].std():.3f}" if seeds > 1 else "")
        table.add_row(label, f"{prf[:, 0].mean():.3f}", f"{prf[:, 1].mean():.3f}", f1,
                      f"{np.mean([run[i][2] for run in runs]):.0f}")
    console.print(table)
    if seeds == 1:
        console.print(describe_choice(sampler))
        console.print("One split: F1 moves by a few hundredths with the seed alone; --seeds 10 "
                      "shows the means, `mixann bench` compares methods over seeds and real "
                      "datasets.")


def _demo_data(n_samples, seed):
    """The demo's synthetic data, split 80/20 (stratified): ``X_train, X_test, y_train, y_test``."""
    from sklearn.model_selection import train_test_split

    from .datasets import make_diverse_minorities

    X, y = make_diverse_minorities(n_samples=n_samples, random_state=seed)
    return train_test_split(X, y, test_size=0.2, stratify=y, random_state=seed)


def _demo_run(classifier, data, episodes, seed, compare, verbose):
    """One seed of the demo on ``data`` (:func:`_demo_data`): ``[(label, (precision, recall,
    F1), n_synthetic)]`` for no augmentation, each ``compare`` baseline and MixAnN, and the
    fitted MixAnN."""
    from sklearn.base import clone

    from .baselines import make_sampler
    from .bench.report import METHOD_LABELS
    from .classifiers import make_classifier
    from .sampler import MixAnN

    X_train, X_test, y_train, y_test = data
    estimator = make_classifier(classifier, random_state=seed)

    def scores(X_fit, y_fit):
        return _macro_prf(y_test, clone(estimator).fit(X_fit, y_fit).predict(X_test))

    with convergence_warnings_counted():  # an MLP's warnings: one line, not dozens
        rows = [("without augmentation", scores(X_train, y_train), 0)]
        for name in compare:
            label = METHOD_LABELS.get(name, name)
            baseline = make_sampler(name, estimator=estimator, random_state=seed, y=y_train)
            # AutoSMOTE refits the classifier for every policy draw: seconds with an MLP.
            with console.status(f"{label}: resampling and fitting {classifier}",
                                spinner="dots"):
                X_res, y_res = baseline.fit_resample(X_train, y_train)
                rows.append((label, scores(X_res, y_res), len(y_res) - len(y_train)))
        sampler = MixAnN(estimator=estimator, n_episodes=episodes, random_state=seed,
                         verbose=verbose)
        rows.append(("with MixAnN", scores(*sampler.fit_resample(X_train, y_train)),
                     len(sampler.synthetic_X_)))
    return rows, sampler


def describe_choice(sampler):
    """One sentence on what a fitted MixAnN returned and why (for the demo's output)."""
    h = sampler.history_
    if h["preset"] == "paper":
        if h["guard_fired"]:
            return ("guard fired: no episode beat the un-augmented classifier on validation, "
                    "so nothing was added")
        return (f"returned episode {h['returned_episode']} (validation {sampler.metric} "
                f"{max(e['score'] for e in h['episodes']):.3f} vs {h['baseline_score']:.3f} "
                "without)")
    if h["selection_rule"] in FIXED_PICKS:
        return (f"{h['mix_kind']} mixing, volume {h['volume']:g} of the class gap, with no "
                f"volume search and no actor trained: too few anomalies for the folds to "
                f"choose on (selection_rule "
                f"{sampler.selection_rule!r} -> {h['selection_rule']!r})")
    scores = {(c["kind"], c["volume"]): c["score"] for c in h["candidates"]}
    none = scores.get((None, 0.0), float("nan"))
    if h["mix_kind"] is None:
        return (f"no augmentation scored best on {sampler.selection_folds}-fold out-of-fold "
                f"{sampler.metric} ({none:.3f}), so nothing was added")
    return (f"{h['mix_kind']} mixing, volume {h['volume']:g} of the class gap, chosen on "
            f"{sampler.selection_folds}-fold out-of-fold {sampler.metric} "
            f"({scores[(h['mix_kind'], h['volume'])]:.3f}; no augmentation {none:.3f})")


@app.command()
def resample(
    input_csv: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV with features and a label column."),
    output_csv: Path = typer.Argument(..., dir_okay=False, callback=output_file,
                                      help="Where to write the augmented CSV."),
    label: str = typer.Option("label", help="Name of the label column."),
    sep: str = typer.Option(",", callback=separator_option,
                            help="Column separator of the input, used for the output too "
                                 "(\\t or tab: a tab)."),
    classifier: str = typer.Option("knn", callback=classifier_option,
                                   help=CLASSIFIER_HELP),
    episodes: int = typer.Option(30, min=1, help="MixAnN episodes (E)."),
    seed: int = typer.Option(0, min=0, max=MAX_SEED, help="Random seed."),
    jobs: int = typer.Option(1, help="Classifier fits of the volume search run at once "
                             "(-1: every core); the output does not depend on it."),
    prune: Optional[float] = typer.Option(None, help="Keep only this share of the volume "
                                          "search's candidates after two of its five folds "
                                          "(MixAnN's selection_prune). Default: 0.25 for "
                                          "xgboost and mlp (40 to 45 % less time), "
                                          "xgboost-linear (28 to 34 %) and knn (13 to 15 %); "
                                          "random-forest keeps the full search (pruned, "
                                          "it lost 2 of 20 cells), as does "
                                          "hist-gradient-boosting (never measured pruned); "
                                          "1 scores every candidate on every fold."),
):
    """Augment a CSV file with MixAnN and write the result (original rows first).

    With more than two labels, every class smaller than the largest is augmented against the
    rest (one MixAnN each).
    """
    import numpy as np

    if jobs == 0:
        raise typer.BadParameter("--jobs 0 runs nothing; give 1 or more, or -1 for every core")
    if prune is not None and not 0 < prune <= 1:
        raise typer.BadParameter(f"--prune {prune:g} is not a share of the candidates; give a "
                                 "number in (0, 1], e.g. 0.25, or 1 to score every candidate on "
                                 "every fold", param_hint="--prune")
    if output_csv.exists() and output_csv.resolve() == input_csv.resolve():
        # Why: the input was overwritten, and a second run augmented the augmented rows,
        # nothing telling the synthetic ones apart.
        raise typer.BadParameter(f"{output_csv} is the input file; write the augmented rows to "
                                 "another file (the input keeps the real rows)",
                                 param_hint="OUTPUT_CSV")
    X, y = read_labelled_csv(input_csv, label, sep)
    # Imported after the checks above: torch and imbalanced-learn take seconds to import, and
    # a refused argument or CSV should answer at once.
    from .classifiers import make_classifier
    from .sampler import MixAnN

    sampler = MixAnN(estimator=make_classifier(classifier, random_state=seed), n_episodes=episodes,
                     n_jobs=jobs, selection_prune="auto" if prune is None else prune,
                     random_state=seed, verbose=True)
    out, y_res = resample_or_refuse(sampler, X, y, "INPUT_CSV")  # a DataFrame, as X is
    # The label column goes back where the input had it: the output has the input's columns,
    # named as the file names them (a blank name stays blank).
    header = csv_header(input_csv, sep)
    out.insert(header.index(label), label, np.asarray(y_res))
    write_or_keep(output_csv, lambda path: out.to_csv(path, index=False, header=header, sep=sep))
    per_class = ", ".join(f"{c}: {n}" for c, n in sampler.sampling_strategy_.items())
    # markup=False: labels and paths are user text ("[/x]" or "run[bold]/" are not markup).
    err_console.print(f"wrote {len(out)} rows ({len(sampler.synthetic_X_)} synthetic; "
                      f"{per_class}) to {output_csv}", markup=False)


from .data_cli import data_app  # noqa: E402

app.add_typer(data_app, name="data")


from .bench.commands import bench, report  # noqa: E402

app.command()(bench)
app.command()(report)

from .plot_cli import plot_app  # noqa: E402

app.add_typer(plot_app, name="plot")


if __name__ == "__main__":  # pragma: no cover
    app()
