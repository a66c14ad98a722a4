"""The atlas of Chinese administrative divisions and their indicators, in memory."""

__all__: list[str] = []
