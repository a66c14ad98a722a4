"""Pure domain logic: no I/O, no web, no database, no CLI."""

__all__: list[str] = []
