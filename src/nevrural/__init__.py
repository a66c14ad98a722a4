"""nevrural: planning and operations for rural NEV promotion campaigns."""

__all__ = ["__version__"]

__version__ = "0.1.0"
