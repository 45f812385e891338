"""PADV2 against LiteRT: ranks 1-5 (TFLite's limit), padding patterns, int32/int64 paddings,
float32/int32/int64/bool and quantized raw copies, constant and runtime pad values, the pad
value omitted (zero), empty inputs, a fused epilogue; plus the rejected cases."""

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, run_both
from jitlite.testing.model_builder import ModelBuilder
from op_testing import (F32, I32, I64, TFLITE_KERNELS, assert_rejected, check_op,
                        check_quantized)

OP = "PADV2"
SHAPES = {1: (5,), 2: (3, 4), 3: (2, 3, 5), 4: (1, 4, 3, 2), 5: (2, 1, 3, 2, 3)}
PATTERNS = {
    "zero": lambda r: [(0, 0)] * r,
    "asymmetric": lambda r: [(d % 3, (d + 1) % 2) for d in range(r)],
    "inner_only": lambda r: [(0, 0)] * (r - 1) + [(1, 2)],
    "outer_only": lambda r: [(3, 1)] + [(0, 0)] * (r - 1),
}


def paddings(pairs, dtype=np.int32):
    return np.array(pairs, dtype=dtype).reshape(len(pairs), 2)


def value(v, dtype=F32):
    return np.array(v, dtype=dtype)


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
@pytest.mark.parametrize("rank", sorted(SHAPES))
def test_patterns(rank, pattern):
    check_op(OP, [(SHAPES[rank], F32)], [paddings(PATTERNS[pattern](rank)), value(-3.5)])


@pytest.mark.parametrize("pad_dtype", [I32, I64])
@pytest.mark.parametrize("dtype, v", [(F32, 7.25), (I32, -9), (I64, 2 ** 40), (np.bool_, True)])
def test_dtypes(dtype, v, pad_dtype):
    check_op(OP, [((2, 3), dtype)], [paddings([(1, 0), (2, 1)], pad_dtype), value(v, dtype)])


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    q = dict(scale=0.5, zero_point=3 if dtype != np.int16 else 0)
    check_quantized(OP, [((2, 3), dtype, q)], [paddings([(1, 1), (0, 2)]), (value(5, dtype), q)])


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_quantized_omitted_value_is_the_output_zero_point(dtype):
    q = dict(scale=0.5, zero_point=-9 if dtype == np.int8 else 140)
    check_quantized(OP, [((2, 3), dtype, q)], [paddings([(1, 1), (0, 2)]), None])


def test_quantized_value_must_share_the_output_quantization():
    q = dict(scale=0.5, zero_point=3)
    assert_rejected(OP, [((2, 3), np.int8, q)],
                    [paddings([(1, 1), (0, 2)]), (value(5, np.int8), dict(scale=0.25, zero_point=3))],
                    match="constant_values .* unlike the output", output_shapes=[[4, 5]],
                    litert_rejects=True)


def test_runtime_pad_value():
    # model input order: data (runtime), paddings (constant), value (runtime)
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [2, 3])
    pads = mb.add_constant("pads", paddings([(1, 0), (0, 2)]))
    v = mb.add_input("v", F32, [])
    out = mb.add_tensor("out", F32, [3, 5])
    mb.add_op(OP, [x, pads, v], [out])
    mb.mark_output(out)
    actual, expected = run_both(mb.build(), [np.full((2, 3), 2.0, F32), value(-1.0)])
    assert_outputs_match(actual, expected)


@pytest.mark.parametrize("dtype", [F32, I32, np.bool_])
def test_all_constant_is_folded(dtype):
    data = (np.arange(6).reshape(2, 3) % 2).astype(dtype)
    check_op(OP, [data, paddings([(1, 2), (0, 1)]), value(1, dtype)])
    check_op(OP, [data, paddings([(0, 1), (2, 0)])])


def test_omitted_value_pads_with_zero():
    check_op(OP, [((2, 3), F32)], [paddings([(1, 1), (1, 1)])])


def test_empty_input():
    check_op(OP, [((0, 3), F32)], [paddings([(2, 1), (1, 0)]), value(1.5)],
             reference=TFLITE_KERNELS)  # XNNPACK rejects an empty input


def test_epilogue_fuses():
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [2, 3])
    pads = mb.add_constant("pads", paddings([(1, 0), (2, 1)]))
    v = mb.add_constant("v", value(0.5))
    padded = mb.add_tensor("padded", F32, [3, 6])
    mb.add_op(OP, [x, pads, v], [padded])
    y = mb.add_input("y", F32, [6])
    out = mb.add_tensor("out", F32, [3, 6])
    mb.add_op("ADD", [padded, y], [out])
    mb.mark_output(out)
    rng = np.random.default_rng(0)
    values = [rng.uniform(-2, 2, (2, 3)).astype(F32), rng.uniform(-2, 2, (6,)).astype(F32)]
    actual, expected = run_both(mb.build(), values)
    assert_outputs_match(actual, expected)


@pytest.mark.parametrize("constants, match", [
    ([paddings([(0, 0), (-1, 2)]), value(1.0)], "must be >= 0"),
    ([paddings([(1, 1)]), value(1.0)], r"expected \[2, 2\]"),
    ([paddings([(1, 1), (0, 0)]), value([1.0, 2.0])], "expected one FLOAT32 value"),
    ([paddings([(1, 1), (0, 0)]), value(1, I32)], "expected one FLOAT32 value"),
])
def test_invalid(constants, match):
    assert_rejected(OP, [((2, 3), F32)], constants, match=match, output_shapes=[[1]])


def test_runtime_paddings_are_unimplemented():
    assert_rejected(OP, [((2, 3), F32), ((2, 2), I32)], [value(1.0)],
                    match="jitlite needs constant paddings", output_shapes=[[2, 3]])
