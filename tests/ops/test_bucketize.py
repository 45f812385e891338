"""BUCKETIZE against LiteRT's reference kernel (int32 results, exact): float32/float64/int32/int64
inputs, boundary lists of many lengths (the branchless search's edge sizes), values equal to
boundaries, duplicate boundaries, large integers that round when compared as floats, special
values (NaN, inf), shapes up to rank 8 and empty, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (F32, I32, I64, REFERENCE_KERNELS, SPECIAL_VALUES, UNARY_SHAPES,
                        assert_rejected, check_op, check_values, shape_id)

F64 = np.float64
TYPES = [F32, F64, I32, I64]
BOUNDARIES = [-3.0, -1.0, 0.0, 0.5, 2.0, 7.0]


def dtype_id(dtype):
    return np.dtype(dtype).name


def bucketize(values, boundaries):
    return check_values("BUCKETIZE", [values], options=dict(boundaries=boundaries),
                        output_dtype=I32, reference=REFERENCE_KERNELS)


@pytest.mark.parametrize("dtype", TYPES, ids=dtype_id)
@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape, dtype):
    check_op("BUCKETIZE", [(shape, dtype)], options=dict(boundaries=BOUNDARIES),
             output_dtype=I32, input_range=(-5, 9), reference=REFERENCE_KERNELS)


@pytest.mark.parametrize("count", [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 1000], ids=str)
def test_boundary_counts(count):
    rng = np.random.default_rng(count)
    boundaries = np.sort(rng.uniform(-50, 50, count)).astype(F32)
    # Random values, every boundary exactly, and the floats next to each one.
    values = np.concatenate([rng.uniform(-60, 60, 500).astype(F32), boundaries,
                             np.nextafter(boundaries, np.inf), np.nextafter(boundaries, -np.inf)])
    bucketize(values.astype(F32), boundaries.tolist())


@pytest.mark.parametrize("dtype", TYPES, ids=dtype_id)
def test_values_on_boundaries(dtype):
    values = np.array([-4, -3, -2, -1, 0, 1, 2, 3, 7, 8], dtype)
    bucketize(values, [-3.0, -1.0, 0.0, 2.0, 7.0])


def test_duplicate_boundaries():
    bucketize(np.array([-1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0], F32), [0.0, 0.0, 1.0, 1.0, 1.0, 2.0])


@pytest.mark.parametrize("dtype", [I32, I64], ids=dtype_id)
def test_large_integers_compare_as_floats(dtype):
    # 16777217 is 16777216 as a float: it is in the bucket past a boundary of 16777216.
    values = np.array([16777215, 16777216, 16777217, 16777218, 2**31 - 1, -2**31], dtype)
    if dtype == I64:
        values = np.concatenate([values, np.array([2**40 + 1, -2**40 - 1, 2**62], I64)])
    bucketize(values, [16777216.0, 16777218.0, 2.0**31, 2.0**40])


@pytest.mark.parametrize("dtype", [F32, F64], ids=dtype_id)
def test_special_values(dtype):
    values = np.concatenate([SPECIAL_VALUES.astype(dtype),
                             np.array([0.1, 1e-300 if dtype == F64 else 1e-40], dtype)])
    bucketize(values, [-np.inf, -1.0, 0.0, 0.1, 1.0, np.inf])


def test_float64_compares_in_double():
    # 0.1 (float64) is below the float 0.1 boundary (0.100000001...): bucket 0, not 1.
    bucketize(np.array([0.1, 0.10000000149011612, 0.1000000015], F64), [0.1])


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_unsorted_boundaries():
    assert_rejected("BUCKETIZE", [((4,), F32)], options=dict(boundaries=[0.0, 2.0, 1.0]),
                    output_dtypes=I32, match="not sorted", litert_rejects=True)


def test_rejects_nan_boundaries():
    assert_rejected("BUCKETIZE", [((4,), F32)], options=dict(boundaries=[0.0, np.nan]),
                    output_dtypes=I32, match="NaN boundaries")


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.bool_], ids=dtype_id)
def test_rejects_types_tflite_rejects(dtype):
    assert_rejected("BUCKETIZE", [((4,), dtype)], options=dict(boundaries=[0.0]),
                    output_dtypes=I32, match="which TFLite's BUCKETIZE does not accept",
                    litert_rejects=True)
