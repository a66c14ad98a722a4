"""Settings, read from the environment in one place (``NEVRURAL_*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Runtime settings. Only ``bootstrap`` and ``interfaces`` read them."""

    model_config = SettingsConfigDict(env_prefix="NEVRURAL_", extra="ignore")

    var_dir: Path = Path("var")
    database_url: str = ""  # empty: SQLite file ``<var_dir>/nevrural.db``
    host: str = "127.0.0.1"
    port: int = 8000
    # Service chain secrets: base64 of 32 bytes; empty = a key file under var_dir,
    # created on first run (pii.key, jwt.key, mode 0600).
    pii_key: str = ""
    jwt_secret: str = ""
    token_ttl_minutes: int = 15
    # argon2id cost; the defaults are the library's (tests lower them for speed).
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    # The pages' front-end libraries (npm ci): None = node_modules of the repository
    # checkout the package runs from, else of the working directory.
    node_modules_dir: Path | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "node_modules_dir", "NEVRURAL_NODE_MODULES", "NEVRURAL_NODE_MODULES_DIR"
        ),
    )

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite file under ``var_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'nevrural.db').resolve()}"
