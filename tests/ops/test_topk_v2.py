"""TOPK_V2 against LiteRT: ranks 1-4, k from 0 to the whole row, ties (lower index first),
float32/int32/int64 and int8/uint8/int16 compared raw (uint8 unsigned), int32/int16 index
outputs, int16 k, a constant input, long rows, the corpus TOPK models; plus the rejected cases
(a runtime k from a graph input compiles once per value). NaN inputs are not compared: their place is unspecified in
TFLite too."""

import numpy as np
import pytest

from jitlite import Interpreter
from jitlite.testing import (assert_outputs_match, build_op_model, jitlite_interpreter,
                             litert_interpreter, run_model)
from op_testing import (MODELS_DIR, F32, I32, I64, assert_rejected, check_model_file, check_op,
                        check_values)

OP = "TOPK_V2"


@pytest.mark.parametrize("shape, k", [((5,), 1), ((5,), 3), ((5,), 5), ((3, 7), 2), ((3, 7), 7),
                                      ((2, 3, 6), 4), ((2, 1, 3, 9), 3), ((1, 1), 1),
                                      ((4, 300), 17)])
def test_shapes_and_k(shape, k):
    check_op(OP, [(shape, F32), np.array(k, I32)], output_dtype=[F32, I32])


@pytest.mark.parametrize("k", [1, 3, 6])
def test_ties_keep_index_order(k):
    values = np.array([[3, 1, 3, 2, 5, 3], [0, 0, 0, 0, 0, 0], [2, 2, 1, 1, 2, 2]], F32)
    check_values(OP, [values], constants=[np.array(k, I32)], output_dtype=[F32, I32])


@pytest.mark.parametrize("dtype", [I32, I64, np.int8, np.uint8, np.int16])
def test_value_dtypes(dtype):
    kw = dict(output_quant=dict(scale=0.5, zero_point=0)) if dtype in (np.int8, np.uint8,
                                                                        np.int16) else {}
    spec = ((4, 9), dtype, dict(scale=0.5, zero_point=0)) if kw else ((4, 9), dtype)
    check_op(OP, [spec, np.array(4, I32)], output_dtype=[dtype, I32], input_range=(0, 9)
             if dtype != np.int8 else (-9, 9), **kw)


def test_int16_indices_and_k():
    check_op(OP, [((3, 8), F32), np.array(3, np.int16)], output_dtype=[F32, np.int16])


def test_constant_input_and_k_zero():
    check_op(OP, [np.arange(12, dtype=np.float32).reshape(3, 4)[:, ::-1].copy(),
                  np.array(2, I32)], output_dtype=[F32, I32])
    check_values(OP, [np.ones((2, 3), F32)], constants=[np.array(0, I32)],
                 output_dtype=[F32, I32])


@pytest.mark.parametrize("inputs, out, match", [
    ([((2, 5), F32), np.array(6, I32)], [F32, I32], "must be in 0..last dim"),
    ([((2, 5), F32), np.array(-1, I32)], [F32, I32], "must be in 0..last dim"),
    ([((2, 5), F32), np.array(2, I64)], [F32, I32], "INT32 or INT16"),
    ([((2, 5), F32), np.array([2, 2], I32)], [F32, I32], "one value"),
    ([((), F32), np.array(1, I32)], [F32, I32], "rank >= 1"),
    ([((2, 5), F32), np.array(2, I32)], [F32, I64], "INT32 or INT16 indices"),
    ([((2, 5), np.bool_), np.array(2, I32)], [np.bool_, I32], "BOOL"),
])
def test_invalid(inputs, out, match):
    assert_rejected(OP, inputs, match=match, output_dtypes=out, output_shapes=[[2, 2], [2, 2]])


def test_real_models():
    check_model_file("ops/simple_topk_op.tflite")


def test_runtime_k_model_compiles_per_k():
    """k is a graph input: each new k compiles once, a k seen before reuses its code."""
    path = MODELS_DIR / "ops" / "simple_topk_op_runtime_k.tflite"
    if not path.is_file():
        pytest.skip(f"model corpus not available: {path} is missing")
    model = path.read_bytes()
    runtimes = [litert_interpreter()(model_content=model), Interpreter(model_content=model)]
    x = np.random.default_rng(0).uniform(-1, 1, (1, 128)).astype(F32)
    for k in (1, 5, 128, 5):
        outputs = []
        for runtime in runtimes:
            runtime.allocate_tensors()
            inputs = {d["name"]: d["index"] for d in runtime.get_input_details()}
            runtime.set_tensor(inputs["serving_default_k:0"], np.array(k, I32))
            runtime.set_tensor(inputs["serving_default_x:0"], x)
            runtime.invoke()
            outputs.append([runtime.get_tensor(d["index"]) for d in runtime.get_output_details()])
        assert outputs[1][0].shape == (1, k)
        assert_outputs_match(outputs[1], outputs[0], context=f"k={k}")
    assert runtimes[1].get_jit_details()["compilations"] == 3
    runtimes[1].set_tensor(runtimes[1].get_input_details()[0]["index"], np.array(129, I32))
    with pytest.raises(RuntimeError, match="must be in 0..last dim"):
        runtimes[1].invoke()


def test_uint8_compares_unsigned():
    values = np.array([[3, 200, 127, 128, 255, 0, 129]], np.uint8)
    model = build_op_model(OP, [((1, 7), np.uint8, dict(scale=0.5, zero_point=0)),
                                np.array(4, I32)], output_dtypes=[np.uint8, I32],
                           output_shapes=[[1, 4], [1, 4]])
    assert_outputs_match(run_model(jitlite_interpreter(), model, [values]),
                         run_model(litert_interpreter(), model, [values]))
