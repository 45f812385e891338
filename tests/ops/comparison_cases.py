"""The test cases the six comparison ops share (EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER,
GREATER_EQUAL): one OpDef class in jitlite (ops/util/comparison.h), so one set of cases.

Each op's test file subclasses ComparisonCases as Test<Op> and sets OP and ALLOWS_BOOL; pytest
collects the subclass only. Outputs are BOOL and must match LiteRT exactly.
"""

import numpy as np
import pytest

from op_testing import (BINARY_SHAPES, F32, I32, I64, assert_rejected, check_op, check_values,
                        shape_id)

I16 = np.int16
B = np.bool_
NUMERIC = [F32, I32, I64, I16]


def dtype_id(dtype):
    return np.dtype(dtype).name


class ComparisonCases:
    OP = None  # set by the subclass
    ALLOWS_BOOL = False

    def check(self, inputs, **kwargs):
        return check_op(self.OP, inputs, output_dtype=B, **kwargs)

    @pytest.mark.parametrize("dtype", [F32, I32, I64], ids=dtype_id)
    @pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
    def test_broadcast(self, shapes, dtype):
        # Small integer ranges make ties (a == b) common, so every predicate's edge is hit.
        self.check([(shapes[0], dtype), (shapes[1], dtype)],
                   input_range=None if dtype == F32 else (-3, 3))

    @pytest.mark.parametrize("shapes", [((2, 3), (3,)), ((1, 4, 4, 3), (1, 1, 1, 3)), ((7,), ())],
                             ids=shape_id)
    def test_int16(self, shapes):
        self.check([(shapes[0], I16), (shapes[1], I16)], input_range=(-3, 3))

    def test_float_ties(self):
        # Values from a tiny set, so equal pairs are frequent for floats too.
        a = np.array([0.5, -1.0, 2.0, 0.5, -1.0, 2.0, 0.5, 2.0], F32)
        b = np.array([0.5, 0.5, 2.0, -1.0, -1.0, 0.5, 2.0, -1.0], F32)
        check_values(self.OP, [a, b], output_dtype=B)

    def test_nan_inf_and_signed_zero(self):
        # NaN compares false (NOT_EQUAL: true), -0 == +0, infinities compare as numbers.
        nan, inf = np.nan, np.inf
        a = np.array([nan, 1.0, nan, 0.0, -0.0, inf, -inf, inf, 1e-40, -1e-40], F32)
        b = np.array([1.0, nan, nan, -0.0, 0.0, inf, inf, 3.0, 0.0, 0.0], F32)
        check_values(self.OP, [a, b], output_dtype=B)

    @pytest.mark.parametrize("dtype", [I32, I64], ids=dtype_id)
    def test_integer_extremes(self, dtype):
        info = np.iinfo(dtype)
        a = np.array([info.min, info.max, info.min, info.max, -1, 0], dtype)
        b = np.array([info.max, info.min, info.min, info.max, 0, -1], dtype)
        check_values(self.OP, [a, b], output_dtype=B)

    def test_constant_operand(self):
        check_op(self.OP, [((2, 3, 4), F32)], constants=[np.array([0.0, -0.5, 0.5, 1.0], F32)],
                 output_dtype=B)

    def test_empty(self):
        self.check([((0, 3), F32), ((1, 3), F32)])

    # --- must-fail ---------------------------------------------------------------------------

    def test_bool_inputs(self):
        inputs = [((2, 3), B), ((3,), B)]
        if self.ALLOWS_BOOL:
            self.check(inputs)
        else:
            assert_rejected(self.OP, inputs, output_dtypes=B, litert_rejects=True,
                            match=f"BOOL, which TFLite's {self.OP} does not accept")

    def test_rejects_mixed_dtypes(self):
        assert_rejected(self.OP, [((2, 3), F32), ((2, 3), I32)], output_dtypes=B,
                        match="input types differ", litert_rejects=True)

    def test_rejects_incompatible_broadcast(self):
        assert_rejected(self.OP, [((2, 3), F32), ((3, 2), F32)], output_dtypes=B,
                        match="cannot be broadcast", litert_rejects=True)

    def test_rejects_rank_above_8(self):
        assert_rejected(self.OP, [((1,) * 9, F32), ((2,), F32)], output_dtypes=B,
                        match="exceeds 8")

    @pytest.mark.parametrize("dtype", [np.int8, np.uint8], ids=dtype_id)
    def test_quantized_is_not_supported_yet(self, dtype):
        tensor = dict(scale=0.1, zero_point=0)
        assert_rejected(self.OP, [((3,), dtype, tensor), ((3,), dtype, tensor)], output_dtypes=B,
                        match="not supported by jitlite yet")

    def test_float16_is_not_supported_yet(self):
        assert_rejected(self.OP, [((3,), np.float16), ((3,), np.float16)], output_dtypes=B,
                        match="not supported by jitlite yet")
