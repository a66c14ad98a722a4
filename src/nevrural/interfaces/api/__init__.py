"""The HTTP API (FastAPI) under ``/api/v1``."""

__all__: list[str] = []
