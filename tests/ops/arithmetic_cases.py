"""The test cases ADD, SUB and MUL share: broadcasting (scalars to rank 8), float32/int32/
int64, every fused activation, integer wrap-around, and the models jitlite must refuse.

Each op's test file subclasses ArithmeticCases as Test<Op> and sets OP; pytest collects the
subclass only (the base name does not start with "Test").
"""

import numpy as np
import pytest

from op_testing import (ACTIVATIONS, BINARY_SHAPES, F32, I32, I64, SPECIAL_VALUES, TFLITE_KERNELS,
                        assert_rejected, check_op, check_values, shape_id)


class ArithmeticCases:
    OP = None  # set by the subclass

    DTYPES = [F32, I32, I64]

    @pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
    @pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
    def test_broadcast(self, shapes, dtype):
        check_op(self.OP, [(shapes[0], dtype), (shapes[1], dtype)])

    @pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
    @pytest.mark.parametrize("activation", ACTIVATIONS)
    def test_fused_activation(self, activation, dtype):
        check_op(self.OP, [((3, 5), dtype), ((5,), dtype)], input_range=(-4, 4),
                 options=dict(fused_activation_function=activation))

    @pytest.mark.parametrize("activation", ACTIVATIONS)
    def test_fused_activation_broadcast_scalar(self, activation):
        check_op(self.OP, [((), F32), ((2, 3, 4), F32)], input_range=(-8, 8),
                 options=dict(fused_activation_function=activation))

    @pytest.mark.parametrize("dtype", [I32, I64], ids=lambda d: np.dtype(d).name)
    def test_integer_wraps_around(self, dtype):
        info = np.iinfo(dtype)
        check_op(self.OP, [((64,), dtype), ((64,), dtype)], input_range=(info.max // 2, info.max))

    def test_constant_operand(self):
        check_op(self.OP, [((2, 3, 4), F32)], constants=[np.linspace(-1, 1, 4, dtype=F32)])

    def test_large_odd_shape(self):
        check_op(self.OP, [((3, 17, 19), F32), ((3, 17, 19), F32)])

    @pytest.mark.parametrize("activation", ["NONE", "RELU", "RELU6"])
    @pytest.mark.parametrize("reference", [None, TFLITE_KERNELS], ids=["litert", "tflite_kernels"])
    def test_special_values(self, reference, activation):
        # Every pairing of NaN, +-inf, +-0, subnormals and ordinary values. jitlite keeps
        # infinities like XNNPACK (TFLite's kernels clamp them to +-FLT_MAX) and keeps subnormals
        # like TFLite's kernels (XNNPACK flushes them), so each reference gets the values on which
        # that choice agrees with it.
        if reference is None:
            values = SPECIAL_VALUES[np.abs(SPECIAL_VALUES) != np.float32(1e-40)]
        else:
            # (no infinities, and nothing whose result overflows to one)
            values = SPECIAL_VALUES[(np.abs(SPECIAL_VALUES) < 1e30) | np.isnan(SPECIAL_VALUES)]
        a, b = np.meshgrid(values, values)
        check_values(self.OP, [a, b], options=dict(fused_activation_function=activation),
                     reference=reference)


    # --- must-fail ---------------------------------------------------------------------------------

    def test_rejects_mixed_dtypes(self):
        assert_rejected(self.OP, [((2, 3), F32), ((2, 3), I32)], match="input types differ",
                        litert_rejects=True)

    def test_rejects_incompatible_broadcast(self):
        assert_rejected(self.OP, [((2, 3), F32), ((4,), F32)], match="broadcast|incompatible",
                        litert_rejects=True)

    def test_rejects_rank_above_8(self):
        assert_rejected(self.OP, [((1,) * 9, F32), ((2,), F32)], match="exceeds 8")

    def test_rejects_bool(self):
        assert_rejected(self.OP, [((3,), np.bool_), ((3,), np.bool_)],
                        match=f"BOOL, which TFLite's {self.OP} does not accept", litert_rejects=True)

    def test_int8_is_not_supported_yet(self):
        assert_rejected(self.OP, [((3,), np.int8, dict(scale=0.1)), ((3,), np.int8, dict(scale=0.1))],
                        match="not supported by jitlite yet")

    def test_rejects_one_input(self):
        assert_rejected(self.OP, [((3,), F32)], match="expected 2 inputs, got 1", litert_rejects=True)

    def test_rejects_unknown_activation(self):
        assert_rejected(self.OP, [((3,), F32), ((3,), F32)],
                        options=dict(fused_activation_function=9),
                        match="unknown fused_activation_function 9")
