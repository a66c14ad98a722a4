"""Tests for personal information: phone, ID card and name normalising and masking."""

from __future__ import annotations

import pytest

from nevrural.core.service.personal import (
    PersonalField,
    id_card_check_char,
    mask,
    mask_id_card,
    mask_name,
    mask_phone,
    normalise,
    normalise_id_card,
    normalise_name,
    normalise_phone,
)

__all__: list[str] = []


@pytest.mark.parametrize(
    "text",
    ["13812345678", " 138 1234 5678 ", "138-1234-5678", "+86 138 1234 5678", "8613812345678"],
)
def test_normalise_phone_accepts_common_forms(text: str) -> None:
    """Spaces, dashes and a +86 or 86 prefix are removed."""
    assert normalise_phone(text) == "13812345678"


@pytest.mark.parametrize(
    "text",
    ["", "12812345678", "1381234567", "138123456789", "0371-12345678", "+1 138 1234 5678",
     "１３８１２３４５６７８", "138.1234.5678"],
)  # fmt: skip
def test_normalise_phone_rejects_others(text: str) -> None:
    """Landlines, wrong lengths, second digit 0-2 and full-width digits are refused."""
    with pytest.raises(ValueError, match="phone") as info:
        normalise_phone(text)
    assert text.strip() == "" or text not in str(info.value)  # the value is not echoed


def test_id_card_check_char_by_hand() -> None:
    """Weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 give sums 199 -> '0' and 167 -> 'X'."""
    assert id_card_check_char("41010219900307123") == "0"  # sum 199 = 1 (mod 11) -> '0'
    assert id_card_check_char("11010519491231002") == "X"  # sum 167 = 2 (mod 11) -> 'X'


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        (" 410102199003071230 ", "410102199003071230"),
    ],
)
def test_normalise_id_card_valid(text: str, number: str) -> None:
    """Valid numbers pass, with a lowercase x returned uppercase."""
    assert normalise_id_card(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "110105194912310021",  # wrong check character
        "410102199003071231",  # wrong check character
        "41010219900307123",  # 17 characters
        "4101021990030712300",  # 19 characters
        "41010219900230123X",  # 30 February
        "410102189003071230",  # born 1890
        "X10102199003071230",  # letter outside the check position
    ],
)
def test_normalise_id_card_invalid(text: str) -> None:
    """Bad form, impossible birth dates and bad check characters are refused."""
    with pytest.raises(ValueError, match="id_card_no"):
        normalise_id_card(text)


def test_normalise_name() -> None:
    """Names are stripped and must be 1-40 characters without control characters."""
    assert normalise_name("  王小明 ") == "王小明"
    assert normalise_name("阿卜杜·热合曼") == "阿卜杜·热合曼"
    for bad in ("", "   ", "王" * 41, "王\n明", "王\u200b明"):
        with pytest.raises(ValueError, match="name"):
            normalise_name(bad)


def test_masking_examples() -> None:
    """Phones keep 3 + 4 digits, ID cards 4 + 4 characters, names their first character."""
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_card("11010519491231002X") == "1101**********002X"
    assert mask_id_card("11010519491231002x") == "1101**********002X"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("欧阳修") == "欧**"
    assert mask_name("李") == "*"
    assert mask_name("") == "*"


def test_invalid_values_are_masked_completely() -> None:
    """Values that are not a phone or an ID card reveal nothing when masked."""
    assert mask_phone("0371-6512 3456") == "*" * 11
    assert mask_id_card("4101021990") == "*" * 18


def test_mask_and_normalise_by_field() -> None:
    """mask and normalise dispatch on the field; field values match the stored column names."""
    assert [f.value for f in PersonalField] == ["name", "phone", "id_card_no"]
    assert mask(PersonalField.NAME, "王小明") == "王**"
    assert mask(PersonalField.PHONE, "+86 13812345678") == "138****5678"
    assert mask(PersonalField.ID_CARD, "410102199003071230") == "4101**********1230"
    assert normalise(PersonalField.PHONE, "138-1234-5678") == "13812345678"
    assert normalise(PersonalField.ID_CARD, "11010519491231002x") == "11010519491231002X"
    assert normalise(PersonalField.NAME, " 李 ") == "李"
