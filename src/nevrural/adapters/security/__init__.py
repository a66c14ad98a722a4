"""Security: key loading, PII field encryption, password hashing, access tokens and API keys."""

__all__: list[str] = []
