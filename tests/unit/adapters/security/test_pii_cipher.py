"""PII field cipher: AES-GCM round trips, tamper and context detection, blind indexes."""

from __future__ import annotations

import re

import pytest

from nevrural.adapters.security.pii_cipher import AesGcmFieldCipher, PiiDecryptionError

__all__: list[str] = []

KEY = bytes(range(32))
PHONE = "buyers.phone"


@pytest.fixture
def cipher() -> AesGcmFieldCipher:
    """A cipher under a fixed test master key."""
    return AesGcmFieldCipher(KEY)


@pytest.mark.parametrize("value", ["13800138000", "", "张三 · 河北省保定市"])
def test_round_trip(cipher: AesGcmFieldCipher, value: str) -> None:
    """Opening a sealed value with the same context returns it unchanged."""
    assert cipher.open(cipher.seal(value, context=PHONE), context=PHONE) == value


def test_blob_layout(cipher: AesGcmFieldCipher) -> None:
    """A blob is version byte 1, a 12-byte nonce, the ciphertext and a 16-byte tag."""
    blob = cipher.seal("abc", context=PHONE)
    assert blob[0] == 1
    assert len(blob) == 1 + 12 + 3 + 16
    assert b"abc" not in blob


def test_seals_differ(cipher: AesGcmFieldCipher) -> None:
    """Two seals of the same value use different nonces and differ."""
    first = cipher.seal("13800138000", context=PHONE)
    second = cipher.seal("13800138000", context=PHONE)
    assert first != second
    assert first[1:13] != second[1:13]


def test_flipped_byte_refused(cipher: AesGcmFieldCipher) -> None:
    """Flipping any byte after the version byte makes opening fail, naming the context."""
    blob = cipher.seal("13800138000", context=PHONE)
    for position in range(1, len(blob)):
        tampered = bytearray(blob)
        tampered[position] ^= 0x01
        with pytest.raises(PiiDecryptionError, match=re.escape(PHONE)):
            cipher.open(bytes(tampered), context=PHONE)


def test_wrong_context_refused(cipher: AesGcmFieldCipher) -> None:
    """A ciphertext moved to another column does not open there."""
    blob = cipher.seal("13800138000", context=PHONE)
    with pytest.raises(PiiDecryptionError, match=re.escape("buyers.id_number")):
        cipher.open(blob, context="buyers.id_number")


def test_wrong_key_refused(cipher: AesGcmFieldCipher) -> None:
    """A blob sealed under another master key does not open."""
    blob = AesGcmFieldCipher(bytes(32)).seal("13800138000", context=PHONE)
    with pytest.raises(PiiDecryptionError):
        cipher.open(blob, context=PHONE)


@pytest.mark.parametrize("blob", [b"", b"\x02" + bytes(40), b"\x01" + bytes(27)])
def test_unknown_version_or_truncated_refused(cipher: AesGcmFieldCipher, blob: bytes) -> None:
    """Empty, unknown-version and truncated blobs raise PiiDecryptionError."""
    with pytest.raises(PiiDecryptionError, match=re.escape(PHONE)):
        cipher.open(blob, context=PHONE)


def test_decryption_error_is_value_error() -> None:
    """PiiDecryptionError is a ValueError, so generic handlers catch it."""
    assert issubclass(PiiDecryptionError, ValueError)


def test_index_deterministic_hex(cipher: AesGcmFieldCipher) -> None:
    """The blind index is stable across instances and is 64 lowercase hex chars."""
    index = cipher.index("13800138000", context=PHONE)
    assert index == AesGcmFieldCipher(KEY).index("13800138000", context=PHONE)
    assert len(index) == 64
    assert index == index.lower()
    int(index, 16)


def test_index_separates_contexts_values_and_keys(cipher: AesGcmFieldCipher) -> None:
    """Other contexts, values or master keys give other indexes."""
    index = cipher.index("13800138000", context=PHONE)
    assert cipher.index("13800138000", context="guarantors.phone") != index
    assert cipher.index("13800138001", context=PHONE) != index
    assert AesGcmFieldCipher(bytes(32)).index("13800138000", context=PHONE) != index


def test_index_is_not_plain_sha256(cipher: AesGcmFieldCipher) -> None:
    """The index is keyed: it differs from an unkeyed SHA-256 of the same input."""
    import hashlib

    unkeyed = hashlib.sha256(f"{PHONE}\x0013800138000".encode()).hexdigest()
    assert cipher.index("13800138000", context=PHONE) != unkeyed


@pytest.mark.parametrize("length", [0, 16, 31, 33, 64])
def test_master_key_must_be_32_bytes(length: int) -> None:
    """A master key of any other length is refused."""
    with pytest.raises(ValueError, match="32 bytes"):
        AesGcmFieldCipher(bytes(length))


@pytest.mark.parametrize("context", ["", "buyers\x00phone"])
def test_bad_context_refused(cipher: AesGcmFieldCipher, context: str) -> None:
    """An empty context or one containing NUL is refused before any crypto."""
    with pytest.raises(ValueError, match="context"):
        cipher.seal("x", context=context)
    with pytest.raises(ValueError, match="context"):
        cipher.index("x", context=context)


def test_repr_hides_key(cipher: AesGcmFieldCipher) -> None:
    """The repr never shows key material."""
    assert KEY.hex() not in repr(cipher)
    assert "hidden" in repr(cipher)
