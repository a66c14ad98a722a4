"""Field-level encryption of personal data (AES-256-GCM) with keyed blind indexes.

Each sensitive column value is sealed on its own. The *context* names the
column (``"buyers.phone"``) and is bound to the ciphertext as associated data,
so a ciphertext copied into another column, or another tenant's table, fails
to open. Exact-match search uses a *blind index*: an HMAC of the value under a
separate key, which reveals equality but not the value.

Blob layout (version 1)::

    b"\\x01" | nonce (12 bytes) | ciphertext | GCM tag (16 bytes)
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["AesGcmFieldCipher", "PiiDecryptionError"]

_VERSION_1 = b"\x01"
_NONCE_BYTES = 12
_TAG_BYTES = 16
_KEY_BYTES = 32
_ENCRYPTION_INFO = b"nevrural pii encryption v1"
_INDEX_INFO = b"nevrural pii index v1"


class PiiDecryptionError(ValueError):
    """A sealed value could not be opened: wrong key or context, tampering, unknown version."""


def _derive(master_key: bytes, info: bytes) -> bytes:
    """A 32-byte subkey of ``master_key`` for one purpose (HKDF-SHA256, no salt)."""
    return HKDF(algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=None, info=info).derive(
        master_key
    )


def _check_context(context: str) -> bytes:
    """UTF-8 bytes of ``context``; it must be non-empty and free of NUL (the index separator)."""
    if not context or "\x00" in context:
        msg = f"context must be a non-empty string without NUL, got {context!r}"
        raise ValueError(msg)
    return context.encode("utf-8")


class AesGcmFieldCipher:
    """Seal, open and blind-index single field values under one 32-byte master key.

    Two independent subkeys are derived with HKDF-SHA256, one for encryption
    and one for the blind index, so the index never reuses the encryption key.
    Nonces are random (96 bits); NIST SP 800-38D limits one key to about 2**32
    random-nonce encryptions, far above this platform's volume.
    """

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != _KEY_BYTES:
            msg = f"master_key must be {_KEY_BYTES} bytes, got {len(master_key)}"
            raise ValueError(msg)
        self._aead = AESGCM(_derive(master_key, _ENCRYPTION_INFO))
        self._index_key = _derive(master_key, _INDEX_INFO)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<key hidden>)"

    def seal(self, value: str, *, context: str) -> bytes:
        """Encrypt ``value`` for the column named by ``context``; returns a versioned blob."""
        associated = _check_context(context)
        nonce = os.urandom(_NONCE_BYTES)
        ciphertext = self._aead.encrypt(nonce, value.encode("utf-8"), associated)
        return _VERSION_1 + nonce + ciphertext

    def open(self, blob: bytes, *, context: str) -> str:
        """Decrypt a blob made by :meth:`seal` with the same ``context``.

        Raises
        ------
        PiiDecryptionError
            When the version byte is unknown, the blob is truncated, or the
            tag does not verify (tampering, wrong key or wrong context).
        """
        associated = _check_context(context)
        if blob[:1] != _VERSION_1:
            msg = f"cannot open {context}: unknown blob version"
            raise PiiDecryptionError(msg)
        if len(blob) < 1 + _NONCE_BYTES + _TAG_BYTES:
            msg = f"cannot open {context}: blob too short"
            raise PiiDecryptionError(msg)
        nonce, ciphertext = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            plaintext = self._aead.decrypt(nonce, ciphertext, associated)
        except InvalidTag:
            msg = f"cannot open {context}: authentication failed (tampered, wrong key or context)"
            raise PiiDecryptionError(msg) from None
        return plaintext.decode("utf-8")

    def index(self, value: str, *, context: str) -> str:
        """Blind index of ``value`` in ``context``: 64 lowercase hex chars, deterministic.

        HMAC-SHA256 under the index subkey of ``context + "\\x00" + value``.
        Normalise ``value`` (trim, case, phone format) before calling, the
        same way for writes and searches.
        """
        message = _check_context(context) + b"\x00" + value.encode("utf-8")
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()
