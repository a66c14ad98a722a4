"""Tests for reading policy YAML: the packaged catalogues, and malformed files refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from nevrural.adapters.files.policy_yaml import (
    load_packaged_policies,
    parse_policy_yaml,
    read_policy_file,
)
from nevrural.core.offers.catalogue import Catalogue
from nevrural.core.offers.fields import FieldError

if TYPE_CHECKING:
    from pathlib import Path

__all__: list[str] = []

_VALID = """\
rules:
  - id: hebei-demo
    version: 1
    title_zh: 示例
    title_en: Example
    category: discount
    funded_by: local
    is_example: true
    citation: {issuer: tests, document: test, date: 2025-01-01}
    jurisdiction: "130000"
    effective_from: 2025-01-01
    amount: {kind: fixed, cny: "2000"}
"""


def test_packaged_catalogues_load_and_validate() -> None:
    """The packaged national rules are cited and real; the examples are all flagged."""
    rules, caps = load_packaged_policies()
    catalogue = Catalogue(rules, caps)
    national = {r.rule_id: r for r in rules if not r.is_example}
    assert set(national) >= {
        "national-scrappage-nev-2025",
        "national-nev-purchase-tax-exemption-2024-2025",
        "national-nev-purchase-tax-halving-2026-2027",
    }
    scrappage = national["national-scrappage-nev-2025"]
    assert scrappage.amount.fen == 2_000_000  # 20,000 CNY
    assert "发改环资〔2025〕13号" in scrappage.citation.document
    halving = national["national-nev-purchase-tax-halving-2026-2027"]
    assert halving.amount.share == Decimal("0.5")
    assert halving.amount.cap_fen == 1_500_000
    assert all(r.rule_id.startswith("example-") for r in rules if r.is_example)
    assert len(catalogue.in_force(date(2025, 6, 1))) >= 3


def test_valid_yaml_parses() -> None:
    """A small YAML catalogue parses; the quoted province code stays text."""
    rules, caps = parse_policy_yaml(_VALID, "hebei.yaml")
    assert rules[0].jurisdiction.code == "130000"
    assert rules[0].amount.fen == 200_000
    assert caps == ()


@pytest.mark.parametrize(
    "text",
    [
        "rules: [\n  - id: a\n",  # unclosed flow sequence
        "rules:\n  - id: a\n   version: 1\n",  # bad indentation
        "rules:\n  - {id: a, title_zh: '未闭合}\n",  # unclosed quote
        "rules: !!python/object:os.system {}\n",  # object construction is refused
    ],
)
def test_malformed_yaml_is_refused_naming_the_file(text: str) -> None:
    """Invalid YAML is a FieldError naming the file (and the line when known)."""
    with pytest.raises(FieldError, match=r"^bad\.yaml: .*is not valid YAML") as caught:
        parse_policy_yaml(text, "bad.yaml")
    assert caught.value.path.startswith("bad.yaml")


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('cny: "2000"', 'cny: "-2000"', "bad.yaml.rules[0].amount.cny"),
        ("effective_from: 2025-01-01", "effective_from: 2025-1-1st", "rules[0].effective_from"),
        (
            "effective_from: 2025-01-01",
            "effective_from: 2025-01-01\n    efective_to: 2025-12-31",
            "rules[0].efective_to",
        ),
        ('jurisdiction: "130000"', "jurisdiction: 130000", "rules[0].jurisdiction"),
        ("version: 1", "version: one", "rules[0].version"),
    ],
)
def test_bad_field_in_yaml_names_the_file_and_field(old: str, new: str, path: str) -> None:
    """A YAML file with one bad field is refused naming ``file.rules[i].field``."""
    with pytest.raises(FieldError) as caught:
        parse_policy_yaml(_VALID.replace(old, new), "bad.yaml")
    assert path in str(caught.value)
    assert str(caught.value).startswith("bad.yaml.rules[0].")


def test_impossible_yaml_date_is_refused_naming_the_file() -> None:
    """An unquoted impossible date (2025-02-30) is a FieldError naming the file."""
    # PyYAML's timestamp constructor raises a bare ValueError, not a YAMLError.
    text = _VALID.replace("effective_from: 2025-01-01", "effective_from: 2025-02-30")
    with pytest.raises(FieldError, match=r"^bad\.yaml"):
        parse_policy_yaml(text, "bad.yaml")


def test_unreadable_file_is_refused_naming_it(tmp_path: Path) -> None:
    """A file that is not UTF-8 is refused naming the file."""
    path = tmp_path / "latin.yaml"
    path.write_bytes("title_zh: \xe9".encode("latin-1"))
    with pytest.raises(FieldError, match=r"^latin\.yaml: cannot be read"):
        read_policy_file(path)
