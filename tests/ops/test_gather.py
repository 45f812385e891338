"""GATHER against LiteRT: params ranks 1-6, every axis (negative too), indices ranks 0-3,
batch_dims (negative too), int32/int64/int16 indices, runtime and constant indices and params
(folded), float32/int32/int64/bool and quantized raw copies, empty dims; runtime indices out of
range fail the invoke with RuntimeError as in TFLite (and the next good invoke works); STRING
params (bytes compared exactly with LiteRT's reference kernels); plus the rejected cases."""

import numpy as np
import pytest

from jitlite.testing import build_op_model, jitlite_interpreter, litert_interpreter, run_model
from op_testing import (F32, I32, I64, REFERENCE_KERNELS, STR, TFLITE_KERNELS, assert_rejected,
                        assert_same_strings, assert_string_rejected, check_op, check_strings,
                        check_values, random_strings)

OP = "GATHER"
PARAMS = {1: (5,), 2: (4, 3), 3: (2, 5, 3), 4: (2, 3, 4, 2), 5: (2, 1, 3, 2, 3),
          6: (2, 1, 2, 3, 1, 2)}


def indices(shape, high, dtype=np.int32, seed=0):
    return np.random.default_rng(seed).integers(0, high, shape).astype(dtype)


CASES = [(rank, axis) for rank in sorted(PARAMS) for axis in range(-rank, rank)]


@pytest.mark.parametrize("index_shape", [(), (3,), (2, 2)])
@pytest.mark.parametrize("rank, axis", CASES)
def test_axes_constant_indices(rank, axis, index_shape):
    shape = PARAMS[rank]
    check_op(OP, [(shape, F32)], [indices(index_shape, shape[axis])], dict(axis=axis))


@pytest.mark.parametrize("index_dtype", [I32, I64])
@pytest.mark.parametrize("rank, axis", [(1, 0), (3, 1), (3, -1), (4, 0)])
def test_runtime_indices(rank, axis, index_dtype):
    shape = PARAMS[rank]
    values = [np.random.default_rng(1).uniform(-2, 2, shape).astype(F32),
              indices((2, 3), shape[axis], index_dtype, seed=2)]
    check_values(OP, values, options=dict(axis=axis))


@pytest.mark.parametrize("params, index_shape, axis, batch_dims", [
    ((2, 4, 3), (2, 5), 1, 1),
    ((2, 4, 3), (2, 5), -2, -1),
    ((2, 3, 4, 5), (2, 3, 2), 2, 2),
    ((2, 3, 4, 5), (2, 3, 2), 3, 2),
    ((2, 3, 4, 5), (2, 6), 2, 1),
    ((3, 4), (3,), 1, 1),
    ((2, 3, 4), (2, 3), 2, 2),
])
def test_batch_dims(params, index_shape, axis, batch_dims):
    check_op(OP, [(params, F32)], [indices(index_shape, params[axis])],
             dict(axis=axis, batch_dims=batch_dims))
    values = [np.random.default_rng(3).uniform(-2, 2, params).astype(F32),
              indices(index_shape, params[axis], seed=4)]
    check_values(OP, values, options=dict(axis=axis, batch_dims=batch_dims))


@pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_])
def test_dtypes(dtype):
    check_op(OP, [((4, 3), dtype)], [indices((5,), 4)], dict(axis=0))


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    check_op(OP, [((4, 3), dtype, dict(scale=0.5, zero_point=0))], [indices((5,), 3)],
             dict(axis=1))


def test_int16_indices():
    check_op(OP, [((6, 2), F32)], [indices((4,), 6, np.int16)])


def test_constant_params_runtime_indices():
    params = np.arange(24, dtype=np.int32).reshape(4, 3, 2)
    check_op(OP, [params, ((5,), I32)], options=dict(axis=0), input_range=(0, 3))


def test_all_constant_is_folded():
    params = np.arange(24, dtype=np.int32).reshape(4, 3, 2)
    check_op(OP, [params, indices((2, 2), 3)], options=dict(axis=1))
    check_op(OP, [params, indices((4,), 2)], options=dict(axis=-1))


def test_empty_dims():
    check_op(OP, [((4, 0), F32)], [indices((3,), 4)], dict(axis=0))
    check_op(OP, [((4, 3), F32)], [np.zeros((0,), np.int32)], dict(axis=0))


def test_empty_gather_axis():
    # Nothing to read: fine while the output is empty, an error once an index must be read.
    check_op(OP, [((0, 4), F32), ((2,), I32)], options=dict(axis=1), reference=TFLITE_KERNELS)
    assert_rejected(OP, [((3, 0), F32), ((2,), I32)], options=dict(axis=1),
                    match="every index is out of range", output_shapes=[[3, 2]])


