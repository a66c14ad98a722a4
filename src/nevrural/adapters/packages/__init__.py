"""Readers of the pinned PyPI data packages that supply the embedded atlas."""

__all__: list[str] = []
