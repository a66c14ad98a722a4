"""Use cases: each module combines core logic with storage through ports."""

__all__: list[str] = []
