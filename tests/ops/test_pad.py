"""PAD against LiteRT: ranks 0..5 (TFLite's limit), zero/asymmetric/large paddings, int32 and
int64 paddings, float32/int32/int64/bool data, a fused epilogue, and the rejected cases."""

import numpy as np
import pytest

from jitlite.testing.check_op import (assert_outputs_match, build_op_model, check_op,
                                      litert_interpreter, run_both)
from jitlite.testing.model_builder import ModelBuilder
from op_testing import check_quantized
from seanet_golden import check_seanet, seanet_model_numbers

F32 = np.float32
OP = "PAD"


def paddings(pairs, dtype=np.int32):
    return np.array(pairs, dtype=dtype).reshape(len(pairs), 2)


SHAPES = {1: (5,), 2: (3, 4), 3: (2, 3, 5), 4: (1, 4, 3, 2), 5: (2, 1, 3, 2, 3)}
PATTERNS = {
    "zero": lambda r: [(0, 0)] * r,
    "asymmetric": lambda r: [(d % 3, (d + 1) % 2) for d in range(r)],
    "before_only": lambda r: [(2, 0)] * r,
    "after_only": lambda r: [(0, 3)] * r,
    "inner_dim_only": lambda r: [(0, 0)] * (r - 1) + [(1, 2)],
    "outer_dim_only": lambda r: [(3, 1)] + [(0, 0)] * (r - 1),
}


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
@pytest.mark.parametrize("rank", sorted(SHAPES))
def test_patterns_over_ranks(rank, pattern):
    pads = paddings(PATTERNS[pattern](rank))
    check_op(OP, [(SHAPES[rank], F32)], [pads])


@pytest.mark.parametrize("dtype", [F32, np.int32])
def test_scalar_input(dtype):
    # paddings of shape [0, 2]: the output is the input. (check_op's float comparison cannot
    # handle 0-d outputs yet, so this compares directly.)
    model = build_op_model(OP, [((), dtype)], [np.zeros((0, 2), np.int32)], output_shapes=[[]])
    actual, expected = run_both(model, [np.array(1.5 if dtype == F32 else 7, dtype)])
    assert actual[0].shape == expected[0].shape == ()
    np.testing.assert_array_equal(actual[0], expected[0])


def test_image_style_padding():
    # TFLite's special case: 4-D with no batch/channel padding
    check_op(OP, [((1, 7, 5, 3), F32)], [paddings([(0, 0), (1, 2), (3, 0), (0, 0)])])


def test_large_paddings():
    check_op(OP, [((2, 3), F32)], [paddings([(17, 9), (0, 40)])])
    check_op(OP, [((1,), F32)], [paddings([(300, 257)])])


@pytest.mark.parametrize("pad_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("dtype", [F32, np.int32, np.int64, np.bool_])
def test_data_and_padding_types(dtype, pad_dtype):
    check_op(OP, [((2, 3, 4), dtype)], [paddings([(1, 0), (0, 2), (3, 1)], pad_dtype)])


def test_size_one_dims():
    check_op(OP, [((1, 1, 1), F32)], [paddings([(1, 1), (0, 2), (2, 0)])])


def test_zero_sized_input():
    check_op(OP, [((0, 3), F32)], [paddings([(2, 1), (1, 0)])],
             reference=litert_interpreter("BUILTIN_WITHOUT_DEFAULT_DELEGATES"))


def test_constant_data_input():
    rng = np.random.default_rng(3)
    data = rng.uniform(-2, 2, (3, 4)).astype(F32)
    check_op(OP, [data, paddings([(1, 2), (2, 1)])])


def test_elementwise_epilogue_after_pad():
    """PAD followed by ADD of a runtime tensor: the ADD fuses into both border and copy."""
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [2, 3, 4])
    pads = mb.add_constant("pads", paddings([(1, 0), (2, 1), (0, 3)]))
    padded = mb.add_tensor("padded", F32, [3, 6, 7])
    mb.add_op(OP, [x, pads], [padded])
    y = mb.add_input("y", F32, [6, 7])
    out = mb.add_tensor("out", F32, [3, 6, 7])
    mb.add_op("ADD", [padded, y], [out])
    mb.mark_output(out)
    model = mb.build()
    rng = np.random.default_rng(5)
    values = [rng.uniform(-2, 2, (2, 3, 4)).astype(F32), rng.uniform(-2, 2, (6, 7)).astype(F32)]
    actual, expected = run_both(model, values)
    assert_outputs_match(actual, expected)


