"""Loading or creating 32-byte master keys from an environment value or a key file.

A key given in the environment wins. Otherwise the key lives in a file holding
URL-safe base64 text, created on first use with mode 0600. Creation is atomic
and race-free: the key is written and fsynced to a private temporary file,
then hard-linked to the final name, which fails if the name already exists. A
process that loses the race reads the winner's file, so processes starting at
once all end up with the same key, and no reader ever sees a half-written file.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import os
import re
import secrets
import stat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["KEY_BYTES", "load_or_create_key"]

logger = logging.getLogger(__name__)

KEY_BYTES = 32
"""Length of every master key, bytes."""

_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


def _decode_key(text: str) -> bytes | None:
    """The key bytes in URL-safe base64 ``text`` (padding optional), or None when malformed."""
    text = text.strip()
    if _BASE64URL.fullmatch(text) is None:
        return None
    unpadded = text.rstrip("=")
    try:
        key = base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == KEY_BYTES else None


def _encode_key(key: bytes) -> str:
    """URL-safe base64 text of ``key`` with padding and a final newline."""
    return base64.urlsafe_b64encode(key).decode("ascii") + "\n"


def _read_key_file(key_file: Path) -> bytes:
    """The key stored in ``key_file``; FileNotFoundError when it does not exist."""
    raw = key_file.read_bytes()
    try:
        key = _decode_key(raw.decode("ascii"))
    except UnicodeDecodeError:
        key = None
    if key is None:
        msg = f"key file {key_file} must hold base64 of {KEY_BYTES} bytes"
        raise ValueError(msg)
    mode = stat.S_IMODE(key_file.stat().st_mode)
    if os.name == "posix" and mode & 0o077:
        logger.warning("key file %s is readable by others (mode %o); use 0600", key_file, mode)
    return key


def _fsync_directory(directory: Path) -> None:
    """Persist a new directory entry (POSIX only; a no-op elsewhere)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _create_key_file(key_file: Path) -> bytes:
    """Create ``key_file`` with a fresh key, or read it when another process won the race."""
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    temp = key_file.with_name(f".{key_file.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)  # the umask may only narrow it, but be explicit
            os.write(fd, _encode_key(key).encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            # link (unlike rename) never replaces an existing file: exactly one process wins.
            os.link(temp, key_file)
        except FileExistsError:
            return _read_key_file(key_file)
        _fsync_directory(key_file.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    logger.info("created key file %s", key_file)
    return key


def load_or_create_key(env_value: str | None, key_file: Path, *, name: str) -> bytes:
    """Return a 32-byte master key from the environment, the key file, or a new key file.

    Parameters
    ----------
    env_value
        Value of the environment variable ``name``: URL-safe base64 of 32
        bytes, padding optional. None or blank means "use the key file".
    key_file
        File holding the key as base64 text; created (mode 0600, parent
        folders included) with a random key when absent.
    name
        Name of the environment variable, used in error messages.

    Raises
    ------
    ValueError
        When ``env_value`` or the key file does not hold base64 of 32 bytes.
        The message names the variable or the file, never the key.
    """
    if env_value is not None and env_value.strip():
        key = _decode_key(env_value)
        if key is None:
            msg = f"{name} must be base64 of {KEY_BYTES} bytes"
            raise ValueError(msg)
        return key
    try:
        return _read_key_file(key_file)
    except FileNotFoundError:
        return _create_key_file(key_file)
