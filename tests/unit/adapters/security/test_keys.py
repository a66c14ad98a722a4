"""Master keys: environment parsing, key file creation (0600), reuse and race safety."""

from __future__ import annotations

import base64
import logging
import os
import re
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest

from nevrural.adapters.security import keys
from nevrural.adapters.security.keys import load_or_create_key

if TYPE_CHECKING:
    from pathlib import Path

__all__: list[str] = []

NAME = "NEVRURAL_PII_KEY"
KEY = bytes(range(32))


def test_env_value_urlsafe_base64_with_and_without_padding(tmp_path: Path) -> None:
    """A padded or unpadded URL-safe base64 environment value gives its 32 bytes."""
    padded = base64.urlsafe_b64encode(KEY).decode()
    key_file = tmp_path / "pii.key"
    assert load_or_create_key(padded, key_file, name=NAME) == KEY
    assert load_or_create_key(padded.rstrip("="), key_file, name=NAME) == KEY
    assert not key_file.exists()


@pytest.mark.parametrize(
    "value",
    [
        "not base64 at all!",
        base64.urlsafe_b64encode(bytes(16)).decode(),
        base64.urlsafe_b64encode(bytes(33)).decode(),
        base64.b64encode(b"\xfb" * 32).decode(),
    ],
)
def test_env_value_malformed_names_variable(tmp_path: Path, value: str) -> None:
    """A malformed environment key raises ValueError naming the variable, not the value."""
    with pytest.raises(ValueError, match=NAME) as info:
        load_or_create_key(value, tmp_path / "pii.key", name=NAME)
    assert value not in str(info.value)


def test_blank_env_value_uses_key_file(tmp_path: Path) -> None:
    """None, empty and blank environment values all fall back to the same key file."""
    key_file = tmp_path / "pii.key"
    first = load_or_create_key(None, key_file, name=NAME)
    assert load_or_create_key("", key_file, name=NAME) == first
    assert load_or_create_key("  ", key_file, name=NAME) == first


def test_key_file_created_private_and_reused(tmp_path: Path) -> None:
    """A missing key file is created (with its folder) at mode 0600 and reused afterwards."""
    key_file = tmp_path / "secrets" / "nested" / "pii.key"
    key = load_or_create_key(None, key_file, name=NAME)
    assert len(key) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert base64.urlsafe_b64decode(key_file.read_text().strip()) == key
    assert load_or_create_key(None, key_file, name=NAME) == key
    assert [p.name for p in key_file.parent.iterdir()] == ["pii.key"]


def test_new_keys_are_random(tmp_path: Path) -> None:
    """Two fresh key files hold different keys."""
    first = load_or_create_key(None, tmp_path / "a.key", name=NAME)
    second = load_or_create_key(None, tmp_path / "b.key", name=NAME)
    assert first != second


def test_existing_key_file_is_read(tmp_path: Path) -> None:
    """A key file written by hand (unpadded base64) is read, not replaced."""
    key_file = tmp_path / "pii.key"
    key_file.write_text(base64.urlsafe_b64encode(KEY).decode().rstrip("=") + "\n")
    key_file.chmod(0o600)
    assert load_or_create_key(None, key_file, name=NAME) == KEY


@pytest.mark.parametrize("content", [b"too short", b"\xff\xfe binary", b""])
def test_malformed_key_file_names_file(tmp_path: Path, content: bytes) -> None:
    """A key file without base64 of 32 bytes raises ValueError naming the file."""
    key_file = tmp_path / "pii.key"
    key_file.write_bytes(content)
    with pytest.raises(ValueError, match=re.escape(str(key_file))):
        load_or_create_key(None, key_file, name=NAME)


def test_world_readable_key_file_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A key file readable by others is still used, with a warning."""
    key_file = tmp_path / "pii.key"
    key_file.write_text(base64.urlsafe_b64encode(KEY).decode())
    key_file.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger=keys.__name__):
        assert load_or_create_key(None, key_file, name=NAME) == KEY
    assert "readable by others" in caplog.text


def test_concurrent_creation_yields_one_key(tmp_path: Path) -> None:
    """Eight threads creating the same key file at once all get the same key."""
    key_file = tmp_path / "race" / "pii.key"
    barrier = threading.Barrier(8)

    def create() -> bytes:
        barrier.wait()
        return load_or_create_key(None, key_file, name=NAME)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: create(), range(8)))
    assert len(set(results)) == 1
    assert base64.urlsafe_b64decode(key_file.read_text().strip()) == results[0]
    assert [p.name for p in key_file.parent.iterdir()] == ["pii.key"]


def test_lost_race_reads_winner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When another process creates the file just before the link, its key is returned."""
    key_file = tmp_path / "pii.key"
    real_link = os.link

    def link_after_rival(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        key_file.write_text(base64.urlsafe_b64encode(KEY).decode() + "\n")
        real_link(src, dst)

    monkeypatch.setattr(keys.os, "link", link_after_rival)
    assert load_or_create_key(None, key_file, name=NAME) == KEY
    assert [p.name for p in tmp_path.iterdir()] == ["pii.key"]
