"""Read policy rule catalogues from YAML: the packaged ones and files users supply.

The packaged catalogues live in ``nevrural/data/policies``: ``national.yaml`` (the
published national rules, each cited) and ``examples.yaml`` (example local, enterprise
and bank offers, all flagged ``is_example``). YAML is read with ``safe_load`` (no
object construction), then parsed by :mod:`nevrural.core.offers.rule_parsing`, whose
errors name the field (``national.yaml: rules[2].amount.cny: must be >= 0``).
"""

from __future__ import annotations

import importlib.resources
from typing import TYPE_CHECKING

import yaml

from nevrural.core.offers.fields import FieldError
from nevrural.core.offers.rule_parsing import parse_catalogue

if TYPE_CHECKING:
    from pathlib import Path

    from nevrural.core.offers.rules import CombinedCap, PolicyRule

__all__ = ["PACKAGED_CATALOGUES", "load_packaged_policies", "parse_policy_yaml", "read_policy_file"]

PACKAGED_CATALOGUES = ("national.yaml", "examples.yaml")

Policies = tuple[tuple["PolicyRule", ...], tuple["CombinedCap", ...]]


def parse_policy_yaml(text: str, source: str) -> Policies:
    """Rules and caps of one YAML document; FieldError names `source` and the field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "document"
        raise FieldError(f"{source}: {where}", f"is not valid YAML ({error})") from None
    except ValueError as error:  # PyYAML builds dates itself: 2025-02-30 fails there
        raise FieldError(source, f"holds an impossible value ({error})") from None
    return parse_catalogue(data, source)


def read_policy_file(path: Path) -> Policies:
    """Rules and caps of a YAML file (UTF-8)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FieldError(path.name, f"cannot be read ({error})") from None
    return parse_policy_yaml(text, path.name)


def load_packaged_policies() -> Policies:
    """Every rule and cap of the packaged catalogues, in file order."""
    folder = importlib.resources.files("nevrural").joinpath("data", "policies")
    rules: list[PolicyRule] = []
    caps: list[CombinedCap] = []
    for name in PACKAGED_CATALOGUES:
        more_rules, more_caps = parse_policy_yaml(folder.joinpath(name).read_text("utf-8"), name)
        rules.extend(more_rules)
        caps.extend(more_caps)
    return tuple(rules), tuple(caps)
