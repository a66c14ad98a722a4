"""Offer inputs from files and the package: packaged rules, rule-version YAML, quote JSON.

`PackagedPolicySource` implements the ``PolicySource`` port on the packaged YAML
catalogues, parsed once per process. `read_rule_mappings` reads a YAML file of new
rule versions (``rules:``) into plain mappings with dates as ISO text, exactly what is
stored; `read_json_mapping` reads a quote request. Both refuse a file with a
`FieldError` naming the file and the problem (the fields themselves are checked by
the core parsers).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import TYPE_CHECKING, Any

import yaml

from nevrural.adapters.files.policy_yaml import load_packaged_policies
from nevrural.core.offers.fields import FieldError

if TYPE_CHECKING:
    from pathlib import Path

    from nevrural.core.offers.rules import CombinedCap, PolicyRule

__all__ = ["PackagedPolicySource", "read_json_mapping", "read_rule_mappings"]


class PackagedPolicySource:
    """The packaged catalogues (``nevrural/data/policies``), read and parsed once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: tuple[tuple[PolicyRule, ...], tuple[CombinedCap, ...]] | None = None

    def load(self) -> tuple[tuple[PolicyRule, ...], tuple[CombinedCap, ...]]:
        """Every packaged rule and cap, in file order."""
        with self._lock:
            if self._loaded is None:
                self._loaded = load_packaged_policies()
            return self._loaded


def _plain(value: Any) -> Any:
    """`value` with dates as ISO text, ready to store as JSON."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FieldError(path.name, f"cannot be read ({error})") from None


def read_rule_mappings(path: Path) -> list[dict[str, Any]]:
    """The mappings under ``rules:`` of a YAML file, dates as ISO text."""
    try:
        data = yaml.safe_load(_read_text(path))
    except yaml.YAMLError as error:
        raise FieldError(path.name, f"is not valid YAML ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise FieldError(f"{path.name}: rules", "must be a list of rule versions")
    unknown = sorted(set(data) - {"rules", "catalogue"})
    if unknown:
        raise FieldError(f"{path.name}: {unknown[0]}", "is not a known field")
    rules = [_plain(item) for item in data["rules"]]
    for i, item in enumerate(rules):
        if not isinstance(item, dict):
            raise FieldError(f"rules[{i}]", f"must be a mapping, got {type(item).__name__}")
    return rules


def read_json_mapping(path: Path) -> dict[str, Any]:
    """A JSON object from a UTF-8 file."""
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as error:
        raise FieldError(path.name, f"is not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise FieldError(path.name, f"must hold a JSON object, got {type(data).__name__}")
    return data
