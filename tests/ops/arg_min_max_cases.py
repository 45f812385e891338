"""The test cases ARG_MAX and ARG_MIN share: every axis (negative too, int32 and int64 axis
tensors, scalar or 1-element), output_type INT32/INT64, input dtypes float32/int32/int8/uint8/bool,
ties (the first index wins), NaN/inf placement (NaNs are skipped), size-1 and empty dims, and the
must-fail models. Each op's test file subclasses ArgMinMaxCases as Test<Op> and sets OP; pytest
collects the subclass only."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op, check_value_inputs, check_values

SHAPE = (2, 3, 4, 5)
OUT_TYPES = [I32, I64]


def out_opts(out_type):
    return dict(output_type=out_type)


class ArgMinMaxCases:
    OP = None  # set by the subclass

    @pytest.mark.parametrize("out_type", OUT_TYPES, ids=["i32", "i64"])
    @pytest.mark.parametrize("axis", [0, 1, 2, 3, -1, -4])
    @pytest.mark.parametrize("dtype", [F32, I32, np.int8, np.uint8, np.bool_],
                             ids=lambda d: np.dtype(d).name)
    def test_axes(self, dtype, axis, out_type):
        check_op(self.OP, [(SHAPE, dtype)], constants=[np.array([axis], I32)],
                 options=out_opts(out_type), output_dtype=out_type)

    @pytest.mark.parametrize("axis", [np.array(1, I32), np.array([2], I64), np.array(-1, I64)],
                             ids=["scalar_i32", "i64", "scalar_i64"])
    def test_axis_tensor_forms(self, axis):
        check_op(self.OP, [(SHAPE, F32)], constants=[axis], options=out_opts(I64),
                 output_dtype=I64)

    @pytest.mark.parametrize("shape, axis", [
        ((7,), 0), ((1,), 0), ((3, 1), 1), ((1, 5000), 1), ((5000, 2), 0),
        ((2, 3, 1, 4, 1, 5), 3), ((2, 3, 1, 4, 1, 5), 4), ((0, 3), 1)], ids=str)
    def test_shapes(self, shape, axis):
        check_op(self.OP, [(shape, F32)], constants=[np.array([axis], I32)],
                 options=out_opts(I32), output_dtype=I32)

    def test_ties_pick_the_first_index(self):
        # Few distinct values: many ties along every axis.
        check_op(self.OP, [((6, 7, 8), I32)], constants=[np.array([1], I32)],
                 options=out_opts(I32), output_dtype=I32, input_range=(0, 2))

    @pytest.mark.parametrize("axis", [0, 1])
    def test_special_values(self, axis):
        values = np.array([[1.0, np.nan, 3.0], [np.nan, 2.0, 1.0], [np.nan] * 3,
                           [np.nan, -np.inf, -np.inf], [np.nan, np.inf, np.inf],
                           [2.0, np.nan, 5.0], [5.0, np.nan, 2.0], [np.nan, np.nan, 1.0],
                           [-np.inf] * 3, [0.0, -0.0, 0.0], [3.0, 3.0, 1.0]], F32)
        check_values(self.OP, [values], constants=[np.array([axis], I32)],
                     options=out_opts(I64), output_dtype=I64)

    # --- must-fail -----------------------------------------------------------------------------

    @pytest.mark.parametrize("axis", [4, -5])
    def test_rejects_axis_out_of_range(self, axis):
        assert_rejected(self.OP, [(SHAPE, F32)], constants=[np.array([axis], I32)],
                        options=out_opts(I64), output_dtypes=I64,
                        match=f"axis {axis} is out of range", litert_rejects=True)

    def test_rejects_two_axes(self):
        assert_rejected(self.OP, [(SHAPE, F32)], constants=[np.array([0, 1], I32)],
                        options=out_opts(I64), output_dtypes=I64,
                        match="take exactly one axis", litert_rejects=True)

    def test_rejects_float_output_type(self):
        assert_rejected(self.OP, [(SHAPE, F32)], constants=[np.array([0], I32)],
                        options=out_opts(F32), match="output_type is FLOAT32",
                        litert_rejects=True)

    def test_rejects_int64_input(self):
        assert_rejected(self.OP, [(SHAPE, I64)], constants=[np.array([0], I32)],
                        options=out_opts(I64), match=f"{self.OP} of INT64, which TFLite",
                        litert_rejects=True)

    def test_rejects_empty_axis(self):
        assert_rejected(self.OP, [((3, 0), F32)], constants=[np.array([1], I32)],
                        options=out_opts(I64), output_dtypes=I64, match="is empty",
                        litert_rejects=True)

    def test_rejects_scalar(self):
        assert_rejected(self.OP, [((), F32)], constants=[np.array([0], I32)],
                        options=out_opts(I64), output_dtypes=I64, match="needs rank >= 1",
                        litert_rejects=True)

    def test_runtime_axis_compiles_per_value(self):
        x = np.random.default_rng(0).uniform(-1, 1, SHAPE).astype(F32)
        axes = [np.array([a], I32) for a in (1, 3, 1, -1)]
        details = check_value_inputs(self.OP, [[x, a] for a in axes], options=out_opts(I64),
                                     output_dtypes=I64)
        assert details["compilations"] == 3  # 1, 3 and -1; the repeated 1 is cached
