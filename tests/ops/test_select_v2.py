"""SELECT_V2 against LiteRT: condition ? x : y with numpy broadcasting across all three inputs
(scalars, size-1 dims, rank 4, 6 and 8, empty), every value type TFLite selects on, and the models
jitlite must refuse; plus a LESS -> LOGICAL_NOT -> SELECT_V2 chain fused into one kernel."""

import numpy as np
import pytest

import jitlite
from jitlite.testing import ModelBuilder, assert_outputs_match, random_inputs, run_both
from op_testing import F32, I32, I64, assert_rejected, check_op, shape_id

B = np.bool_
VALUE_TYPES = [F32, I32, I64, np.int16, np.int8, np.uint8, B]

# (condition, x, y) shapes.
SHAPES = [
    ((), (), ()),
    ((), (3,), (3,)),
    ((4,), (), ()),
    ((2, 3), (2, 3), (2, 3)),
    ((2, 1), (1, 3), (3,)),
    ((3,), (2, 3), ()),
    ((1, 4, 4, 3), (1, 4, 4, 1), (3,)),
    ((2, 1, 4, 1), (1, 3, 1, 5), (1, 1, 1, 1)),
    ((0, 3), (1, 3), (3,)),
    ((2, 1, 3, 1, 2, 1), (1, 2, 1, 3, 1, 2), (2,)),
    ((2, 1, 1, 1, 1, 1, 1, 1), (1, 3, 1, 1, 1, 1, 1, 1), (1, 1, 1, 1, 1, 1, 1, 4)),
]


def check(shapes, dtype):
    c, x, y = shapes
    return check_op("SELECT_V2", [(c, B), (x, dtype), (y, dtype)], output_dtype=dtype)


@pytest.mark.parametrize("shapes", SHAPES, ids=shape_id)
def test_broadcast(shapes):
    check(shapes, F32)


@pytest.mark.parametrize("dtype", VALUE_TYPES, ids=lambda d: np.dtype(d).name)
def test_value_types(dtype):
    check(((2, 1, 4), (3, 1), (1, 4)), dtype)


def test_same_shape_rank_9():
    # Inputs of one shape need no broadcasting, and LiteRT takes any rank then.
    shape = (2, 1, 1, 1, 1, 1, 1, 1, 3)
    check((shape, shape, shape), F32)


def test_constant_values():
    check_op("SELECT_V2", [((2, 3, 4), B)], output_dtype=F32,
             constants=[np.arange(4, dtype=F32), np.float32(-1.0) * np.ones((3, 1), F32)])


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_non_bool_condition():
    assert_rejected("SELECT_V2", [((3,), F32), ((3,), F32), ((3,), F32)], output_dtypes=F32,
                    match="condition .* needs BOOL", litert_rejects=True)


def test_rejects_mixed_value_types():
    assert_rejected("SELECT_V2", [((3,), B), ((3,), F32), ((3,), I32)], output_dtypes=F32,
                    match="x and y types differ", litert_rejects=True)


def test_rejects_incompatible_broadcast():
    assert_rejected("SELECT_V2", [((2,), B), ((3,), F32), ((3,), F32)], output_dtypes=F32,
                    match="cannot be broadcast", litert_rejects=True)


def test_rejects_broadcast_rank_above_8():
    c = (2,) + (1,) * 8
    assert_rejected("SELECT_V2", [(c, B), ((3,), F32), ((3,), F32)], output_dtypes=F32,
                    match="exceeds 8", litert_rejects=True)


def test_float16_values():
    # Against BUILTIN_REF (BFLOAT16 and broadcasting in test_half_float.py).
    from half_float_cases import check_half
    check_half("SELECT_V2", [((3,), B), ((3,), np.float16), ((3,), np.float16)],
               output_dtype=np.float16)


# --- fusion ------------------------------------------------------------------------------------

def less_not_select_model(shape):
    """out = SELECT_V2(!(a < b), a, b): max(a, b) with ties and NaNs going to a."""
    mb = ModelBuilder(description="LESS -> LOGICAL_NOT -> SELECT_V2")
    a, b = mb.add_input("a", F32, shape), mb.add_input("b", F32, shape)
    less = mb.add_tensor("less", B, shape)
    keep = mb.add_tensor("not_less", B, shape)
    out = mb.add_tensor("out", F32, shape)
    mb.add_op("LESS", [a, b], [less])
    mb.add_op("LOGICAL_NOT", [less], [keep])
    mb.add_op("SELECT_V2", [keep, a, b], [out])
    mb.mark_output(out)
    return mb.build(), (less, keep)


def test_less_not_select_chain_is_one_kernel():
    model, intermediates = less_not_select_model([2, 5, 7])
    interpreter = jitlite.Interpreter(model_content=model)
    interpreter.allocate_tensors()
    (kernel,) = interpreter.get_jit_details()["kernels"]
    assert kernel["op_indices"] == [0, 1, 2]
    assert kernel["symbol"].endswith("less_logical_not_select_v2")
    for t in intermediates:  # the bools stay in registers
        with pytest.raises(ValueError, match="fused into kernel"):
            interpreter.get_tensor(t)
    actual, expected = run_both(model, random_inputs(model, seed=3))
    assert_outputs_match(actual, expected)
