"""Message catalogues: loading, merging, duplicates, placeholders, language choice."""

from __future__ import annotations

import json
import string
from typing import TYPE_CHECKING

import pytest
from starlette.requests import Request

from nevrural.interfaces.web.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    DuplicateMessageError,
    MissingMessageError,
    Translator,
    catalogues,
    language_of,
    load_catalogues,
    translator,
)

if TYPE_CHECKING:
    from pathlib import Path


def write(directory: Path, name: str, messages: object) -> None:
    """A catalogue file in ``directory``."""
    (directory / name).write_text(json.dumps(messages, ensure_ascii=False), encoding="utf-8")


def request_with(query: str = "", cookie: str = "") -> Request:
    """A bare request with a query string and a Cookie header."""
    headers = [(b"cookie", cookie.encode())] if cookie else []
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "query_string": query.encode(),
        "headers": headers,
    }
    return Request(scope)


def placeholders(text: str) -> set[str]:
    """The names of a text's ``{placeholders}``."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_areas_of_a_language_are_merged(tmp_path: Path) -> None:
    """Every ``<area>.<lang>.json`` of a language lands in one mapping; languages stay apart."""
    write(tmp_path, "common.zh-CN.json", {"nav.home": "首页"})
    write(tmp_path, "planning.zh-CN.json", {"planning.title": "规划"})
    write(tmp_path, "common.en.json", {"nav.home": "Home"})
    loaded = load_catalogues(tmp_path)
    assert loaded == {
        "zh-CN": {"nav.home": "首页", "planning.title": "规划"},
        "en": {"nav.home": "Home"},
    }


def test_a_key_in_two_files_is_an_error_naming_both(tmp_path: Path) -> None:
    """The same key in two areas of one language is refused at load, with both file names."""
    write(tmp_path, "common.en.json", {"title": "A"})
    write(tmp_path, "service.en.json", {"title": "B"})
    with pytest.raises(DuplicateMessageError, match=r"common\.en\.json and service\.en\.json"):
        load_catalogues(tmp_path)


@pytest.mark.parametrize("content", [["a list"], {"key": 3}, {"key": {"nested": "x"}}])
def test_a_catalogue_is_a_flat_object_of_texts(tmp_path: Path, content: object) -> None:
    """Anything but ``{"key": "text"}`` is refused, naming the file."""
    write(tmp_path, "common.en.json", content)
    with pytest.raises(ValueError, match=r"common\.en\.json"):
        load_catalogues(tmp_path)


def test_placeholders_are_filled_with_format_specs() -> None:
    """``{name}`` and ``{amount:,.2f}`` take the values given."""
    t = Translator("en", {"paid": "{name} paid {amount:,.2f} CNY"}, strict=True)
    assert t("paid", name="Li", amount=12345.6) == "Li paid 12,345.60 CNY"


def test_strict_mode_raises_for_a_missing_key_or_value() -> None:
    """Tests render strictly: an unknown key or a placeholder without a value raises."""
    t = Translator("en", {"hello": "Hello, {name}"}, strict=True)
    with pytest.raises(MissingMessageError, match=r"nav\.unknown"):
        t("nav.unknown")
    with pytest.raises(MissingMessageError, match="name"):
        t("hello")
    with pytest.raises(MissingMessageError):
        t.raw("nav.unknown")


def test_lenient_mode_falls_back_to_chinese_then_to_the_key() -> None:
    """A page never fails for a text: the zh-CN text, else the key, placeholders kept."""
    t = Translator("en", {"hello": "Hello, {name}"}, fallback={"only.zh": "只有中文"})
    assert t("only.zh") == "只有中文"
    assert t("nav.unknown") == "nav.unknown"
    assert t("hello") == "Hello, {name}"
    assert t.raw("hello") == "Hello, {name}"


def test_translator_of_an_unknown_language_is_chinese() -> None:
    """zh-CN is the default language."""
    assert translator("fr").lang == DEFAULT_LANGUAGE
    assert translator("en").lang == "en"


@pytest.mark.parametrize(
    ("query", "cookie", "expected"),
    [
        ("", "", "zh-CN"),
        ("lang=en", "", "en"),
        ("", "lang=en", "en"),
        ("lang=zh-CN", "lang=en", "zh-CN"),
        ("lang=fr", "lang=en", "en"),
        ("lang=fr", "lang=de", "zh-CN"),
    ],
)
def test_language_is_the_query_then_the_cookie_then_chinese(
    query: str, cookie: str, expected: str
) -> None:
    """``?lang=`` wins over the ``lang`` cookie; unknown codes are ignored."""
    assert language_of(request_with(query, cookie)) == expected


def test_packaged_catalogues_agree_across_languages() -> None:
    """Every key exists in each language, and every text is valid ``str.format`` syntax.

    Placeholders may differ between languages (``{month_name} {year}`` and
    ``{year}年{month}月``) when the page passes all of them; strict rendering in the page
    tests catches a value a text needs and does not get.
    """
    loaded = catalogues()
    assert set(loaded) == set(LANGUAGES)
    zh, en = loaded["zh-CN"], loaded["en"]
    assert sorted(set(zh) ^ set(en)) == []
    for messages in (zh, en):
        for text in messages.values():
            placeholders(text)  # raises ValueError on a stray brace


def test_packaged_catalogues_hold_the_frame_texts() -> None:
    """The frame's texts are there, Chinese by default."""
    t = translator("zh-CN", strict=True)
    assert t("frame.skip_to_content") == "跳到正文"
    assert translator("en", strict=True)("nav.overview") == "Overview"
