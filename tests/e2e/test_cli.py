"""The ``nevrural`` command line through Typer's CliRunner, on a copy of the full atlas."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from nevrural.core.atlas.imports import indicator_template_header
from nevrural.core.atlas.indicators import INDICATORS
from nevrural.interfaces.cli.main import app
from tests.e2e.cli_runner import Run, make_runner

if TYPE_CHECKING:
    from pathlib import Path

__all__: list[str] = []


@pytest.fixture
def atlas_var_dir(built_atlas_db: Path, tmp_path: Path) -> Path:
    """A var dir holding a private copy of the built atlas as ``nevrural.db``."""
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    shutil.copyfile(built_atlas_db, var_dir / "nevrural.db")
    return var_dir


@pytest.fixture
def run(atlas_var_dir: Path) -> Run:
    """The CLI on the copied atlas."""
    return make_runner(atlas_var_dir)


def stats_of(run: Run) -> dict[str, Any]:
    """``atlas stats --json``, decoded; the whole of stdout must be one JSON object."""
    stats: dict[str, Any] = json.loads(run("atlas", "stats", "--json").stdout)
    assert isinstance(stats, dict)
    return stats


def check_full_atlas(stats: dict[str, Any]) -> None:
    """Counts of a full national atlas, and indicator coverage by source."""
    minimum = {
        "provinces": 31,
        "prefectures": 330,
        "counties": 2_800,
        "townships": 38_000,
        "county_boundaries": 2_800,
    }
    for key, least in minimum.items():
        assert type(stats[key]) is int, key
        assert stats[key] >= least, (key, stats[key])
    indicators = stats["indicators"]
    assert set(INDICATORS) <= set(indicators)
    for key, info in indicators.items():
        assert type(info["counties"]) is int, key
        assert isinstance(info["sources"], dict), key
        assert sum(info["sources"].values()) == info["counties"], key
    assert indicators["population"]["sources"]["modelled"] >= 2_800


def test_stats_json_is_one_object(run: Run) -> None:
    """``atlas stats --json`` prints one JSON object with integer counts and coverage."""
    check_full_atlas(stats_of(run))


def test_stats_text(run: Run) -> None:
    """``atlas stats`` prints the counts with thousands separators."""
    output = run("atlas", "stats").stdout
    assert "counties" in output
    assert "38," in output  # townships, e.g. 38,723
    assert "population" in output


def test_template_prints_the_header(run: Run) -> None:
    """``atlas template`` prints the indicator template header as one CSV line."""
    output = run("atlas", "template").stdout
    assert output.strip() == ",".join(indicator_template_header())


def test_template_to_file(run: Run, tmp_path: Path) -> None:
    """``atlas template FILE`` writes the header to the file."""
    target = tmp_path / "template.csv"
    run("atlas", "template", str(target))
    assert target.read_text(encoding="utf-8").strip() == ",".join(indicator_template_header())


def test_import_good_indicator_file(run: Run, tmp_path: Path) -> None:
    """A valid template is applied: message, exit 0, and the coverage shows the import."""
    good = tmp_path / "good.csv"
    good.write_text(
        'county_code,name,population\n130123,正定县,"480,000"\n130125,行唐县,430000\n',
        encoding="utf-8",
    )
    output = run("atlas", "import", str(good), "--kind", "indicators").stdout
    assert "good.csv: 2 values applied to 2 divisions" in output
    sources = stats_of(run)["indicators"]["population"]["sources"]
    assert sources["imported:good.csv"] == 2


def test_import_good_indicator_file_json(run: Run, tmp_path: Path) -> None:
    """``--json`` prints the import report as one JSON object."""
    good = tmp_path / "good.csv"
    good.write_text("county_code,area_km2\n130123,468.5\n", encoding="utf-8")
    report = json.loads(run("atlas", "import", str(good), "--json").stdout)
    assert report["kind"] == "indicators"
    assert report["values_applied"] == 1
    assert report["divisions_updated"] == 1
    assert len(report["sha256"]) == 64


def test_import_malformed_file_applies_nothing(run: Run, tmp_path: Path) -> None:
    """A malformed file is refused with exit 2 and its row number; the atlas is unchanged."""
    before = stats_of(run)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "county_code,name,population\n130123,正定县,480000\n130125,行唐县,abc\n",
        encoding="utf-8",
    )
    result = run("atlas", "import", str(bad), "--kind", "indicators", exit_code=2)
    assert "row 3" in result.output
    assert "refused" in result.output
    assert stats_of(run) == before


def test_import_missing_file_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    """A file that does not exist is refused by the argument check (exit 2)."""
    result = run("atlas", "import", str(tmp_path / "absent.csv"), exit_code=2)
    assert "absent.csv" in result.output


def test_import_census_2020(run: Run, census_2020_csv: Path) -> None:
    """The 7th-census table matches most counties and lists the rows it could not match."""
    args = ("atlas", "import", "--kind", "census2020", str(census_2020_csv), "--json")
    report = json.loads(run(*args).stdout)
    assert report["kind"] == "census2020"
    assert report["matched_by_code"] + report["matched_by_name"] >= 2_700
    assert report["unmatched"]
    assert {"row", "code", "name", "reason"} <= set(report["unmatched"][0])
    sources = stats_of(run)["indicators"]["population"]["sources"]
    assert sources[f"imported:{census_2020_csv.name}"] >= 2_700


def test_import_before_build_is_refused(tmp_path: Path) -> None:
    """Importing into an empty database exits 2 and says to build the atlas first."""
    good = tmp_path / "good.csv"
    good.write_text("county_code,population\n130123,480000\n", encoding="utf-8")
    result = make_runner(tmp_path / "var")("atlas", "import", str(good), exit_code=2)
    assert "atlas build" in result.output


def test_demo_seed_json(run: Run) -> None:
    """``demo seed --json`` seeds once, keeps the existing atlas, and is idempotent."""
    first = json.loads(run("demo", "seed", "--json").stdout)
    assert first == {"atlas_built": False, "demo_seeded": True, "database": "sqlite"}
    second = json.loads(run("demo", "seed", "--json").stdout)
    assert second["demo_seeded"] is False


def test_db_migrate(run: Run, tmp_path: Path) -> None:
    """``db migrate`` upgrades an existing atlas and creates a fresh database."""
    assert "database migrated (sqlite)" in run("db", "migrate").stdout
    fresh = tmp_path / "fresh"
    assert "database migrated (sqlite)" in make_runner(fresh)("db", "migrate").stdout
    assert (fresh / "nevrural.db").is_file()


def test_no_arguments_shows_help(atlas_var_dir: Path) -> None:
    """``nevrural`` alone prints its help listing the command groups."""
    result = CliRunner().invoke(app, [], env={"NEVRURAL_VAR_DIR": str(atlas_var_dir)})
    assert result.exit_code in {0, 2}  # click < 8.2 exits 0, later versions 2
    for group in ("atlas", "db", "demo", "serve"):
        assert group in result.output


@pytest.mark.slow
def test_build_from_empty_var_dir(tmp_path: Path) -> None:
    """``atlas build -q`` builds the whole atlas from nothing, then ``stats`` shows it."""
    var_dir = tmp_path / "empty"
    run = make_runner(var_dir)
    output = run("atlas", "build", "-q").stdout
    assert output.startswith("atlas built: ")
    assert "county 2,8" in output
    check_full_atlas(stats_of(run))
