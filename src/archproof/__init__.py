"""archproof: prove an infrastructure is the architecture its documents describe."""

__version__ = "0.1.0"
