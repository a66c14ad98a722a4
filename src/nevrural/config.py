"""Settings, read from the environment in one place (``NEVRURAL_*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Runtime settings. Only ``bootstrap`` and ``interfaces`` read them."""

    model_config = SettingsConfigDict(env_prefix="NEVRURAL_", extra="ignore")

    var_dir: Path = Path("var")
    database_url: str = ""  # empty: SQLite file ``<var_dir>/nevrural.db``
    host: str = "127.0.0.1"
    port: int = 8000

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite file under ``var_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'nevrural.db').resolve()}"
