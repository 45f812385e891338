"""SEGMENT_SUM against LiteRT: data ranks 1-4, sorted constant ids (runs of 1 and more, one
segment, one row per segment), float32/int32 data, a constant data tensor, size-1 dims, the
fused-epilogue form; plus the rejected models (unsorted or gapped ids as TFLite rejects them,
computed ids are Unimplemented)."""

import numpy as np
import pytest

from jitlite.testing import (ModelBuilder, assert_outputs_match, jitlite_interpreter,
                             litert_interpreter, run_model)
from op_testing import F32, I32, I64, assert_rejected, check_op, rand

OP = "SEGMENT_SUM"
CASES = [((6,), [0, 0, 1, 1, 1, 2]), ((5, 3), [0, 1, 2, 3, 4]), ((4, 2, 3), [0, 0, 0, 0]),
         ((3, 2, 2, 2), [0, 1, 1]), ((1, 1), [0]), ((3, 1, 2), [0, 0, 1])]


@pytest.mark.parametrize("shape, ids", CASES)
def test_float(shape, ids):
    check_op(OP, [(shape, F32), np.array(ids, I32)])


def test_int32_and_constant_data():
    check_op(OP, [((5, 2), I32), np.array([0, 0, 1, 2, 2], I32)])
    check_op(OP, [rand((4, 3)), np.array([0, 1, 1, 1], I32)])


def test_fused_epilogue_form():
    mb = ModelBuilder()
    data = mb.add_input("data", np.float32, [5, 3])
    ids = mb.add_constant("ids", np.array([0, 0, 1, 2, 2], np.int32))
    mid = mb.add_tensor("mid", np.float32, [3, 3])
    out = mb.add_tensor("out", np.float32, [3, 3])
    mb.add_op(OP, [data, ids], [mid])
    mb.add_op("RELU", [mid], [out])
    mb.mark_output(out)
    model = mb.build()
    values = [rand((5, 3), seed=6)]
    assert_outputs_match(run_model(jitlite_interpreter(), model, values),
                         run_model(litert_interpreter(), model, values))


@pytest.mark.parametrize("inputs, match", [
    ([((4, 2), F32), np.array([0, 0, 2, 2], I32)], r"segment_ids\[2\] = 2: TFLite needs ids"),
    ([((4, 2), F32), np.array([1, 1, 2, 2], I32)], r"segment_ids\[0\] = 1"),
    ([((4, 2), F32), np.array([0, 1, 0, 1], I32)], r"segment_ids\[2\] = 0"),
    ([((4, 2), F32), np.array([0, 0, 1], I32)], "one id per row"),
    ([((4, 2), F32), np.array([[0, 0], [1, 1], [1, 1], [2, 2]], I32)], "one id per row"),
    ([((4, 2), F32), np.array([0, 0, 1, 1], I64)], "TFLite takes INT32"),
    ([((4, 2), I64), np.array([0, 0, 1, 1], I32)], "FLOAT32 or INT32"),
    ([((4, 2), F32), ((4,), I32)], "segment_ids .input 1. are computed"),
])
def test_invalid(inputs, match):
    assert_rejected(OP, inputs, match=match, output_shapes=[[2, 2]])
