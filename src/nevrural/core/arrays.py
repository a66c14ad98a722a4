"""Small helpers for the immutable arrays that frozen problems and results hold."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["readonly_copy"]

_T = TypeVar("_T", bound=np.generic)


def readonly_copy(array: npt.NDArray[_T]) -> npt.NDArray[_T]:
    """A copy of ``array`` that cannot be written to, so callers cannot alter results.

    >>> frozen = readonly_copy(np.arange(3))
    >>> frozen.flags.writeable
    False
    """
    copy = np.array(array)
    copy.setflags(write=False)
    return copy
