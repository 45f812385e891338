"""RANGE against LiteRT: float32/int32/int64, increasing and decreasing, deltas that do and do
not divide the span, float sequences whose accumulated rounding must match TFLite's, length 1;
an empty range (checked in jitlite alone: LiteRT cannot hand out a 0-element tensor); plus the
rejected cases (computed inputs are Unimplemented)."""

import numpy as np
import pytest

from jitlite import Interpreter
from jitlite.testing import build_op_model
from op_testing import F32, I32, I64, assert_rejected, check_op

OP = "RANGE"


@pytest.mark.parametrize("dtype", [I32, I64])
@pytest.mark.parametrize("start, limit, delta", [(0, 5, 1), (2, 11, 3), (10, 1, -3), (-4, 4, 2),
                                                  (7, 8, 5), (5, -6, -1), (0, 100000, 7)])
def test_integer(start, limit, delta, dtype):
    check_op(OP, [np.array(start, dtype), np.array(limit, dtype), np.array(delta, dtype)])


@pytest.mark.parametrize("start, limit, delta", [(0.1, 1.0, 0.1), (0, 1, 0.3), (3.5, -2.25, -0.75),
                                                  (-1e3, 1e3, 0.37), (0, 1, 2)])
def test_float_accumulates_like_tflite(start, limit, delta):
    check_op(OP, [np.array(start, F32), np.array(limit, F32), np.array(delta, F32)])


def test_empty_range():
    model = build_op_model(OP, [np.array(3, I32), np.array(3, I32), np.array(1, I32)],
                           output_shapes=[[0]])
    interpreter = Interpreter(model_content=model)
    interpreter.allocate_tensors()
    interpreter.invoke()
    out = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    assert out.shape == (0,) and out.dtype == np.int32


@pytest.mark.parametrize("inputs, match", [
    ([np.array(0, I32), np.array(5, I32), np.array(0, I32)], "delta is 0"),
    ([np.array(0, I32), np.array(5, I32), np.array(-1, I32)], "wrong sign"),
    ([np.array(5.0, F32), np.array(0.0, F32), np.array(1.0, F32)], "wrong sign"),
    ([np.array(0, I32), np.array(5, I64), np.array(1, I32)], "must have one type"),
    ([np.array([0], I32), np.array(5, I32), np.array(1, I32)], "takes scalars"),
    ([np.array(0, np.int16), np.array(5, np.int16), np.array(1, np.int16)],
     "RANGE of INT16 is not supported yet"),
    ([np.array(False), np.array(True), np.array(True)], "TFLite takes FLOAT32, INT32, INT64"),
    ([((), I32), np.array(5, I32), np.array(1, I32)],
     "input 0 of RANGE is computed: the output length would depend on runtime data"),
    ([np.array(0, I32), np.array(5, I32), ((), I32)], "input 2 of RANGE is computed"),
])
def test_invalid(inputs, match):
    assert_rejected(OP, inputs, match=match, output_shapes=[[5]])
