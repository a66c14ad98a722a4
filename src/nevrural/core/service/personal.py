"""Personal information: normalising and masking names, mobile numbers and ID cards.

Normalising checks a value before it is stored; masking is what an organiser (or a log)
sees. Error messages never echo the value, so personal data does not leak into logs.

Examples
--------
>>> normalise_phone("+86 138-1234-5678")
'13812345678'
>>> mask_phone("13812345678"), mask_name("欧阳娜娜")
('138****5678', '欧***')
>>> mask_id_card(normalise_id_card("11010519491231002x"))
'1101**********002X'
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum

__all__ = [
    "NAME_MAX_CHARS",
    "PersonalField",
    "id_card_check_char",
    "mask",
    "mask_id_card",
    "mask_name",
    "mask_phone",
    "normalise",
    "normalise_id_card",
    "normalise_name",
    "normalise_phone",
]

NAME_MAX_CHARS = 40
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_ID_CARD = re.compile(r"[0-9]{17}[0-9X]")
# GB 11643-1999: the check character is ISO 7064 MOD 11-2 over the first 17 digits,
# weights 2^(17 - i) mod 11, and the character for (sum mod 11) is taken from this table.
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH_YEAR = 1900
_PHONE_MASK_ALL = "*" * 11
_ID_CARD_MASK_ALL = "*" * 18
# Unicode categories a name may not contain: control, format, line and paragraph separators.
_FORBIDDEN_NAME_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


class PersonalField(StrEnum):
    """The personal data fields nevrural stores."""

    NAME = "name"
    PHONE = "phone"
    ID_CARD = "id_card_no"


def normalise_phone(text: str) -> str:
    """A mainland China mobile number as 11 digits ``1[3-9]xxxxxxxxx``.

    Spaces, dashes and a leading ``+86`` or ``86`` are accepted and removed; anything
    else raises ValueError naming ``phone``.
    """
    digits = text.strip().replace(" ", "").replace("-", "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not _MOBILE.fullmatch(digits):
        raise ValueError("phone must be a mainland mobile number: 11 digits starting 13-19")
    return digits


def id_card_check_char(first_17_digits: str) -> str:
    """The GB 11643-1999 check character (0-9 or X) of 17 ID-card digits.

    >>> id_card_check_char("11010519491231002")
    'X'
    """
    if len(first_17_digits) != 17 or not (first_17_digits.isascii() and first_17_digits.isdigit()):
        raise ValueError("id_card_no must start with 17 digits")
    total = sum(int(d) * w for d, w in zip(first_17_digits, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def normalise_id_card(text: str) -> str:
    """An 18-character resident ID card number (GB 11643-1999), check character uppercase.

    Checks the form (17 digits and 0-9 or X; a lowercase x is accepted), the birth date
    (a real date from 1900 on) and the MOD 11-2 check character; raises ValueError naming
    ``id_card_no`` otherwise.
    """
    number = text.strip().upper()
    if not _ID_CARD.fullmatch(number):
        raise ValueError("id_card_no must be 17 digits followed by a digit or X")
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    try:
        born_on = date(year, month, day)
    except ValueError:
        raise ValueError("id_card_no has an impossible birth date") from None
    if born_on.year < _EARLIEST_BIRTH_YEAR:
        raise ValueError(f"id_card_no has a birth year before {_EARLIEST_BIRTH_YEAR}")
    if id_card_check_char(number[:17]) != number[17]:
        raise ValueError("id_card_no fails its check character (GB 11643-1999)")
    return number


def normalise_name(text: str) -> str:
    """A person's name, stripped: 1-40 characters without control or format characters."""
    name = text.strip()
    if not 1 <= len(name) <= NAME_MAX_CHARS:
        raise ValueError(f"name must be 1-{NAME_MAX_CHARS} characters, got {len(name)}")
    if any(unicodedata.category(c) in _FORBIDDEN_NAME_CATEGORIES for c in name):
        raise ValueError("name must not contain control or format characters")
    return name


def normalise(field: PersonalField, value: str) -> str:
    """``value`` normalised as ``field`` (see the ``normalise_*`` functions)."""
    if field is PersonalField.PHONE:
        return normalise_phone(value)
    if field is PersonalField.ID_CARD:
        return normalise_id_card(value)
    return normalise_name(value)


def mask_phone(phone: str) -> str:
    """The first 3 and last 4 digits of a mobile number, the middle 4 as ``*``.

    A value that is not a mobile number is masked completely (11 ``*``).

    >>> mask_phone("138 1234 5678"), mask_phone("12345")
    ('138****5678', '***********')
    """
    try:
        digits = normalise_phone(phone)
    except ValueError:
        return _PHONE_MASK_ALL
    return f"{digits[:3]}****{digits[-4:]}"


def mask_id_card(id_card: str) -> str:
    """The first 4 and last 4 characters of an ID card number, 10 ``*`` between.

    The check character is not verified (stored legacy numbers are masked too), but a
    value that is not 18 digits-or-X is masked completely (18 ``*``).

    >>> mask_id_card("11010519491231002X")
    '1101**********002X'
    """
    number = id_card.strip().upper()
    if not _ID_CARD.fullmatch(number):
        return _ID_CARD_MASK_ALL
    return f"{number[:4]}{'*' * 10}{number[-4:]}"


def mask_name(name: str) -> str:
    """The first character of a name, then one ``*`` per remaining character.

    A one-character (or empty) name becomes a single ``*``.

    >>> mask_name("张三"), mask_name("欧阳娜娜"), mask_name("李")
    ('张*', '欧***', '*')
    """
    text = name.strip()
    if len(text) <= 1:
        return "*"
    return text[0] + "*" * (len(text) - 1)


def mask(field: PersonalField, value: str) -> str:
    """``value`` masked as ``field``.

    >>> mask(PersonalField.PHONE, "13812345678")
    '138****5678'
    """
    if field is PersonalField.PHONE:
        return mask_phone(value)
    if field is PersonalField.ID_CARD:
        return mask_id_card(value)
    return mask_name(value)
