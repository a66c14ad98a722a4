"""Read plain mappings (parsed YAML or JSON) into typed values, naming the bad field.

Rule files and quote requests arrive as nested dicts. `Fields` wraps one mapping with
its path (``rules[3].amount``) and reads each key as the type it must have; the first
problem raises `FieldError` whose message starts with the full path of the field, and
unknown keys are refused so a misspelt condition never passes silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

__all__ = ["FieldError", "Fields"]

_T = TypeVar("_T", bound=str)
_MISSING = object()


class FieldError(ValueError):
    """A field is missing, unknown or malformed; the message names its path."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path


class Fields:
    """One mapping at `path`; read each key once, then call `done` to refuse the rest.

    >>> f = Fields({"price_cny": "9.5", "when": "2025-03-01"}, "request")
    >>> f.decimal("price_cny"), f.date("when")
    (Decimal('9.5'), datetime.date(2025, 3, 1))
    >>> f.done()
    >>> Fields({"p": -1}, "x").decimal("p", minimum=Decimal(0))
    Traceback (most recent call last):
    ...
    nevrural.core.offers.fields.FieldError: x.p: must be >= 0, got -1
    """

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise FieldError(path, f"must be a mapping, got {type(data).__name__}")
        self._data: Mapping[str, Any] = data
        self._path = path
        self._seen: set[str] = set()

    def path_of(self, key: str) -> str:
        """The full path of `key`."""
        return f"{self._path}.{key}" if self._path else key

    def has(self, key: str) -> bool:
        """Whether `key` is present (and not null); an absent optional key counts as read."""
        self._seen.add(key)
        return self._data.get(key) is not None

    def _raw(self, key: str, default: object) -> Any:
        self._seen.add(key)
        value = self._data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if default is _MISSING:
                raise FieldError(self.path_of(key), "is required")
            return default
        return value

    def text(self, key: str, default: object = _MISSING, *, max_length: int = 500) -> str:
        """A non-empty string."""
        value = self._raw(key, default)
        if not isinstance(value, str) or not value.strip() or len(value) > max_length:
            raise FieldError(self.path_of(key), f"must be text of 1-{max_length} characters")
        return value.strip()

    def choice(self, key: str, options: Iterable[_T], default: object = _MISSING) -> _T:
        """One of `options`."""
        allowed = tuple(options)
        value = self._raw(key, default)
        if value not in allowed:
            raise FieldError(
                self.path_of(key), f"must be one of {', '.join(allowed)}, got {value!r}"
            )
        return value  # type: ignore[no-any-return]

    def choices(self, key: str, options: Iterable[str]) -> frozenset[str] | None:
        """A non-empty list of `options` (None when absent)."""
        allowed = tuple(options)
        value = self._raw(key, None)
        if value is None:
            return None
        if not isinstance(value, list) or not value or any(v not in allowed for v in value):
            raise FieldError(self.path_of(key), f"must be a non-empty list of {', '.join(allowed)}")
        return frozenset(value)

    def flag(self, key: str, default: bool = False) -> bool:
        """A boolean."""
        value = self._raw(key, default)
        if not isinstance(value, bool):
            raise FieldError(self.path_of(key), f"must be true or false, got {value!r}")
        return value

    def integer(
        self, key: str, default: object = _MISSING, *, minimum: int = 0, maximum: int = 10**9
    ) -> int:
        """A whole number within ``[minimum, maximum]``."""
        value = self._raw(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(self.path_of(key), f"must be a whole number, got {value!r}")
        if not minimum <= value <= maximum:
            raise FieldError(self.path_of(key), f"must lie in [{minimum}, {maximum}], got {value}")
        return value

    def decimal(
        self,
        key: str,
        default: object = _MISSING,
        *,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
    ) -> Decimal:
        """A finite decimal number (given as a string or a number) within the bounds."""
        value = self._raw(key, default)
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, bool) or not isinstance(value, int | float | str):
            raise FieldError(self.path_of(key), f"must be a number, got {value!r}")
        else:
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                raise FieldError(self.path_of(key), f"must be a number, got {value!r}") from None
        if not number.is_finite():
            raise FieldError(self.path_of(key), f"must be finite, got {value!r}")
        if minimum is not None and number < minimum:
            raise FieldError(self.path_of(key), f"must be >= {minimum}, got {value}")
        if maximum is not None and number > maximum:
            raise FieldError(self.path_of(key), f"must be <= {maximum}, got {value}")
        return number

    def date(self, key: str, default: object = _MISSING) -> date:
        """An ISO date (``YYYY-MM-DD``; YAML may already have parsed it)."""
        value = self._raw(key, default)
        if isinstance(value, datetime):
            raise FieldError(self.path_of(key), f"must be a date without a time, got {value!r}")
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise FieldError(self.path_of(key), f"must be a date YYYY-MM-DD, got {value!r}")

    def sub(self, key: str) -> Fields | None:
        """The nested mapping at `key`, None when absent."""
        value = self._raw(key, None)
        return None if value is None else Fields(value, self.path_of(key))

    def section(self, key: str) -> Fields:
        """The nested mapping at `key`, which is required."""
        return Fields(self._raw(key, _MISSING), self.path_of(key))

    def mapping(self) -> Mapping[str, Any]:
        """The wrapped mapping."""
        return self._data

    def items(self, key: str, *, is_required: bool = False) -> list[Fields]:
        """The list of mappings at `key`, each with its indexed path."""
        value = self._raw(key, _MISSING if is_required else [])
        if not isinstance(value, list):
            raise FieldError(self.path_of(key), "must be a list")
        return [Fields(item, f"{self.path_of(key)}[{i}]") for i, item in enumerate(value)]

    def strings(self, key: str) -> tuple[str, ...]:
        """A list of non-empty strings (empty when absent)."""
        value = self._raw(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise FieldError(self.path_of(key), "must be a list of text")
        return tuple(value)

    def done(self) -> None:
        """Refuse keys that were never read (misspelt or unsupported)."""
        unknown = sorted(set(self._data) - self._seen)
        if unknown:
            raise FieldError(self.path_of(unknown[0]), "is not a known field")
