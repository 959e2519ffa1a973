"""Torch settings shared by MixAnN's networks and the torch detectors."""

from __future__ import annotations

import contextlib

import torch


@contextlib.contextmanager
def torch_threads(n_threads):
    """Run with ``torch.set_num_threads(n_threads)`` and restore the previous count afterwards.

    The small networks here train many times faster on one thread than on several, above all on
    a busy machine. ``None`` leaves torch's setting alone. The setting is process-wide while the
    block runs.
    """
    if n_threads is None:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(int(n_threads))
    try:
        yield
    finally:
        torch.set_num_threads(previous)
