"""Adapters: database, file import/export, data packages and compute backends."""

__all__: list[str] = []
