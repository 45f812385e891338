"""The test cases the six comparison ops share (EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER,
GREATER_EQUAL): one OpDef class in jitlite (ops/util/comparison.h), so one set of cases.

Each op's test file subclasses ComparisonCases as Test<Op> and sets OP and ALLOWS_BOOL; pytest
collects the subclass only. Outputs are BOOL and must match LiteRT exactly (INT8/UINT8, which
TFLite rescales, against the reference kernels).
"""

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, build_op_model, jitlite_interpreter, run_model
from half_float_cases import check_half
from jitlite.testing.model_builder import ModelBuilder
from op_testing import (BINARY_SHAPES, F32, I32, I64, REFERENCE_KERNELS, STR, assert_rejected,
                        assert_same_strings, assert_string_rejected, check_op, check_quantized,
                        check_strings, check_values, random_strings, shape_id)

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

    # (input 1, input 2) quantization as INT8 zero points (UINT8: + 128): equal parameters,
    # different zero points, different scales, both.
    QUANTS = [((0.1, 0), (0.1, 0)), ((0.1, 5), (0.1, -3)), ((0.1, 0), (0.05, 0)),
              ((0.02, -20), (0.07, 30)), ((0.5, 100), (0.003, -128))]

    @pytest.mark.parametrize("dtype", [np.int8, np.uint8], ids=dtype_id)
    @pytest.mark.parametrize("quant", range(5))
    @pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((2, 3, 4), (4,)), ((7,), ())],
                             ids=shape_id)
    def test_quantized(self, shapes, quant, dtype):
        shift = 128 if dtype == np.uint8 else 0
        q1, q2 = (dict(scale=s, zero_point=z + shift) for s, z in self.QUANTS[quant])
        check_quantized(self.OP, [(shapes[0], dtype, q1), (shapes[1], dtype, q2)],
                        output_dtype=B)

    @pytest.mark.parametrize("dtype", [np.int8, np.uint8], ids=dtype_id)
    def test_quantized_ties(self, dtype):
        # Scales 0.1 and 0.05: q2 = 2 * q1 is the same real value; neighbours differ by one step.
        shift = 128 if dtype == np.uint8 else 0
        q1 = np.arange(-20, 21) + shift
        a = np.concatenate([q1, q1, q1]).astype(dtype)
        b = np.concatenate([2 * (q1 - shift) + shift, 2 * (q1 - shift) + shift + 1,
                            2 * (q1 - shift) + shift - 1]).astype(dtype)
        model = build_op_model(self.OP, [(a.shape, dtype, dict(scale=0.1, zero_point=shift)),
                                         (b.shape, dtype, dict(scale=0.05, zero_point=shift))],
                               output_dtypes=B, output_shapes=[list(a.shape)])
        expected = run_model(REFERENCE_KERNELS, model, [a, b])
        assert_outputs_match(run_model(jitlite_interpreter(), model, [a, b]), expected)

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
    def test_quantized_scale_of_one_is_rejected(self, dtype):
        # TFLite's Prepare aborts on scales >= 1; jitlite refuses the model.
        tensor = dict(scale=1.0, zero_point=0)
        assert_rejected(self.OP, [((3,), dtype, tensor), ((3,), dtype, tensor)], output_dtypes=B,
                        match="needs scales in \\(0, 1\\)")

    def test_quantized_inputs_need_quantization(self):
        assert_rejected(self.OP, [((3,), np.int8), ((3,), np.int8)], output_dtypes=B,
                        match="quantization")

    def test_float16(self):
        # Against BUILTIN_REF, exact (halves compare exactly once widened); more in
        # test_half_float.py.
        check_half(self.OP, [((2, 3), np.float16), ((3,), np.float16)], output_dtype=B)


# Strings of interest to byte-wise equality: empty, a prefix, an embedded NUL, UTF-8, a non-UTF-8 byte.
STRING_VOCABULARY = [b"", b"a", b"ab", b"a\x00", "\u00e9".encode(), b"\xff"]


class StringComparisonCases:
    """EQUAL / NOT_EQUAL on STRING tensors (run as interned ids: lib/string_tensors.h). The op's
    test file subclasses this as Test<Op>Strings and sets OP."""
    OP = None

    @pytest.mark.parametrize("shape_a, shape_b", [((6,), (6,)), ((2, 3), (3,)), ((2, 1), (1, 4)),
                                                  ((1,), (5,))])
    def test_strings(self, shape_a, shape_b):
        a = random_strings(shape_a, seed=1, vocabulary=STRING_VOCABULARY)
        b = random_strings(shape_b, seed=2, vocabulary=STRING_VOCABULARY)
        check_strings(self.OP, [a, b], output_dtype=B)

    def test_strings_feed_numeric_ops(self):
        """The BOOL result of comparing strings is a normal tensor: here CAST to INT32 and summed."""
        mb = ModelBuilder()
        a, b = mb.add_input("a", STR, [8]), mb.add_input("b", STR, [8])
        eq = mb.add_tensor("eq", B, [8])
        as_int = mb.add_tensor("as_int", I32, [8])
        total = mb.add_tensor("total", I32, [])
        mb.add_op(self.OP, [a, b], [eq])
        mb.add_op("CAST", [eq], [as_int])
        mb.add_op("SUM", [as_int, mb.add_constant("axis", np.array([0], I32))], [total])
        mb.mark_output(total)
        model = mb.build()
        values = [random_strings((8,), seed=s, vocabulary=STRING_VOCABULARY[:3]) for s in (3, 4)]
        assert_same_strings(run_model(jitlite_interpreter(), model, values),
                            run_model(REFERENCE_KERNELS, model, values))

    def test_string_against_number_is_refused(self):
        assert_string_rejected(self.OP, [random_strings((2,)), np.array([1, 2], I32)],
                               output_dtype=B,
                               match="input 1 has type INT32 but the STRING inputs need it")
