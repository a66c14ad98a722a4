"""County targeting: adoption forecast, explainable score, constrained selection."""

__all__: list[str] = []
