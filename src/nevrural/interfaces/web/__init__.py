"""Server-rendered pages (Jinja2), Chinese first with English."""

__all__: list[str] = []
