"""mixann: learned mix-up augmentation for imbalanced data with diverse minorities.

>>> from mixann import MixAnN, MixAnNClassifier
"""

from .sampler import MixAnN, MixAnNClassifier

__version__ = "0.1.0"
__all__ = ["MixAnN", "MixAnNClassifier", "__version__"]
