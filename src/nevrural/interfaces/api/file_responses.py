"""File downloads of the planning routers: GeoJSON and CSV (UTF-8 with BOM) responses."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from fastapi.responses import Response

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

__all__ = ["csv_response", "geojson_response"]


def geojson_response(collection: Mapping[str, Any]) -> Response:
    """A GeoJSON document (UTF-8, Chinese kept as is)."""
    return Response(
        json.dumps(collection, ensure_ascii=False).encode("utf-8"),
        media_type="application/geo+json",
    )


def csv_response(header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> Response:
    """A CSV attachment, UTF-8 with BOM so that spreadsheet programs read 中文."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
