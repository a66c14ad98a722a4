"""``nevrural events plan`` through Typer's CliRunner: county files, config, written files."""

from __future__ import annotations

import csv
import json
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from icalendar import Calendar

from nevrural.core.routing.caravan_outputs import ITINERARY_COLUMNS

if TYPE_CHECKING:
    from pathlib import Path

    from tests.e2e.cli_runner import Run

__all__: list[str] = []

COUNTIES = ("130123", "130125", "130126")  # 正定县, 行唐县, 灵寿县 (Hebei)
WINDOW = ("--start", "2026-06-01", "--end", "2026-06-30")


def plan(run: Run, counties: Path, out: Path, *more: str) -> dict[str, Any]:
    """Run ``events plan`` on a county file with two caravans; the JSON summary."""
    args = ("events", "plan", "--counties", str(counties), *WINDOW, "--caravans", "2")
    summary = json.loads(run(*args, "--out", str(out), *more, "--json").stdout)
    assert isinstance(summary, dict)
    return summary


def county_csv(tmp_path: Path, *rows: tuple[str, str]) -> Path:
    """A CSV file with the columns county_code and name."""
    path = tmp_path / "counties.csv"
    lines = ["county_code,name", *(f"{code},{name}" for code, name in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def itinerary(out: Path, summary: dict[str, Any]) -> dict[str, Any]:
    """The itinerary.json the plan of ``summary`` wrote under ``out``."""
    path = out / f"events-{summary['plan_id']}" / "itinerary.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def held_visits(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """``(caravan id, date, visit)`` of every held event of an itinerary document."""
    return [
        (caravan["caravan_id"], day["date"], visit)
        for caravan in document["caravans"]
        for day in caravan["days"]
        for visit in day["visits"]
    ]


def test_plan_from_a_csv_writes_every_file(run: Run, tmp_path: Path) -> None:
    """Summary with no broken rule; itinerary, routes and one calendar per caravan and county."""
    counties = county_csv(tmp_path, *zip(COUNTIES, ("正定县", "行唐县", "灵寿县"), strict=True))
    summary = plan(run, counties, tmp_path / "out")
    assert summary["counties"] == 3
    assert summary["violations"] == 0
    assert summary["plan"]["violations"] == summary["baseline"]["violations"] == 0
    folder = tmp_path / "out" / f"events-{summary['plan_id']}"
    document = itinerary(tmp_path / "out", summary)
    visits = held_visits(document)
    assert summary["plan"]["events_held"] == len(visits) > 0
    caravans = sorted({cid for cid, _, _ in visits})
    codes = sorted({visit["county_code"] for _, _, visit in visits})
    names = ["itinerary.json", "itinerary.csv", "routes.geojson"]
    names += [f"caravan-{cid}.ics" for cid in caravans] + [f"county-{c}.ics" for c in codes]
    assert "caravan-K1.ics" in names
    assert summary["files"] == [str(folder / name) for name in names]
    assert all((folder / name).is_file() for name in names)

    calendar = Calendar.from_ical((folder / "caravan-K1.ics").read_bytes())
    assert isinstance(calendar, Calendar)
    assert len(calendar.events) == sum(cid == "K1" for cid, _, _ in visits)
    assert all(e["DTSTART"].params["TZID"] == "Asia/Shanghai" for e in calendar.events)
    county = Calendar.from_ical((folder / f"county-{codes[0]}.ics").read_bytes())
    assert len(county.events) == sum(v["county_code"] == codes[0] for _, _, v in visits)

    raw = (folder / "itinerary.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    with (folder / "itinerary.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == ITINERARY_COLUMNS
    routes = json.loads((folder / "routes.geojson").read_text(encoding="utf-8"))
    assert routes["type"] == "FeatureCollection"


def test_plan_from_a_bare_txt_list(run: Run, tmp_path: Path) -> None:
    """A TXT file with one code a line and no header plans every listed county."""
    path = tmp_path / "counties.txt"
    path.write_text("\n".join(COUNTIES[:2]) + "\n", encoding="utf-8")
    summary = plan(run, path, tmp_path / "out", "--repair-every", "0")
    assert summary["counties"] == 2
    assert summary["violations"] == 0
    assert summary["repair_rounds"]["period_days"] == 0
    document = itinerary(tmp_path / "out", summary)
    assert [c["county_code"] for c in document["counties"]] == list(COUNTIES[:2])


def test_config_blackouts_keep_events_out(run: Run, tmp_path: Path) -> None:
    """Blackouts from --config hold no event; the command line's window wins over the file's."""
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "start": "2030-01-01",
                "blackouts": [{"start": "2026-06-05", "end": "2026-06-20", "reason": "麦收"}],
                "market_days": {"130123100": "逢一四七"},
                "max_events_per_day": 3,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    counties = county_csv(tmp_path, (COUNTIES[0], "正定县"), (COUNTIES[1], "行唐县"))
    out = tmp_path / "out"
    summary = plan(run, counties, out, "--config", str(config), "--repair-every", "0")
    assert summary["violations"] == 0
    document = itinerary(out, summary)
    assert document["window"] == {"start": "2026-06-01", "end": "2026-06-30"}
    dates = [date.fromisoformat(day) for _, day, _ in held_visits(document)]
    assert dates
    assert not [d for d in dates if date(2026, 6, 5) <= d <= date(2026, 6, 20)]


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        (["county_code", "130123", "13012X"], ["row 3", "'13012X'", "six-digit"]),
        (["130123", "130125", "1301250"], ["row 3", "'1301250'"]),
        (["county_code", "130123", "999999"], ["unknown county codes", "999999"]),
    ],
    ids=["csv-bad-code", "txt-bad-code", "unknown-code"],
)
def test_bad_code_in_the_file_exits_2_naming_the_row(
    run: Run, tmp_path: Path, lines: list[str], words: list[str]
) -> None:
    """A malformed or unknown code is refused with exit code 2 and its row; no file written."""
    path = tmp_path / "counties.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ("events", "plan", "--counties", str(path), *WINDOW, "--caravans", "2")
    result = run(*args, "--out", str(tmp_path / "out"), exit_code=2)
    message = " ".join(result.output.split())
    assert "refused" in message
    for word in words:
        assert word in message
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ({"caravan_count": 2}, ["unknown fields: caravan_count"]),
        ({"market_days": {"130123100": "每月初一"}}, ["market_days[130123100]"]),
        ({"blackouts": [{"start": "2026-06-09", "end": "2026-06-08"}]}, ["blackouts[0]"]),
    ],
    ids=["unknown-field", "market-label", "blackout-order"],
)
def test_bad_config_exits_2_naming_the_field(
    run: Run, tmp_path: Path, config: dict[str, Any], words: list[str]
) -> None:
    """A config with an unknown field or a bad value is refused with exit code 2."""
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    counties = county_csv(tmp_path, (COUNTIES[0], "正定县"), (COUNTIES[1], "行唐县"))
    args = ("events", "plan", "--counties", str(counties), *WINDOW, "--caravans", "2")
    result = run(*args, "--config", str(path), "--out", str(tmp_path / "out"), exit_code=2)
    message = " ".join(result.output.split())
    for word in words:
        assert word in message
