"""MixAnN's policy files: the actor's and critic's weights, saved and read as weights only."""

from __future__ import annotations

import os
import re
from pathlib import Path

import torch

POLICY_FORMAT = "mixann-policy-v1"


def read_policy(path):
    """The payload of a policy file saved by :meth:`MixAnN.save_policy`, read as weights only.

    Raises ``TypeError`` for a ``path`` that is not a str or path-like, ``ValueError`` for a
    file that is missing or is not a MixAnN policy file (``torch.load(weights_only=True)``
    refuses pickled code).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"policy must be the path of a file saved by save_policy, got "
                        f"{type(path).__name__}")
    if Path(path).is_dir():
        raise ValueError(f"policy {str(path)!r} is a folder; give the file that "
                         "MixAnN.save_policy(path) wrote")
    if not Path(path).is_file():
        raise ValueError(f"policy file {str(path)!r} does not exist; save one with "
                         "MixAnN.save_policy(path) first")
    try:
        payload = torch.load(Path(path), map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises several types for foreign files
        # Some of torch's messages are a bare code ("101"): say what torch was reading. Its
        # weights-only refusal is paragraphs long, with terminal colour codes and advice to
        # load with weights_only=False (running the file's code): say what it means instead.
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines() or [""]
        why = ("it holds objects other than tensors and plain values, which are not loaded"
               if "weights only load failed" in text[0].lower() else text[0])
        raise ValueError(f"{path} is not a MixAnN policy file saved by save_policy (torch could "
                         f"not read it as weights: {type(exc).__name__}: {why})") from None
    if not isinstance(payload, dict) or payload.get("format") != POLICY_FORMAT:
        raise ValueError(f"{path} is not a MixAnN policy file saved by save_policy")
    return payload


def write_policy(path, *, n_features, hidden_sizes, state_features, actor, critic):
    """Write a trained actor's and critic's weights to ``path`` (tensors and plain values, no
    code), with what :meth:`MixAnN.load_policy` checks against: the width of X, the networks'
    hidden sizes and the state's features.

    Raises ``ValueError`` for a folder, or a path whose folder does not exist (instead of
    torch's "[enforce fail at ...]").
    """
    path = Path(path)
    if path.is_dir() or not path.parent.is_dir():
        raise ValueError(f"cannot save the policy to {str(path)!r}: "
                         + ("it is a folder; give a file's path, e.g. "
                            f"{str(path / 'policy.pt')!r}" if path.is_dir() else
                            f"the folder {str(path.parent)!r} does not exist; create it "
                            "first"))
    payload = {
        "format": POLICY_FORMAT,
        "n_features": int(n_features),
        "hidden_sizes": [int(h) for h in hidden_sizes],
        "state_features": str(state_features),
        "actor": {k: v.detach().cpu() for k, v in actor.state_dict().items()},
        "critic": {k: v.detach().cpu() for k, v in critic.state_dict().items()},
    }
    torch.save(payload, path)
