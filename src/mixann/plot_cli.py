"""``mixann plot``: the case study (Fig. 5) and the policy map."""

from __future__ import annotations

from pathlib import Path

import typer

from .cli_checks import (CLASSIFIER_HELP, MAX_SEED, check_names, classifier_option, image_file,
                         read_labelled_csv, resample_or_refuse, result_kept_on_failure,
                         separator_option, split_names)

plot_app = typer.Typer(help="Draw the case study (Fig. 5) or a MixAnN policy map.",
                       no_args_is_help=True)


def _toy2(path, option="--toy2"):
    """toy2 as ``(X, y)``, or a one-line error naming where it was looked for and ``option``,
    the command's way to give a file."""
    from .datasets import load_toy2

    try:
        return load_toy2(path)
    except (FileNotFoundError, ValueError) as exc:
        hint = f" (here: {option} PATH)" if path is None else ""
        raise typer.BadParameter(f"{exc}{hint}", param_hint=option) from None


def _methods(methods):
    """The comma-separated ``--methods`` as a list (None for 'all'), unknown names refused."""
    from .baselines import BASELINE_NAMES

    if methods == "all":
        return None
    chosen = split_names(methods)
    check_names("method", chosen, (*BASELINE_NAMES, "mixann"), "--methods", also=", or 'all'")
    return chosen


@plot_app.command("case-study")
def case_study_command(
    out: Path = typer.Option(Path("fig5.png"), callback=image_file,
                             help="Image to write (a format matplotlib writes; none: .png)."),
    classifier: str = typer.Option("knn", callback=classifier_option,
                                   help=CLASSIFIER_HELP),
    methods: str = typer.Option("all", help="Comma-separated methods, or 'all'."),
    toy2: Path = typer.Option(None, help="toy2_1.csv (default: $MIXANN_TOY2 or the data folder)."),
    episodes: int = typer.Option(30, min=1, help="MixAnN episodes."),
    seed: int = typer.Option(0, min=0, max=MAX_SEED, help="Split and method seed."),
):
    """Fig. 5: every horizontal method and MixAnN on toy2, one panel each (split 60/20/20)."""
    from .plots import case_study

    chosen = _methods(methods)
    X, y = _toy2(toy2)
    try:
        with result_kept_on_failure():
            scores = case_study(out, X, y, methods=chosen, classifier=classifier,
                                random_state=seed, n_episodes=episodes)
    except ValueError as exc:  # data the split cannot serve (too few anomalies, not 2-D)
        raise typer.BadParameter(str(exc), param_hint="--toy2") from None
    for method, score in scores.items():
        typer.echo(f"{method:>18}  test macro-F1 {score:.3f}")
    typer.echo(f"wrote {out}")


@plot_app.command("policy")
def policy_command(
    out: Path = typer.Option(Path("policy.png"), callback=image_file,
                             help="Image to write (a format matplotlib writes; none: .png)."),
    csv: Path = typer.Option(None, exists=True, dir_okay=False,
                             help="2-D CSV with a label column (default: toy2)."),
    label: str = typer.Option("label", help="Label column of --csv."),
    sep: str = typer.Option(",", callback=separator_option,
                            help="Column separator of --csv (\\t or tab: a tab)."),
    classifier: str = typer.Option("knn", callback=classifier_option,
                                   help=CLASSIFIER_HELP),
    episodes: int = typer.Option(30, min=1, help="MixAnN episodes."),
    seed: int = typer.Option(0, min=0, max=MAX_SEED, help="Random seed."),
):
    """The synthetic samples MixAnN generates on a 2-D dataset, coloured by alpha."""
    import numpy as np

    from .classifiers import make_classifier
    from .plots import policy_map
    from .sampler import MixAnN

    if csv is None:
        X, y = _toy2(None, option="--csv")
    else:
        features, labels = read_labelled_csv(csv, label, sep)
        if features.shape[1] != 2:
            raise typer.BadParameter(f"the policy map draws 2-D data; {csv} has "
                                     f"{features.shape[1]} feature columns", param_hint="--csv")
        X, y = features.to_numpy(dtype=float), labels.to_numpy()
        n_labels = len(np.unique(y))
        if n_labels != 2:  # checked before any training
            raise typer.BadParameter(f"the policy map draws one minority against the rest; "
                                     f"{csv} has {n_labels} labels in {label!r}: keep two",
                                     param_hint="--csv")
    sampler = MixAnN(estimator=make_classifier(classifier, random_state=seed), n_episodes=episodes,
                     guard=False, random_state=seed, verbose=True)
    resample_or_refuse(sampler, X, y, "--csv")
    with result_kept_on_failure():
        policy_map(sampler, X, y, out)
    typer.echo(f"wrote {out} ({len(sampler.synthetic_X_)} synthetic samples)")
