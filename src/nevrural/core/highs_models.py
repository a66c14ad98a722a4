"""HiGHS plumbing shared by the MIP models: a model from a row-wise matrix, a silent solver.

The covering, phased build-out and hub-and-spoke models build their constraint rows
as a sparse CSR matrix with bounds, and all run HiGHS silently with options that must
be accepted; these two functions do both once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import highspy
import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy.typing as npt

__all__ = ["rowwise_lp", "silent_highs"]


def rowwise_lp(
    matrix: sparse.spmatrix | sparse.sparray,
    cost: npt.ArrayLike,
    col_bounds: tuple[npt.ArrayLike, npt.ArrayLike],
    row_bounds: tuple[npt.ArrayLike, npt.ArrayLike],
    *,
    maximise: bool,
    n_integer: int,
) -> highspy.HighsLp:
    """A HighsLp over ``matrix`` (rows × columns, duplicates summed); the first
    `n_integer` columns are integer, the others continuous."""
    matrix = sparse.csr_matrix(matrix)
    matrix.sum_duplicates()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = int(matrix.shape[1]), int(matrix.shape[0])
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_, lp.col_upper_ = (np.asarray(b, dtype=np.float64) for b in col_bounds)
    lp.row_lower_, lp.row_upper_ = (np.asarray(b, dtype=np.float64) for b in row_bounds)
    a = lp.a_matrix_
    a.format_ = highspy.MatrixFormat.kRowwise
    a.num_col_, a.num_row_ = lp.num_col_, lp.num_row_
    a.start_ = matrix.indptr.astype(np.int32)
    a.index_ = matrix.indices.astype(np.int32)
    a.value_ = matrix.data.astype(np.float64)
    if n_integer:
        kinds = [highspy.HighsVarType.kInteger] * n_integer
        lp.integrality_ = kinds + [highspy.HighsVarType.kContinuous] * (lp.num_col_ - n_integer)
    return lp


def silent_highs(
    lp: highspy.HighsLp, options: Mapping[str, bool | float | int | str], *, model_name: str
) -> highspy.Highs:
    """A HiGHS instance holding `lp`, with output off and every option in `options`.

    Raises
    ------
    RuntimeError
        When HiGHS refuses an option (naming it) or the model.
    """
    highs = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy's __init__ is untyped
    for name, value in {"output_flag": False, **options}.items():
        if highs.setOptionValue(name, value) == highspy.HighsStatus.kError:
            raise RuntimeError(f"HiGHS refused option {name} = {value}")
    if highs.passModel(lp) == highspy.HighsStatus.kError:
        raise RuntimeError(f"HiGHS refused the {model_name} model")
    return highs
