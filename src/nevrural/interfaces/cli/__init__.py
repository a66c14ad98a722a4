"""The ``nevrural`` command line."""

__all__: list[str] = []
