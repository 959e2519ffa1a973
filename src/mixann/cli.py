"""The ``mixann`` command line: demo, resample (benchmark commands register below)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from .cli_checks import (classifier_option, output_file, read_labelled_csv,
                         resample_or_refuse)

app = typer.Typer(help="MixAnN: learned mix-up augmentation for imbalanced data with diverse "
                       "minorities.", no_args_is_help=True, add_completion=False)
console = Console()


def _macro_prf(y_true, y_pred):
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="macro", zero_division=0)
    return p, r, f


@app.command()
def demo(
    classifier: str = typer.Option("knn", callback=classifier_option,
                                   help="knn, xgboost, xgboost-linear or mlp."),
    n_samples: int = typer.Option(3000, min=200, help="Size of the synthetic dataset."),
    episodes: int = typer.Option(20, min=1, help="MixAnN episodes (E)."),
    seed: int = typer.Option(0, help="Random seed of data, split and MixAnN."),
):
    """Run MixAnN on built-in synthetic "diverse minorities" data and print a before/after table."""
    from sklearn.base import clone
    from sklearn.model_selection import train_test_split

    from .classifiers import make_classifier
    from .datasets import make_diverse_minorities
    from .sampler import MixAnN

    X, y = make_diverse_minorities(n_samples=n_samples, random_state=seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y,
                                                        random_state=seed)
    console.print(f"Synthetic diverse minorities: {n_samples} samples, {int(y.sum())} minority "
                  f"({y.mean():.1%}); test split {len(y_test)} samples; classifier {classifier}.")
    estimator = make_classifier(classifier, random_state=seed)
    before = clone(estimator).fit(X_train, y_train).predict(X_test)
    sampler = MixAnN(estimator=estimator, n_episodes=episodes, random_state=seed, verbose=True)
    X_res, y_res = sampler.fit_resample(X_train, y_train)
    after = clone(estimator).fit(X_res, y_res).predict(X_test)

    table = Table(title="Test macro scores")
    for col in ("method", "precision", "recall", "F1", "synthetic"):
        table.add_column(col, justify="right" if col != "method" else "left")
    for name, pred, n_syn in (("without augmentation", before, 0),
                              ("with MixAnN", after, len(sampler.synthetic_X_))):
        p, r, f = _macro_prf(y_test, pred)
        table.add_row(name, f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", str(n_syn))
    console.print(table)
    console.print(describe_choice(sampler))


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
    classifier: str = typer.Option("knn", callback=classifier_option,
                                   help="knn, xgboost, xgboost-linear or mlp."),
    episodes: int = typer.Option(30, min=1, help="MixAnN episodes (E)."),
    seed: int = typer.Option(0, help="Random seed."),
    jobs: int = typer.Option(1, help="Classifier fits of the volume search run at once "
                             "(-1: every core); the output does not depend on it."),
):
    """Augment a CSV file with MixAnN and write the result (original rows first)."""
    from .classifiers import make_classifier
    from .sampler import MixAnN

    if jobs == 0:
        raise typer.BadParameter("--jobs 0 runs nothing; give 1 or more, or -1 for every core")
    X, y = read_labelled_csv(input_csv, label)
    sampler = MixAnN(estimator=make_classifier(classifier, random_state=seed), n_episodes=episodes,
                     n_jobs=jobs, random_state=seed, verbose=True)
    out, y_res = resample_or_refuse(sampler, X, y, "INPUT_CSV")  # a DataFrame, as X is
    out[label] = y_res
    out.to_csv(output_csv, index=False)
    console.print(f"wrote {len(out)} rows ({len(sampler.synthetic_X_)} synthetic) to {output_csv}")


from .data_cli import data_app  # noqa: E402

app.add_typer(data_app, name="data")


from .bench.commands import bench, report  # noqa: E402

app.command()(bench)
app.command()(report)

from .plot_cli import plot_app  # noqa: E402

app.add_typer(plot_app, name="plot")


if __name__ == "__main__":  # pragma: no cover
    app()
