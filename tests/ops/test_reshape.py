"""RESHAPE against LiteRT: the new shape from ReshapeOptions.new_shape and from a constant shape
input (which wins when both are given), -1 inference, scalars (including the legacy [0]
spelling), empty tensors, rank 8, every element type, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import STR, check_strings, random_strings
from op_testing import (F32, I32, I64, TFLITE_KERNELS, assert_rejected, check_op,
                        check_value_inputs, shape_id)

DTYPES = [F32, I32, I64, np.int8, np.uint8, np.int16, np.bool_]

CASES = [  # (input shape, new shape)
    ((2, 3, 4), [6, 4]),
    ((2, 3, 4), [24]),
    ((2, 3, 4), [-1]),
    ((2, 3, 4), [4, -1]),
    ((2, 3, 4), [-1, 2, 3]),
    ((1, 1, 6), [6, 1, 1]),
    ((24,), [2, 1, 3, 1, 4]),
    ((1,), []),
    ((), [1, 1]),
    ((), [-1]),
    ((0, 3), [3, 0]),
    ((0, 3), [-1, 3]),
]


@pytest.mark.parametrize("dtype", [F32, I32, np.bool_], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("in_shape, new_shape", CASES, ids=shape_id)
def test_new_shape_from_options(in_shape, new_shape, dtype):
    check_op("RESHAPE", [(in_shape, dtype)], options=dict(new_shape=new_shape))


@pytest.mark.parametrize("dtype", [F32, I64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("in_shape, new_shape", CASES, ids=shape_id)
def test_new_shape_from_input(in_shape, new_shape, dtype):
    check_op("RESHAPE", [(in_shape, dtype)], constants=[np.array(new_shape, I32)])


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_element_types(dtype):
    check_op("RESHAPE", [((2, 3, 4), dtype)], constants=[np.array([4, -1], I32)])


@pytest.mark.parametrize("from_input", [False, True])
def test_rank_8(from_input):
    # XNNPACK (LiteRT's default) handles rank <= 6 only and fails on this model; TFLite's
    # kernel runs it.
    constants, options = ([np.array([1, 2, 1, 3, 1, 2, 1, 2], I32)], None) if from_input else (
        [], dict(new_shape=[1, 2, 1, 3, 1, 2, 1, 2]))
    check_op("RESHAPE", [((2, 3, 4), F32)], constants=constants, options=options,
             reference=TFLITE_KERNELS)


def test_shape_input_wins_over_options():
    check_op("RESHAPE", [((2, 3, 4), F32)], constants=[np.array([3, 8], I32)],
             options=dict(new_shape=[12, 2]))


def test_legacy_scalar_spelling():
    check_op("RESHAPE", [((1, 1), F32)], options=dict(new_shape=[0]))


def test_quantized_int8_passes_through():
    check_op("RESHAPE", [((2, 6), np.int8, dict(scale=0.5, zero_point=3))],
             constants=[np.array([3, 4], I32)])


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["options", "input"])
def test_rejects_element_count_mismatch(source):
    if source == "options":
        assert_rejected("RESHAPE", [((2, 3), F32)], options=dict(new_shape=[4, 2]),
                        match="cannot reshape input 0 \\[2, 3\\]", litert_rejects=True)
    else:
        assert_rejected("RESHAPE", [((2, 3), F32)], constants=[np.array([5], I32)],
                        match="cannot reshape input 0 .* from input 1", litert_rejects=True)


def test_rejects_two_stretch_dims():
    assert_rejected("RESHAPE", [((2, 3, 4), F32)], constants=[np.array([-1, -1, 4], I32)],
                    match="more than one -1", litert_rejects=True)


def test_rejects_negative_dim():
    assert_rejected("RESHAPE", [((2, 3), F32)], constants=[np.array([-2, -3], I32)],
                    match="invalid dimension -2", litert_rejects=True)


def test_rejects_type_change():
    # LiteRT copies the bytes into an output of another type; jitlite's output aliases the input,
    # so it refuses such a model.
    assert_rejected("RESHAPE", [((2, 3), F32)], constants=[np.array([6], I32)], output_dtypes=I32,
                    match="does not convert types")


def test_ignored_int64_shape_input_is_named():
    # TFLite only reads a 1-D INT32 shape input; otherwise the options decide (here: none).
    assert_rejected("RESHAPE", [((2, 3), F32)], constants=[np.array([3, 2], I64)],
                    match="TFLite ignores it")


def test_runtime_shape_input_compiles_per_value():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    details = check_value_inputs("RESHAPE", [[x, np.array(s, I32)]
                                             for s in ([3, 2], [6, 1], [3, 2], [-1, 2])])
    assert details["compilations"] == 3 and details["cache_hits"] >= 1


# --- STRING tensors (run as interned ids: lib/string_tensors.h) -------------------------------

@pytest.mark.parametrize("shape, new_shape", [((1, 3), [3]), ((2, 3), [3, 2]), ((6,), [-1, 2]),
                                              ((2, 2, 2), [8]), ((0, 3), [3, 0])])
def test_strings(shape, new_shape):
    check_strings("RESHAPE", [random_strings(shape, seed=len(new_shape))],
                  [np.array(new_shape, np.int32)])


def test_strings_new_shape_option():
    check_strings("RESHAPE", [random_strings((2, 3))], options=dict(new_shape=[6]))


def test_shared_string_input_model():
    """The corpus' api/string_input_model.bin: RESHAPE of a [1, 3] STRING input."""
    from op_testing import MODELS_DIR, REFERENCE_KERNELS, assert_same_strings
    from jitlite.testing import jitlite_interpreter, run_model
    path = MODELS_DIR / "api" / "string_input_model.bin"
    if not path.is_file():
        pytest.skip(f"model corpus not available: {path} is missing")
    model = path.read_bytes()
    for seed in (0, 1):
        values = [random_strings((1, 3), seed=seed)]
        assert_same_strings(run_model(jitlite_interpreter(), model, values),
                            run_model(REFERENCE_KERNELS, model, values))
