"""CONCATENATION against LiteRT: ranks 1..6, every axis (also negative), 1..4 inputs, constants
mixed with runtime inputs, float32/int32/int64/bool, fused activations, and the rejected cases."""

import numpy as np
import pytest

from jitlite.testing.check_op import (assert_outputs_match, build_op_model, check_op,
                                      litert_interpreter, run_both)
from jitlite.testing.model_builder import ModelBuilder
from op_testing import assert_rejected, check_quantized

F32 = np.float32
OP = "CONCATENATION"


def shapes_along(base, axis, sizes):
    """Copies of `base` whose `axis` dimension takes each of `sizes`."""
    out = []
    for size in sizes:
        shape = list(base)
        shape[axis] = size
        out.append(tuple(shape))
    return out


def rand(shape, dtype=F32, seed=1):
    rng = np.random.default_rng(seed)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if np.issubdtype(dtype, np.floating):
        return rng.uniform(-2, 2, shape).astype(dtype)
    return rng.integers(-100, 100, shape, dtype=dtype, endpoint=True)


BASES = {1: (5,), 2: (3, 4), 3: (2, 3, 5), 4: (2, 3, 4, 3), 5: (2, 1, 3, 2, 3),
         6: (1, 2, 3, 2, 1, 3)}
AXIS_CASES = [(rank, axis) for rank in BASES for axis in range(-rank, rank)]


@pytest.mark.parametrize("rank,axis", AXIS_CASES)
def test_every_axis_of_every_rank(rank, axis):
    shapes = shapes_along(BASES[rank], axis, (2, 1, 3))
    check_op(OP, [(s, F32) for s in shapes], options=dict(axis=axis))


@pytest.mark.parametrize("count", [1, 2, 3, 4])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_input_counts(count, axis):
    shapes = shapes_along((2, 3, 4), axis, (1, 3, 2, 4)[:count])
    check_op(OP, [(s, F32) for s in shapes], options=dict(axis=axis))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.bool_])
@pytest.mark.parametrize("axis", [0, 2, -2])
def test_integer_and_bool_types(dtype, axis):
    shapes = shapes_along((3, 2, 5), axis, (2, 3, 1))
    check_op(OP, [(s, dtype) for s in shapes], options=dict(axis=axis))


@pytest.mark.parametrize("dtype", [F32, np.int32, np.int64])
def test_constants_mixed_with_runtime_inputs(dtype):
    # constant, runtime, constant, runtime along axis 1
    inputs = [rand((2, 3, 4), dtype, 1), ((2, 1, 4), dtype), rand((2, 2, 4), dtype, 2),
              ((2, 5, 4), dtype)]
    check_op(OP, inputs, options=dict(axis=1))


def test_only_constant_inputs():
    check_op(OP, [rand((2, 3), F32, 1), rand((2, 2), F32, 2)], options=dict(axis=-1))


def test_size_one_and_odd_dims():
    check_op(OP, [((1, 1, 7), F32), ((1, 1, 7), F32), ((1, 1, 7), F32)], options=dict(axis=0))
    check_op(OP, [((1, 13, 1), F32), ((1, 1, 1), F32)], options=dict(axis=1))


def test_zero_sized_input_along_the_axis():
    check_op(OP, [((2, 3), F32), ((2, 0), F32), ((2, 4), F32)], options=dict(axis=1),
             reference=litert_interpreter("BUILTIN_WITHOUT_DEFAULT_DELEGATES"))


