"""Cases shared by the StableHLO elementwise binary op tests (tests/ops/test_stablehlo_*.py): every
dtype the op's LiteRT kernel takes on same-shape inputs (scalars to rank 8, empty), integer
extremes (wrapping), float special values, BOOL, a two-op fused chain, and the models jitlite must
refuse (StableHLO does not broadcast). STABLEHLO_AND and STABLEHLO_SHIFT_LEFT are only in LiteRT's
optimized resolver, so those compare with TFLITE_KERNELS; the others with REFERENCE_KERNELS."""

import numpy as np
import pytest

from jitlite.testing import ModelBuilder, build_op_model, run_both
from op_testing import (REFERENCE_KERNELS, SPECIAL_VALUES, TFLITE_KERNELS, assert_rejected,
                        check_op, check_values, shape_id)

SHAPES = [(), (7,), (2, 3), (1, 4, 4, 3), (0, 3), (2, 1, 3, 1, 2, 1, 2, 1), (1000,)]
FLOATS = [np.float16, np.float32, np.float64]
INTEGERS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
ARITHMETIC_TYPES = FLOATS + INTEGERS + [np.bool_]
AND_TYPES = INTEGERS + [np.bool_]
SHIFT_TYPES = [np.int8, np.int16, np.int32]
ONLY_IN_OPTIMIZED_RESOLVER = {"STABLEHLO_AND", "STABLEHLO_SHIFT_LEFT"}

__all__ = ["SHAPES", "ARITHMETIC_TYPES", "AND_TYPES", "SHIFT_TYPES", "FLOATS", "INTEGERS",
           "dtype_id", "shape_id", "reference_for", "check_random", "check_integer_extremes",
           "check_float_specials", "check_bool_table", "check_fused_chain", "check_rejections"]


def dtype_id(dtype):
    return np.dtype(dtype).name


def reference_for(op):
    return TFLITE_KERNELS if op in ONLY_IN_OPTIMIZED_RESOLVER else REFERENCE_KERNELS


def _full_range(dtype):
    if np.dtype(dtype) == np.bool_ or np.issubdtype(dtype, np.floating):
        return None
    info = np.iinfo(dtype)
    return (int(info.min), int(info.max))


def check_random(op, shape, dtype, input_range=None):
    check_op(op, [(shape, dtype), (shape, dtype)], input_range=input_range or _full_range(dtype),
             reference=reference_for(op))


def check_integer_extremes(op, dtype):
    info = np.iinfo(dtype)
    values = np.array([info.min, info.max, 0, 1, info.max // 2, info.min + 1,
                       info.max - 1], dtype)
    check_values(op, [np.repeat(values, len(values)), np.tile(values, len(values))],
                 reference=reference_for(op))


def check_float_specials(op, dtype):
    with np.errstate(over="ignore"):  # float16: the huge values become infinities
        values = SPECIAL_VALUES.astype(dtype)
    a, b = np.repeat(values, len(values)), np.tile(values, len(values))
    model = build_op_model(op, [(a.shape, dtype), (b.shape, dtype)], output_shapes=[list(a.shape)])
    actual, expected = run_both(model, [a, b], reference=reference_for(op))
    # Bit for bit: NaN placement and the sign of zero are part of the semantics.
    differ = np.flatnonzero(actual[0].view(np.uint8) != expected[0].view(np.uint8))
    assert differ.size == 0, f"{op} {dtype_id(dtype)}: bytes differ at {differ[:10]}"


def check_bool_table(op):
    a = np.array([False, False, True, True])
    b = np.array([False, True, False, True])
    check_values(op, [a, b], reference=reference_for(op))


def check_fused_chain(op, dtype):
    # op(op(a, b), a): two nodes fused into one loop.
    mb = ModelBuilder()
    a = mb.add_input("a", dtype, [3, 17])
    b = mb.add_input("b", dtype, [3, 17])
    t = mb.add_tensor("t", dtype, [3, 17])
    y = mb.add_tensor("y", dtype, [3, 17])
    mb.add_op(op, [a, b], [t])
    mb.add_op(op, [t, a], [y])
    mb.mark_output(y)
    rng = np.random.default_rng(5)
    values = [rng.integers(-20, 20, (3, 17)).astype(dtype) for _ in range(2)]
    if op == "STABLEHLO_SHIFT_LEFT":
        values[1] = rng.integers(0, 4, (3, 17)).astype(dtype)
        values[0] = rng.integers(0, 4, (3, 17)).astype(dtype)
    actual, expected = run_both(mb.build(), values, reference=reference_for(op))
    np.testing.assert_array_equal(actual[0], expected[0])


def check_rejections(op, supported, unsupported):
    """Shapes that differ (even broadcastable ones), mixed dtypes, and types LiteRT refuses."""
    dtype = supported[0]
    for shapes in [((2, 3), (1, 3)), ((2, 3), (3,)), ((4,), ())]:
        assert_rejected(op, [(shapes[0], dtype), (shapes[1], dtype)], output_shapes=[[2, 3]],
                        match="input shapes differ")
    assert_rejected(op, [((2, 3), supported[0]), ((2, 3), supported[1])],
                    match="input types differ")
    for bad in unsupported:
        assert_rejected(op, [((3,), bad), ((3,), bad)],
                        match=f"which LiteRT's {op} does not accept", litert_rejects=True)