# --- rejected models ---------------------------------------------------------------------------

def allocate(model):
    """Prepare errors surface from allocate_tensors, as RuntimeError (as in LiteRT)."""
    from jitlite import Interpreter
    interpreter = Interpreter(model_content=model)
    interpreter.allocate_tensors()


ERRORS = {
    "negative_before": (
        [((2, 3), F32)], [paddings([(0, 0), (-1, 2)])], [2, 4],
        r"paddings for dimension 1 are \(-1, 2\); paddings must be >= 0"),
    "negative_after": (
        [((2, 3), F32)], [paddings([(0, -2), (0, 0)], np.int64)], [0, 3], "must be >= 0"),
    "too_few_rows": (
        [((2, 3, 4), F32)], [paddings([(1, 1), (1, 1)])], [4, 5, 4],
        r"paddings\) has shape \[2, ?2\]; expected \[3, 2\]"),
    "three_columns": (
        [((2, 3), F32)], [np.zeros((2, 3), np.int32)], [2, 3], r"expected \[2, 2\]"),
    "one_dimensional": (
        [((2, 3), F32)], [np.zeros((4,), np.int32)], [2, 3], r"has shape \[4\]; expected"),
    "float_paddings": (
        [((2, 3), F32)], [np.zeros((2, 2), F32)], [2, 3], "paddings must be INT32 or INT64"),
    "int64_padding_overflow": (
        [((2,), F32)], [paddings([(2 ** 40, 0)], np.int64)], [2], "larger than INT32_MAX"),
    "rank_6": (
        [((1,) * 6, F32)], [paddings([(0, 0)] * 6)], [1] * 6, "input 0 has rank 6"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_invalid_models_are_rejected(case):
    inputs, constants, output_shape, message = ERRORS[case]
    model = build_op_model(OP, inputs, constants, output_shapes=[output_shape])
    with pytest.raises(RuntimeError, match=message):
        allocate(model)


def test_runtime_paddings_are_unimplemented():
    # TFLite accepts computed paddings; jitlite fixes the output shape at compile time.
    model = build_op_model(OP, [((2, 3), F32), ((2, 2), np.int32)], output_shapes=[[2, 3]])
    with pytest.raises(RuntimeError, match="jitlite needs constant paddings"):
        allocate(model)


QUANT = {np.int8: dict(scale=0.5, zero_point=-7), np.uint8: dict(scale=0.02, zero_point=200),
         np.int16: dict(scale=0.001, zero_point=0)}


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
@pytest.mark.parametrize("shape, pads", [((2, 3), [(1, 1), (0, 2)]),
                                         ((1, 4, 3, 2), [(0, 0), (2, 1), (1, 3), (0, 1)]),
                                         ((5,), [(3, 0)])])
def test_quantized_pads_with_the_output_zero_point(shape, pads, dtype):
    check_quantized(OP, [(shape, dtype, QUANT[dtype])], [paddings(pads)])


@pytest.mark.parametrize("n", seanet_model_numbers("pad"))
def test_seanet_golden(n):
    check_seanet("pad", n)


def test_quantized_output_zero_point_out_of_range_is_rejected():
    # TFLite checks that the pad value (the zero point) fits the type.
    q = dict(scale=0.5, zero_point=300)
    model = build_op_model(OP, [((2, 3), np.int8, q)], [paddings([(1, 1), (0, 0)])],
                           output_shapes=[[4, 3]], output_quant=q)
    with pytest.raises(RuntimeError, match="zero point 300"):
        allocate(model)
