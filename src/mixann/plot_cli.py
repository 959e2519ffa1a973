"""``mixann plot``: the case study (Fig. 5) and the policy map."""

from __future__ import annotations

from pathlib import Path

import typer

plot_app = typer.Typer(help="Draw the case study (Fig. 5) or a MixAnN policy map.",
                       no_args_is_help=True)


@plot_app.command("case-study")
def case_study_command(
    out: Path = typer.Option(Path("fig5.png"), help="PNG file to write."),
    classifier: str = typer.Option("knn", help="knn, xgboost, xgboost-linear or mlp."),
    methods: str = typer.Option("all", help="Comma-separated methods, or 'all'."),
    toy2: Path = typer.Option(None, help="toy2_1.csv (default: $MIXANN_TOY2 or the data folder)."),
    episodes: int = typer.Option(30, min=1, help="MixAnN episodes."),
    seed: int = typer.Option(0, help="Split and method seed."),
):
    """Fig. 5: every horizontal method and MixAnN on toy2, one panel each (split 60/20/20)."""
    from .datasets import load_toy2
    from .plots import case_study

    X, y = load_toy2(toy2)
    chosen = None if methods == "all" else [m.strip() for m in methods.split(",") if m.strip()]
    scores = case_study(out, X, y, methods=chosen, classifier=classifier, random_state=seed,
                        n_episodes=episodes)
    for method, score in scores.items():
        typer.echo(f"{method:>18}  test macro-F1 {score:.3f}")
    typer.echo(f"wrote {out}")


@plot_app.command("policy")
def policy_command(
    out: Path = typer.Option(Path("policy.png"), help="PNG file to write."),
    csv: Path = typer.Option(None, exists=True, dir_okay=False,
                             help="2-D CSV with a label column (default: toy2)."),
    label: str = typer.Option("label", help="Label column of --csv."),
    classifier: str = typer.Option("knn", help="knn, xgboost, xgboost-linear or mlp."),
    episodes: int = typer.Option(30, min=1, help="MixAnN episodes."),
    seed: int = typer.Option(0, help="Random seed."),
):
    """The synthetic samples MixAnN generates on a 2-D dataset, coloured by alpha."""
    import pandas as pd

    from .classifiers import make_classifier
    from .datasets import load_toy2
    from .plots import policy_map
    from .sampler import MixAnN

    if csv is None:
        X, y = load_toy2()
    else:
        frame = pd.read_csv(csv)
        if label not in frame.columns:
            raise typer.BadParameter(f"no column {label!r} in {csv}; columns are {list(frame.columns)}")
        X, y = frame.drop(columns=[label]).to_numpy(dtype=float), frame[label].to_numpy()
    sampler = MixAnN(estimator=make_classifier(classifier, random_state=seed), n_episodes=episodes,
                     guard=False, random_state=seed, verbose=True)
    sampler.fit_resample(X, y)
    policy_map(sampler, X, y, out)
    typer.echo(f"wrote {out} ({len(sampler.synthetic_X_)} synthetic samples)")
