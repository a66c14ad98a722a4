"""Message catalogues of the pages: Chinese first, English by a switch.

Catalogues are flat JSON files ``messages/<area>.<lang>.json`` (``{"key": "text"}``,
texts with ``str.format`` placeholders such as ``{count}`` or ``{amount:,.2f}``). All
files of a language are merged when first needed; a key defined in two files is an
error naming both. Areas prefix their keys (``planning.…``, ``service.…``); the
``common`` area holds the frame, navigation, sign-in, overview and atlas.

A page's language is ``?lang=`` (then kept in the ``lang`` cookie), else the cookie,
else zh-CN. A missing key renders as the key itself, except in strict mode (the tests),
where it raises ``MissingMessageError``; so does a placeholder without a value.

Examples
--------
>>> t = Translator("en", {"greet": "Hello, {name}"}, strict=True)
>>> t("greet", name="Li")
'Hello, Li'
>>> Translator("en", {}, strict=False)("nav.unknown")
'nav.unknown'
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI, Request

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANG_COOKIE",
    "DuplicateMessageError",
    "MissingMessageError",
    "Translator",
    "catalogues",
    "enable_strict_messages",
    "is_strict",
    "language_of",
    "load_catalogues",
    "requested_language",
    "translator",
]

logger = logging.getLogger(__name__)

MESSAGES_DIR = Path(__file__).with_name("messages")
LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"
LANG_COOKIE = "lang"
_STRICT_STATE = "strict_messages"


class DuplicateMessageError(ValueError):
    """A key is defined by two catalogue files of one language."""


class MissingMessageError(KeyError):
    """A key (or a placeholder's value) is missing in strict mode."""


def _read_catalogue(path: Path) -> dict[str, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: a catalogue is a JSON object of key to text")
    for key, text in data.items():
        if not isinstance(text, str):
            raise ValueError(f"{path.name}: {key!r} must be text, got {type(text).__name__}")
    return data


def load_catalogues(
    directory: Path = MESSAGES_DIR, languages: tuple[str, ...] = LANGUAGES
) -> dict[str, dict[str, str]]:
    """Every language's messages, merged from ``<area>.<lang>.json`` files.

    Raises
    ------
    DuplicateMessageError
        When two files of a language define the same key (both files are named).
    ValueError
        When a file is not a flat JSON object of texts.
    """
    merged: dict[str, dict[str, str]] = {}
    for lang in languages:
        messages: dict[str, str] = {}
        origin: dict[str, str] = {}
        for path in sorted(directory.glob(f"*.{lang}.json")):
            for key, text in _read_catalogue(path).items():
                if key in origin:
                    raise DuplicateMessageError(
                        f"message {key!r} ({lang}) is defined in {origin[key]} and {path.name}"
                    )
                origin[key] = path.name
                messages[key] = text
        merged[lang] = messages
    return merged


@cache
def catalogues() -> dict[str, dict[str, str]]:
    """The packaged catalogues, loaded once per process."""
    loaded = load_catalogues()
    logger.debug("message catalogues: %s", {k: len(v) for k, v in loaded.items()})
    return loaded


class _Values(dict[str, Any]):
    """Placeholder values that leave an unknown placeholder as written (lenient mode)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Translator:
    """Texts of one language: ``t(key, **values)``.

    Lenient mode falls back to the default language, then to the key itself; strict
    mode raises ``MissingMessageError`` for a missing key or placeholder value.
    """

    def __init__(
        self,
        lang: str,
        messages: Mapping[str, str],
        *,
        strict: bool = False,
        fallback: Mapping[str, str] | None = None,
    ) -> None:
        self.lang = lang
        self._messages = messages
        self._fallback = fallback or {}
        self._strict = strict

    def __contains__(self, key: object) -> bool:
        return key in self._messages

    def raw(self, key: str) -> str:
        """The text of ``key`` with its placeholders unfilled (for scripts to fill)."""
        text = self._messages.get(key)
        if text is None:
            if self._strict:
                raise MissingMessageError(f"no message {key!r} in {self.lang}")
            return self._fallback.get(key, key)
        return text

    def __call__(self, key: str, /, **values: Any) -> str:
        """The text of ``key`` with ``values`` put into its placeholders."""
        text = self._messages.get(key)
        if text is None:
            if self._strict:
                raise MissingMessageError(f"no message {key!r} in {self.lang}")
            text = self._fallback.get(key, key)
        if not values and "{" not in text:
            return text
        if self._strict:
            try:
                return text.format_map(values)
            except KeyError as missing:
                raise MissingMessageError(
                    f"message {key!r} ({self.lang}) needs a value for {missing}"
                ) from None
        try:
            return text.format_map(_Values(values))
        except (ValueError, IndexError):  # a format spec on a missing value: show it raw
            return text


def translator(lang: str, *, strict: bool = False) -> Translator:
    """The translator of ``lang`` (the default language for an unknown one)."""
    loaded = catalogues()
    code = lang if lang in loaded else DEFAULT_LANGUAGE
    fallback = None if code == DEFAULT_LANGUAGE else loaded[DEFAULT_LANGUAGE]
    return Translator(code, loaded[code], strict=strict, fallback=fallback)


def requested_language(request: Request) -> str | None:
    """The language of a ``?lang=`` query parameter, when it names one we have."""
    lang = request.query_params.get("lang")
    return lang if lang in LANGUAGES else None


def language_of(request: Request) -> str:
    """The page language: ``?lang=``, else the ``lang`` cookie, else zh-CN."""
    lang = requested_language(request) or request.cookies.get(LANG_COOKIE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def enable_strict_messages(app: FastAPI, *, strict: bool = True) -> None:
    """Make ``app``'s pages raise on a missing message (for tests)."""
    setattr(app.state, _STRICT_STATE, strict)


def is_strict(request: Request) -> bool:
    """Whether the request's app renders messages strictly."""
    return bool(getattr(request.app.state, _STRICT_STATE, False))
