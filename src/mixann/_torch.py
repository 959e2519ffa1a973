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


@contextlib.contextmanager
def seeded_torch(seed, device="cpu"):
    """Seed torch inside ``torch.random.fork_rng`` so the caller's generator states are restored.

    The CPU generator is always seeded and forked; on a GPU (``cuda``, ``xpu``, ``mps``) the
    training device's generator too, and no other: ``torch.manual_seed`` would reseed every
    GPU's generator, including those the fork does not restore.
    """
    dev = torch.device(device)
    if dev.type == "cpu":
        fork = torch.random.fork_rng(devices=[])
    else:
        fork = torch.random.fork_rng(devices=[dev.index or 0], device_type=dev.type)
    with fork:
        torch.default_generator.manual_seed(seed)
        if dev.type == "mps":  # one device, no device context
            torch.mps.manual_seed(seed)
        elif dev.type != "cpu":
            backend = getattr(torch, dev.type)  # torch.cuda, torch.xpu
            with backend.device(dev.index or 0):
                backend.manual_seed(seed)  # the current device's generator only
        yield


def _available(kind):
    """How many ``kind`` devices torch can use here (0 when none)."""
    if kind == "cpu":
        return 1
    if kind == "mps":
        return int(torch.backends.mps.is_available())
    backend = getattr(torch, kind)  # torch.cuda, torch.xpu
    return backend.device_count() if backend.is_available() else 0


def check_device(device):
    """The ``torch.device`` for ``device``, or a ``ValueError`` that names the problem and the fix.

    Without it a misspelt device fails inside torch with a list of twenty device types, and a
    missing GPU with an ``AssertionError`` from torch's internals; both only once training starts.

    Examples
    --------
    >>> from mixann._torch import check_device
    >>> check_device("cpu")
    device(type='cpu')
    >>> try:
    ...     check_device("gpu")
    ... except ValueError as exc:
    ...     print(str(exc)[:57])
    device='gpu' is not a torch device; use 'cpu', 'cuda' (or
    """
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise ValueError(f"device={device!r} is not a torch device; use 'cpu', 'cuda' (or "
                         "'cuda:1' for the second GPU), 'mps' or 'xpu'") from None
    if dev.type not in ("cpu", "cuda", "mps", "xpu"):
        raise ValueError(f"device={device!r}: MixAnN's networks train on 'cpu', 'cuda', 'mps' "
                         "or 'xpu'")
    count = _available(dev.type)
    if count == 0:
        raise ValueError(f"device={device!r}, but this torch build sees no {dev.type} device "
                         f"(torch {torch.__version__}); use device='cpu', or install a torch "
                         f"build for the {dev.type} device on a machine that has one")
    if dev.index is not None and dev.index >= count:
        valid = (f"'{dev.type}:0' (or '{dev.type}')" if count == 1 else
                 f"'{dev.type}:0' to '{dev.type}:{count - 1}'")
        raise ValueError(f"device={device!r}, but torch sees {count} {dev.type} device(s): use "
                         + valid)
    return dev


def check_widths(name, widths, example="(20,)"):
    """Refuse layer widths that are not positive integers: torch rejects some, and a width 0
    builds a network whose output ignores its input (every row gets one score). ``widths`` is
    a sequence of widths, or one width (e.g. DeepSAD's ``rep_dim``).

    Examples
    --------
    >>> from mixann._torch import check_widths
    >>> check_widths("hidden", (20,))
    >>> check_widths("hidden", (0,))
    Traceback (most recent call last):
    ...
    ValueError: hidden must hold positive integers (layer widths), got (0,); e.g. (20,)
    """
    import numbers

    several = isinstance(widths, (tuple, list))
    bad = [w for w in (widths if several else (widths,))
           if isinstance(w, bool) or not isinstance(w, numbers.Integral) or w < 1]
    if bad and several:
        raise ValueError(f"{name} must hold positive integers (layer widths), got {widths!r}; "
                         f"e.g. {example}")
    if bad:
        raise ValueError(f"{name} must be a positive integer (a layer width), got {widths!r}; "
                         f"e.g. {example}")
