"""The test cases UNSORTED_SEGMENT_SUM/MAX/MIN/PROD share: data ranks 1-4, segment ids of rank
1-2 (a prefix of data's shape), negative ids (skipped), segments no id maps to (the identity),
constant and runtime ids, float32/int32 data, num_segments as a scalar or [1], the fused-
epilogue form; runtime ids >= num_segments fail the invoke with RuntimeError as in TFLite (and
the next good invoke works); plus the rejected models. Each op's test file subclasses
UnsortedSegmentCases as Test<Op> and sets OP; pytest collects the subclass only."""

import numpy as np
import pytest

from invoke_error_testing import check_invoke_fails_like_litert
from jitlite.testing import (ModelBuilder, assert_outputs_match, build_op_model,
                             jitlite_interpreter, litert_interpreter, run_model)
from op_testing import F32, I32, I64, assert_rejected, check_op, check_values, rand

CASES = [((6,), [0, 2, 1, 0, 2, 2], 3), ((5, 3), [1, -1, 1, 0, 3], 5),
         ((4, 2, 3), [0, 0, 0, 0], 1), ((3, 2, 2, 2), [2, 0, -2], 4),
         ((4, 3), [[0, 1, 1], [2, -1, 0], [1, 1, 1], [0, 2, 2]], 3), ((1, 1), [0], 2),
         ((0, 3), np.zeros((0,), np.int32), 2)]


class UnsortedSegmentCases:
    OP = None

    @pytest.mark.parametrize("shape, ids, num", CASES)
    def test_constant_ids(self, shape, ids, num):
        check_op(self.OP, [(shape, F32), np.array(ids, I32), np.array(num, I32)])

    @pytest.mark.parametrize("shape, ids, num", CASES[:5])
    def test_runtime_ids(self, shape, ids, num):
        values = [rand(shape, seed=3), np.array(ids, I32)]
        check_values(self.OP, values, constants=[np.array([num], I32)])

    def test_int32(self):
        check_op(self.OP, [((6, 2), I32), np.array([3, 0, 3, 1, -1, 0], I32), np.array(4, I32)],
                 input_range=(-6, 6))

    def test_fused_epilogue_form(self):
        mb = ModelBuilder()
        data = mb.add_input("data", np.float32, [5, 3])
        ids = mb.add_input("ids", np.int32, [5])
        num = mb.add_constant("num", np.array(4, np.int32))
        mid = mb.add_tensor("mid", np.float32, [4, 3])
        out = mb.add_tensor("out", np.float32, [4, 3])
        mb.add_op(self.OP, [data, ids, num], [mid])
        mb.add_op("RELU", [mid], [out])
        mb.mark_output(out)
        model = mb.build()
        values = [rand((5, 3), seed=6), np.array([3, 0, -1, 3, 1], np.int32)]
        assert_outputs_match(run_model(jitlite_interpreter(), model, values),
                             run_model(litert_interpreter(), model, values))
        with pytest.raises(RuntimeError, match="segment id out of range"):
            run_model(jitlite_interpreter(), model, [values[0], np.array([4, 0, 0, 0, 0], I32)])

    def test_runtime_id_out_of_range_fails_invoke_like_litert(self):
        model = build_op_model(self.OP, [((3, 2), F32), ((3,), I32), np.array(2, I32)],
                               output_shapes=[[2, 2]])
        data = rand((3, 2), seed=1)
        wrong = np.array([0, 2, 1], np.int32)
        good = np.array([1, -1, 1], np.int32)
        check_invoke_fails_like_litert(model, [data, wrong], [data, good],
                                       f"{self.OP}: segment id out of range")

    @pytest.mark.parametrize("inputs, match", [
        ([((3, 2), F32), np.array([0, 3, 1], I32), np.array(3, I32)],
         r"segment_ids\[1\] = 3 is not below num_segments 3"),
        ([((3, 2), F32), np.array([0, 1], I32), np.array(3, I32)], "not a prefix"),
        ([((3, 2), F32), np.array([0, 1, 0], I64), np.array(3, I32)], "must be INT32"),
        ([((3, 2), F32), np.array([0, 1, 0], I32), np.array(3, I64)], "must be INT32"),
        ([((3, 2), F32), np.array([0, 1, 0], I32), np.array([3, 3], I32)], "scalar or a 1-element"),
        ([((3, 2), I64), np.array([0, 1, 0], I32), np.array(3, I32)], "FLOAT32 or INT32"),
        ([((3, 2), np.int8), np.array([0, 1, 0], I32), np.array(3, I32)], "FLOAT32 or INT32"),
        ([((3, 2), F32), np.array([0, 1, 0], I32), ((), I32)],
         "num_segments .input 2. is computed: the output shape would depend on runtime data"),
    ])
    def test_invalid(self, inputs, match):
        assert_rejected(self.OP, inputs, match=match, output_shapes=[[3, 2]])