@pytest.mark.parametrize("bad", [-1, -5, 4, 100])
def test_runtime_out_of_range_index_fails_invoke_like_litert(bad):
    params = np.arange(12, dtype=np.float32).reshape(4, 3)
    model = build_op_model(OP, [((4, 3), F32), ((3,), I32)], options=dict(axis=0),
                           output_shapes=[[3, 3]])
    good = np.array([0, 3, 1], np.int32)
    for runtime in (litert_interpreter(), jitlite_interpreter()):
        with pytest.raises(RuntimeError):
            run_model(runtime, model, [params, np.array([0, bad, 1], np.int32)])
    interp = jitlite_interpreter()(model_content=model)
    interp.allocate_tensors()
    inputs = interp.get_input_details()
    interp.set_tensor(inputs[0]["index"], params)
    interp.set_tensor(inputs[1]["index"], np.array([0, bad, 1], np.int32))
    with pytest.raises(RuntimeError, match="GATHER: index out of range"):
        interp.invoke()
    interp.set_tensor(inputs[1]["index"], good)  # the interpreter stays usable
    interp.invoke()
    np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]),
                                  params[good])


@pytest.mark.parametrize("inputs, constants, options, match", [
    ([((4, 3), F32)], [np.array([0, 4], np.int32)], dict(axis=0), r"indices\[1\] = 4"),
    ([((4, 3), F32)], [np.array([-1], np.int32)], dict(axis=0), "out of range"),
    ([((4, 3), F32)], [np.array([0], np.int32)], dict(axis=2), "axis 2 is out of range"),
    ([((4, 3), F32)], [np.array([0], np.int32)], dict(axis=-3), "axis -3 is out of range"),
    ([((2, 3), F32)], [np.zeros((2, 1), np.int32)], dict(axis=0, batch_dims=1),
     "batch_dims 1 is out of range"),
    ([((2, 3), F32)], [np.zeros((3, 1), np.int32)], dict(axis=1, batch_dims=1),
     "batch dim 0 differs"),
    ([((2, 3), F32)], [np.zeros((2,), F32)], dict(axis=0), "INT32, INT64 or INT16"),
])
def test_invalid(inputs, constants, options, match):
    assert_rejected(OP, inputs, constants, options, match=match, output_shapes=[[1]])


def test_requantizing_copy_is_unimplemented():
    assert_rejected(OP, [((4, 3), np.uint8, dict(scale=0.5, zero_point=3))],
                    [np.array([1], np.int32)], dict(axis=0), match="would need requantization",
                    output_shapes=[[1, 3]], output_quant=dict(scale=0.5, zero_point=4))


# --- STRING params (run as interned ids: lib/string_tensors.h) ---------------------------------

@pytest.mark.parametrize("params_len, index_shape, axis", [
    (10, (3,), 0), (10, (), 0), (4, (2, 2), 0), (5, (2, 3, 2), -1), (1, (4,), 0), (3, (0,), 0)])
@pytest.mark.parametrize("index_dtype", [I32, I64])
def test_strings(params_len, index_shape, axis, index_dtype):
    params = random_strings((params_len,), seed=params_len)
    index = indices(index_shape, params_len, index_dtype, seed=5)
    check_strings(OP, [params, index], options=dict(axis=axis))


def test_strings_constant_indices():
    check_strings(OP, [random_strings((7,), seed=9)], [np.array([[6, 0], [3, 3]], np.int32)])


def test_strings_params_of_rank_2_are_refused_like_litert():
    """TFLite's string GATHER takes 1-D params only (LiteRT fails its prepare)."""
    values = [random_strings((4, 3)), np.array([1], I32)]
    assert_string_rejected(OP, values, match=r"node 0 GATHER: STRING params \(input 0\) have "
                                             r"shape \[4, 3\]; TFLite's GATHER takes STRING "
                                             r"params of rank 1 only")
    model = build_op_model(OP, [((4, 3), STR), ((1,), I32)], output_dtypes=STR)
    with pytest.raises(RuntimeError, match="NumDimensions"):
        run_model(REFERENCE_KERNELS, model, values)


def test_strings_negative_index_fails_the_invoke_and_recovers():
    """LiteRT's string GATHER refuses indices outside [0, n) at invoke; so does jitlite, and the
    next invoke with good indices works."""
    params = random_strings((6,))
    model = build_op_model(OP, [((6,), STR), ((2,), I64)], output_dtypes=STR,
                           output_shapes=[[2]])
    for bad in (np.array([1, -1], I64), np.array([0, 6], I64)):
        for interpreter in (REFERENCE_KERNELS, jitlite_interpreter()):
            with pytest.raises(RuntimeError):
                run_model(interpreter, model, [params, bad])
    good = [params, np.array([5, 0], I64)]
    assert_same_strings(run_model(jitlite_interpreter(), model, good),
                        run_model(REFERENCE_KERNELS, model, good))


def test_strings_indices_must_not_be_strings():
    assert_string_rejected(OP, [np.array([1, 2], I32), random_strings((2,))],
                           match=r"node 0 GATHER: input 1 has type STRING: TFLite's GATHER "
                                 r"takes none there")


def test_shared_gather_string_model():
    """The corpus' ops/gather_string.tflite: a [10] STRING input gathered by INT64 indices."""
    from op_testing import MODELS_DIR
    path = MODELS_DIR / "ops" / "gather_string.tflite"
    if not path.is_file():
        pytest.skip(f"model corpus not available: {path} is missing")
    model = path.read_bytes()
    values = [random_strings((10,), seed=3), np.array([9, 0, 4], I64)]
    assert_same_strings(run_model(jitlite_interpreter(), model, values),
                        run_model(REFERENCE_KERNELS, model, values))