def clamping_litert(activation):
    """LiteRT's concatenation, then the activation's clamp.

    TFLite's own CONCATENATION kernel (BUILTIN_REF, BUILTIN_WITHOUT_DEFAULT_DELEGATES) rejects
    any fused activation, and the default resolver's XNNPACK delegate runs the node but ignores
    the activation (tests/python/test_testing_tools.py pins both). jitlite applies the clamp the
    option names, so its reference is XNNPACK's result passed through that clamp.
    """
    low, high = {"RELU": (0, None), "RELU6": (0, 6), "RELU_N1_TO_1": (-1, 1)}[activation]
    base = litert_interpreter()

    class Clamped(base):
        def get_tensor(self, tensor_index, subgraph_index=0):
            value = super().get_tensor(tensor_index, subgraph_index)
            outputs = {d["index"] for d in self.get_output_details()}
            return np.clip(value, low, high) if tensor_index in outputs else value

    return Clamped


@pytest.mark.parametrize("activation", ["RELU", "RELU6", "RELU_N1_TO_1"])
@pytest.mark.parametrize("axis", [0, -1])
def test_float_fused_activations(activation, axis):
    shapes = shapes_along((3, 4), axis, (2, 3))
    result = check_op(OP, [(s, F32) for s in shapes],
                      options=dict(axis=axis, fused_activation_function=activation),
                      input_range=(-8, 8), reference=clamping_litert(activation))
    # the clamp changed something (the inputs reach beyond every activation's range)
    assert not np.array_equal(result.actual[0], np.concatenate(result.inputs, axis))


def test_fused_activation_none_matches_tflite_kernel():
    check_op(OP, [((2, 3), F32), ((2, 2), F32)],
             options=dict(axis=1, fused_activation_function="NONE"),
             reference=litert_interpreter("BUILTIN_REF"))


def two_op_model(shapes, axis, dtype=F32):
    """CONCATENATION followed by ADD of a runtime tensor: the ADD fuses into the kernel."""
    mb = ModelBuilder()
    ins = [mb.add_input(f"in{i}", dtype, s) for i, s in enumerate(shapes)]
    out_shape = list(shapes[0])
    out_shape[axis] = sum(s[axis] for s in shapes)
    cat = mb.add_tensor("cat", dtype, out_shape)
    mb.add_op(OP, ins, [cat], dict(axis=axis))
    other = mb.add_input("other", dtype, out_shape[-1:])
    out = mb.add_tensor("out", dtype, out_shape)
    mb.add_op("ADD", [cat, other], [out], dict(fused_activation_function="RELU"))
    mb.mark_output(out)
    return mb.build(), out_shape


@pytest.mark.parametrize("dtype", [F32, np.int32])
def test_elementwise_epilogue_after_concatenation(dtype):
    shapes = [(2, 3, 4), (2, 1, 4), (2, 2, 4)]
    model, out_shape = two_op_model(shapes, 1, dtype)
    values = [rand(s, dtype, i) for i, s in enumerate(shapes)] + [rand(out_shape[-1:], dtype, 9)]
    actual, expected = run_both(model, values)
    assert_outputs_match(actual, expected)


# --- rejected models ---------------------------------------------------------------------------

def allocate(model):
    """Prepare errors surface from allocate_tensors, as RuntimeError (as in LiteRT)."""
    from jitlite import Interpreter
    interpreter = Interpreter(model_content=model)
    interpreter.allocate_tensors()


def rejected(inputs, options, output_shape, dtype=None):
    return build_op_model(OP, inputs, options=options, output_shapes=[output_shape],
                          output_dtypes=dtype)


