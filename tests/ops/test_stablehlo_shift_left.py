"""STABLEHLO_SHIFT_LEFT against LiteRT's optimized-resolver kernel (the reference resolver lacks
it): int8/int16/int32 on same-shape inputs, every count in [0, 31] (int8/int16 are shifted as
promoted ints, then truncated), values overflowing the type, a fused chain, and the models jitlite
must refuse (see stablehlo_cases.py). Counts outside [0, 31] are undefined behaviour in LiteRT's
C++ kernel, and its results for them differ between its vectorized and scalar loop iterations, so
they are not compared; jitlite's own rule (count mod 32) is checked without LiteRT."""

import numpy as np
import pytest

from jitlite.testing import build_op_model, jitlite_interpreter, run_model
from op_testing import check_values
from stablehlo_cases import (SHAPES, SHIFT_TYPES, check_fused_chain, check_random,
                             check_rejections, dtype_id, reference_for, shape_id)

OP = "STABLEHLO_SHIFT_LEFT"


@pytest.mark.parametrize("dtype", SHIFT_TYPES, ids=dtype_id)
@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_random(shape, dtype):
    info = np.iinfo(dtype)
    check_op_ranges = [(int(info.min), int(info.max)), (0, 31)]
    check_random(OP, shape, dtype, input_range=check_op_ranges)


@pytest.mark.parametrize("dtype", SHIFT_TYPES, ids=dtype_id)
def test_every_defined_count(dtype):
    info = np.iinfo(dtype)
    values = np.array([1, -1, 3, info.min, info.max, 0x55], dtype)
    counts = np.arange(32).astype(dtype)
    check_values(OP, [np.repeat(values, len(counts)), np.tile(counts, len(values))],
                 reference=reference_for(OP))


@pytest.mark.parametrize("dtype", SHIFT_TYPES, ids=dtype_id)
def test_out_of_range_counts_shift_mod_32(dtype):
    info = np.iinfo(dtype)
    values = np.array([1, -1, 3, info.max], dtype)
    counts = np.array([-1, -31, info.max] + ([32, 33, 100] if dtype == np.int32 else []), dtype)
    a, b = np.repeat(values, len(counts)), np.tile(counts, len(values))
    model = build_op_model(OP, [(a.shape, dtype), (b.shape, dtype)], output_shapes=[list(a.shape)])
    (out,) = run_model(jitlite_interpreter(), model, [a, b])
    wide = a.astype(np.int64) << (b.astype(np.int64) & 31)
    np.testing.assert_array_equal(out, wide.astype(np.uint64).astype(dtype))


@pytest.mark.parametrize("dtype", [np.int8, np.int32], ids=dtype_id)
def test_fused_chain(dtype):
    check_fused_chain(OP, dtype)


def test_rejections():
    check_rejections(OP, [np.int32, np.int16],
                     [np.int64, np.uint8, np.uint16, np.uint32, np.float32, np.bool_])
