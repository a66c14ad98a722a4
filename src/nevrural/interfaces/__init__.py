"""Interfaces: the CLI (Typer), the HTTP API (FastAPI) and the web pages."""

__all__: list[str] = []