ERRORS = {
    "mismatched_dim": (
        [((2, 3, 4), F32), ((2, 5, 3), F32)], dict(axis=1), [2, 8, 4],
        r"input 1 has shape \[2, ?5, ?3\] but input 0 has \[2, ?3, ?4\]: dimension 2 differs"),
    "mismatched_rank": (
        [((2, 3), F32), ((2, 3, 1), F32)], dict(axis=0), [4, 3], "input 1 has rank 3"),
    "mismatched_type": (
        [((2, 3), F32), ((2, 3), np.int32)], dict(axis=0), [4, 3], "input 1 has type INT32"),
    "axis_too_large": (
        [((2, 3), F32), ((2, 3), F32)], dict(axis=2), [2, 6], "axis 2 is out of range for rank 2"),
    "axis_too_negative": (
        [((2, 3), F32), ((2, 3), F32)], dict(axis=-3), [2, 6], "axis -3 is out of range"),
    "scalar_inputs": (
        [((), F32), ((), F32)], dict(axis=0), [2], "input 0 has rank 0"),
    "rank_7": (
        [((1,) * 7, F32), ((1,) * 7, F32)], dict(axis=0), [2] + [1] * 6, "input 0 has rank 7"),
    "integer_activation": (
        [((2, 3), np.int32), ((2, 3), np.int32)], dict(axis=0, fused_activation_function="RELU"),
        [4, 3], "accepts no fused activation"),
    "tanh_activation": (
        [((2, 3), F32), ((2, 3), F32)], dict(axis=0, fused_activation_function="TANH"),
        [4, 3], "accepts no fused activation"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_invalid_models_are_rejected(case):
    inputs, options, output_shape, message = ERRORS[case]
    with pytest.raises(RuntimeError, match=message):
        allocate(rejected(inputs, options, output_shape))


def test_output_type_must_match():
    model = rejected([((2, 3), F32), ((2, 3), F32)], dict(axis=0), [4, 3], dtype=np.int32)
    with pytest.raises(RuntimeError, match="output has type INT32"):
        allocate(model)


Q8, U8, Q16 = np.int8, np.uint8, np.int16


@pytest.mark.parametrize("dtype, q", [(Q8, dict(scale=0.05, zero_point=-3)),
                                      (U8, dict(scale=0.03, zero_point=130)),
                                      (Q16, dict(scale=0.001, zero_point=0))])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_quantized_same_parameters_copy(dtype, q, axis):
    check_quantized("CONCATENATION", [((2, 3, 4), dtype, q), ((2, 3, 4), dtype, q),
                                      ((2, 3, 4), dtype, q)], options=dict(axis=axis))


@pytest.mark.parametrize("axis", [0, 2])
def test_quantized_uint8_inputs_are_rescaled(axis):
    # Every input quantized differently from the output (and one alike): TFLite rescales in
    # float, round(q * s_in / s_out - zp_in * s_in / s_out) + zp_out, clamped.
    inputs = [((2, 3, 4), U8, dict(scale=0.03, zero_point=130)),
              ((2, 3, 4), U8, dict(scale=0.011, zero_point=0)),
              ((2, 3, 4), U8, dict(scale=0.05, zero_point=128)),
              ((2, 3, 4), U8, dict(scale=0.09, zero_point=255))]
    check_quantized("CONCATENATION", inputs, options=dict(axis=axis), output_dtype=U8,
                    output_quant=dict(scale=0.05, zero_point=128))


def test_quantized_int16_inputs_of_other_scales_are_copied_raw():
    inputs = [((3, 4), Q16, dict(scale=0.001, zero_point=0)),
              ((3, 4), Q16, dict(scale=0.004, zero_point=0))]
    check_quantized("CONCATENATION", inputs, options=dict(axis=1), output_dtype=Q16,
                    output_quant=dict(scale=0.002, zero_point=0))


@pytest.mark.parametrize("inputs, out_q, match", [
    ([((2, 3), Q8, dict(scale=0.05, zero_point=0)), ((2, 3), Q8, dict(scale=0.1, zero_point=0))],
     dict(scale=0.05, zero_point=0), "INT8 CONCATENATION does not rescale"),
    ([((2, 3), Q16, dict(scale=0.05, zero_point=3)), ((2, 3), Q16, dict(scale=0.05, zero_point=0))],
     dict(scale=0.05, zero_point=0), "needs zero points of 0"),
])
def test_quantized_rejections(inputs, out_q, match):
    assert_rejected("CONCATENATION", inputs, options=dict(axis=0), match=match,
                    output_quant=out_q, output_shapes=[[4, 3]], litert_rejects=True)
