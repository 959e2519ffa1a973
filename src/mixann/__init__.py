"""mixann: learned mix-up augmentation for imbalanced data with diverse minorities.

>>> from mixann import MixAnN, MixAnNClassifier
"""

__version__ = "0.1.0"
__all__ = ["MixAnN", "MixAnNClassifier", "__version__"]


def __getattr__(name):
    # The sampler pulls in torch and imbalanced-learn (some 4 s). The command line imports this
    # package on every call, `mixann --help` and its argument checks included, and needs them
    # only once it starts working, so they load on first use (PEP 562).
    if name == "MixAnN":
        from .sampler import MixAnN

        return MixAnN
    if name == "MixAnNClassifier":
        from .augmented_classifier import MixAnNClassifier

        return MixAnNClassifier
    raise AttributeError(f"module 'mixann' has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *__all__})
