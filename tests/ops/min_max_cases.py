"""The test cases MAXIMUM and MINIMUM share: broadcasting (scalars to rank 8),
float32/int32/int64, NaN and signed zeros, and the models jitlite must refuse.

Each op's test file subclasses MinMaxCases as Test<Op> and sets OP; pytest collects the subclass
only (the base name does not start with "Test").
"""

import numpy as np
import pytest

from op_testing import (BINARY_SHAPES, F32, I32, I64, TFLITE_KERNELS, assert_rejected, check_op,
                        check_quantized, check_values, shape_id)

DTYPES = [F32, I32, I64]


class MinMaxCases:
    OP = None  # set by the subclass

    @pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
    @pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
    def test_broadcast(self, shapes, dtype):
        check_op(self.OP, [(shapes[0], dtype), (shapes[1], dtype)])

    def test_constant_operand(self):
        check_op(self.OP, [((2, 3, 4), F32)], constants=[np.zeros(4, F32)])

    @pytest.mark.parametrize("reference", [None, TFLITE_KERNELS], ids=["litert", "tflite_kernels"])
    def test_nan_inf_and_signed_zero(self, reference):
        nan, inf = np.nan, np.inf
        a = np.array([nan, 1.0, nan, 0.0, -0.0, inf, -inf, 2.0], F32)
        b = np.array([1.0, nan, nan, -0.0, 0.0, 1.0, -1.0, inf], F32)
        check_values(self.OP, [a, b], reference=reference)

    @pytest.mark.parametrize("dtype", [I32, I64], ids=lambda d: np.dtype(d).name)
    def test_integer_extremes(self, dtype):
        info = np.iinfo(dtype)
        check_op(self.OP, [((50,), dtype), ((50,), dtype)], input_range=(info.min, info.max))


    # --- must-fail ---------------------------------------------------------------------------------

    def test_rejects_mixed_dtypes(self):
        assert_rejected(self.OP, [((2, 3), I32), ((2, 3), I64)], match="input types differ",
                        litert_rejects=True)

    def test_rejects_incompatible_broadcast(self):
        assert_rejected(self.OP, [((2, 3), F32), ((3, 2), F32)], match="broadcast|incompatible",
                        litert_rejects=True)

    def test_rejects_rank_above_8(self):
        assert_rejected(self.OP, [((1,) * 9, F32), ((2,), F32)], match="exceeds 8")

    def test_rejects_bool(self):
        assert_rejected(self.OP, [((3,), np.bool_), ((3,), np.bool_)],
                        match=f"BOOL, which TFLite's {self.OP} does not accept", litert_rejects=True)

    # --- quantized: raw comparison of the stored values (inputs and output share parameters) ---

    @pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16], ids=lambda d: np.dtype(d).name)
    @pytest.mark.parametrize("shapes", [((4, 50), (4, 50)), ((4, 50), (50,)), ((), (7,)),
                                        ((2, 1, 3), (1, 4, 1))], ids=shape_id)
    def test_quantized(self, shapes, dtype):
        q = dict(scale=0.1, zero_point=0 if dtype == np.int16 else 2)
        check_quantized(self.OP, [(shapes[0], dtype, q), (shapes[1], dtype, q)], output_dtype=dtype,
                        output_quant=q)
