"""BITCAST against LiteRT: the bytes must be identical for every pairing of element sizes (to a
smaller type a last dim is added, to a larger one the last dim is consumed, equal sizes keep the
shape), float and integer types both ways, a constant input, BITCAST between computed tensors
(an elementwise producer and consumer), and the models jitlite must refuse."""

import numpy as np
import pytest

from jitlite.testing import ModelBuilder, build_op_model, random_inputs, run_both
from op_testing import F32, I32, I64, assert_rejected

F64, F16 = np.float64, np.float16

# (input shape, input dtype, output dtype)
CASES = [
    ((2, 3), F32, I32),
    ((2, 3), I32, np.uint32),
    ((2, 3), F32, np.uint8),
    ((2, 3), F32, np.int16),
    ((5,), I64, np.int8),
    ((3, 2), F64, F32),
    ((), I32, np.uint8),
    ((2, 3, 4), np.uint8, F32),
    ((4, 8), np.int8, I64),
    ((3, 2), np.uint16, np.int32),
    ((7, 2), F32, F64),
    ((6,), F16, np.int16),
    ((0, 4), np.uint8, I32),
]


def case_id(case):
    shape, src, dst = case
    return f"{'x'.join(map(str, shape)) or 'scalar'}_{np.dtype(src).name}_to_{np.dtype(dst).name}"


def assert_same_bytes(actual, expected):
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    assert actual.tobytes() == expected.tobytes()


def expected_shape(shape, src, dst):
    a, b = np.dtype(src).itemsize, np.dtype(dst).itemsize
    if a > b:
        return list(shape) + [a // b]
    return list(shape[:-1]) if a < b else list(shape)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_bitcast(case):
    shape, src, dst = case
    model = build_op_model("BITCAST", [(shape, src)], output_dtypes=dst,
                           output_shapes=[expected_shape(shape, src, dst)])
    values = random_inputs(model)
    if np.issubdtype(src, np.integer):  # every bit pattern, not just small integers
        values = [np.random.default_rng(3).integers(0, 256, values[0].nbytes, np.uint8)
                  .view(src).reshape(shape)]
    actual, expected = run_both(model, values)
    assert_same_bytes(actual[0], expected[0])
    assert actual[0].tobytes() == values[0].tobytes()


def test_constant_input():
    value = np.array([[1.5, -2.0], [np.inf, 3.25]], F32)
    model = build_op_model("BITCAST", [], constants=[value], output_dtypes=np.uint16,
                           output_shapes=[[2, 2, 2]])
    actual, expected = run_both(model, [])
    assert_same_bytes(actual[0], expected[0])
    np.testing.assert_array_equal(actual[0], value.view(np.uint16).reshape(2, 2, 2))


def test_between_computed_tensors():
    # NEG (float) -> BITCAST to int32 -> BITWISE_XOR with a mask: the float sign bit flips back.
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [3, 4])
    neg = mb.add_tensor("neg", F32, [3, 4])
    bits = mb.add_tensor("bits", I32, [3, 4])
    mask = mb.add_constant("mask", np.array([np.int32(-2**31)]))
    y = mb.add_tensor("y", I32, [3, 4])
    mb.add_op("NEG", [x], [neg])
    mb.add_op("BITCAST", [neg], [bits])
    mb.add_op("BITWISE_XOR", [bits, mask], [y])
    mb.mark_output(y)
    values = [np.random.default_rng(4).uniform(-3, 3, (3, 4)).astype(F32)]
    actual, expected = run_both(mb.build(), values)
    assert_same_bytes(actual[0], expected[0])
    np.testing.assert_array_equal(actual[0], values[0].view(I32))


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(2, 3), (4,)], ids=["last_dim_3", "last_dim_4"])
def test_rejects_wrong_last_dim(shape):
    assert_rejected("BITCAST", [(shape, np.uint8)], output_dtypes=I64,
                    match="needs a last dim of 8", litert_rejects=True)
