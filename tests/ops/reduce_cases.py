"""The test cases the reductions over constant axes share (REDUCE_MAX, REDUCE_MIN, REDUCE_PROD,
REDUCE_ANY, REDUCE_ALL; MEAN and SUM share MeanSumCases at the end): axis lists (single, multiple,
negative, duplicate, unordered, empty), keep_dims both ways, shapes (scalars, size-1 dims, rank 6,
the kept-innermost-dims form, long rows, empty inputs and empty reductions), and the must-fail
models. Each op's test file subclasses ReduceCases as Test<Op> and sets OP and DTYPES; pytest
collects the subclass only. QuantizedReduceCases (at the end) holds the quantized MAX/MIN/PROD
cases."""

import numpy as np
import pytest

from jitlite.testing import (build_op_model, jitlite_interpreter, litert_interpreter,
                             random_inputs, run_model)
from op_testing import (F32, I32, I64, REFERENCE_KERNELS, TFLITE_KERNELS, assert_rejected,
                        check_op, check_quantized)

SHAPE = (2, 3, 4, 5)
AXES = [[0], [1], [3], [-1], [-4], [1, 2], [2, 1], [-2, -3], [0, 3], [0, 1, 2, 3], [1, 1],
        [3, -1], [0, 2, -1], []]
SHAPES = [
    ((1, 7, 7, 16), [1, 2]),            # global pooling of NHWC
    ((2, 5, 3, 9000), [1, 2]),          # kept row longer than the stack buffer
    ((1, 1, 1, 1), [1, 2]),
    ((7,), [0]),
    ((3, 1), [1]),
    ((1, 5000), [1]),                   # long reduced row
    ((2, 3, 1, 4, 1, 5), [0, 2, 4]),    # rank 6
    ((2, 3, 1, 4, 1, 5), [5, 1]),
    ((0, 3), [1]),                      # empty input, non-empty output
    ((4, 0), [1]),                      # empty reduction: the combiner's identity
    ((2, 0, 3), [1]),                   # empty reduction, kept innermost dim
]


def dtype_id(dtype):
    return np.dtype(dtype).name


class ReduceCases:
    OP = None          # set by the subclass
    DTYPES = [F32, I32, I64]
    # LiteRT's default resolver, or TFLite's own kernels where XNNPACK differs (set by subclass).
    EMPTY_REFERENCE = None

    @pytest.fixture(params=[False, True], ids=["drop", "keep"])
    def keep_dims(self, request):
        return request.param

    def pytest_generate_tests(self, metafunc):
        if "dtype" in metafunc.fixturenames:
            metafunc.parametrize("dtype", self.DTYPES, ids=dtype_id)

    @pytest.mark.parametrize("axes", AXES, ids=str)
    def test_axes(self, dtype, axes, keep_dims):
        check_op(self.OP, [(SHAPE, dtype)], constants=[np.array(axes, I32)],
                 options=dict(keep_dims=keep_dims))

    def test_scalar_axis_tensor(self, dtype):
        check_op(self.OP, [(SHAPE, dtype)], constants=[np.array(2, I32)])

    @pytest.mark.parametrize("shape, axes", SHAPES, ids=str)
    def test_shapes(self, shape, axes, dtype, keep_dims):
        empty = 0 in shape
        check_op(self.OP, [(shape, dtype)], constants=[np.array(axes, I32)],
                 options=dict(keep_dims=keep_dims),
                 reference=self.EMPTY_REFERENCE if empty else None)

    def test_scalar_input(self, dtype):
        # A scalar is its own reduction: TFLite ignores the axes then.
        check_op(self.OP, [((), dtype)], constants=[np.array([0], I32)])

    # --- must-fail -----------------------------------------------------------------------------

    @pytest.mark.parametrize("axis", [4, -5])
    def test_rejects_axis_out_of_range(self, axis):
        assert_rejected(self.OP, [(SHAPE, self.DTYPES[0])], constants=[np.array([1, axis], I32)],
                        match=f"axis {axis} is out of range")

    @pytest.mark.parametrize("axes", [np.array([1.0], F32), np.array([1], I64)],
                             ids=["float", "int64"])
    def test_rejects_non_int32_axes(self, axes):
        # TFLite's reductions take INT32 axes only.
        assert_rejected(self.OP, [(SHAPE, self.DTYPES[0])], constants=[axes],
                        match="take INT32 axes", litert_rejects=True)

    def test_runtime_axes_are_not_supported_yet(self):
        assert_rejected(self.OP, [(SHAPE, self.DTYPES[0]), ((1,), I32)],
                        match="not a constant tensor")

    def test_rejects_missing_axes(self):
        assert_rejected(self.OP, [(SHAPE, self.DTYPES[0])], match="expected 2 inputs, got 1",
                        litert_rejects=True)


def assert_same_zero_signs(op, values, axes):
    """check_op compares -0 and +0 as equal; this compares the sign bits of the outputs with
    TFLite's kernel (which of equal zeros wins depends on the combiner's comparison)."""
    model = build_op_model(op, [(values.shape, values.dtype)], [np.array(axes, I32)])
    expected = run_model(TFLITE_KERNELS, model, [values])[0]
    model = build_op_model(op, [(values.shape, values.dtype)], [np.array(axes, I32)],
                           output_shapes=[list(expected.shape)])
    actual = run_model(jitlite_interpreter(), model, [values])[0]
    np.testing.assert_array_equal(np.signbit(actual), np.signbit(expected))


class MeanSumCases:
    """The cases MEAN and SUM share: single, multiple, negative, duplicate, unordered and empty
    axis lists, keep_dims both ways, float32/int32/int64 data, scalars and rank 6 inputs, the
    kept-innermost-dims (NHWC spatial) form and long rows, and the models jitlite must refuse.
    test_mean.py and test_sum.py subclass it and set OP."""

    OP = None  # set by the subclass

    DTYPES = [F32, I32, I64]

    @pytest.mark.parametrize("keep_dims", [False, True])
    @pytest.mark.parametrize("axes", AXES, ids=str)
    @pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
    def test_axes(self, dtype, axes, keep_dims):
        check_op(self.OP, [(SHAPE, dtype)], constants=[np.array(axes, I32)],
                 options=dict(keep_dims=keep_dims))

    def test_scalar_axis_tensor(self):
        check_op(self.OP, [(SHAPE, F32)], constants=[np.array(2, I32)])

    @pytest.mark.parametrize("keep_dims", [False, True])
    @pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
    @pytest.mark.parametrize("shape, axes", SHAPES, ids=str)
    def test_shapes(self, shape, axes, dtype, keep_dims):
        check_op(self.OP, [(shape, dtype)], constants=[np.array(axes, I32)],
                 options=dict(keep_dims=keep_dims))

    @pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
    def test_scalar_input(self, dtype):
        # A scalar is its own reduction: TFLite ignores the axes then.
        check_op(self.OP, [((), dtype)], constants=[np.array([0], I32)])

    def test_negative_integers(self):
        check_op(self.OP, [((3, 7), I32)], constants=[np.array([1], I32)], input_range=(-100, 3))

    def test_wide_float_range(self):
        check_op(self.OP, [((4, 64), F32)], constants=[np.array([1], I32)], input_range=(-1e4, 1e4))


    # --- must-fail ---------------------------------------------------------------------------------

    @pytest.mark.parametrize("axis", [4, -5])
    def test_rejects_axis_out_of_range(self, axis):
        assert_rejected(self.OP, [(SHAPE, F32)], constants=[np.array([1, axis], I32)],
                        match=f"axis {axis} is out of range")

    @pytest.mark.parametrize("axes", [np.array([1.0], F32), np.array([1], I64)],
                             ids=["float", "int64"])
    def test_rejects_non_int32_axes(self, axes):
        # TFLite's reductions take INT32 axes only.
        assert_rejected(self.OP, [(SHAPE, F32)], constants=[axes], match="take INT32 axes",
                        litert_rejects=True)

    def test_runtime_axes_are_not_supported_yet(self):
        assert_rejected(self.OP, [(SHAPE, F32), ((1,), I32)], match="not a constant tensor")

    # --- quantized -------------------------------------------------------------------------------
    # TFLite's reference QuantizedMeanOrSum: int32 sum of the stored values, then
    # MultiplyByQuantizedMultiplier(sum - zp_in * N) + zp_out (MEAN folds 1/N into the multiplier).

    QUANT = {  # (input, output) parameters per dtype: alike, and different scales and zero points
        np.int8: [((0.05, 3), (0.05, 3)), ((0.05, 3), (0.02, -5)), ((0.03, -128), (0.4, 127))],
        np.uint8: [((0.05, 131), (0.05, 131)), ((0.05, 131), (0.02, 123)), ((0.03, 0), (0.5, 255))],
        np.int16: [((0.001, 0), (0.001, 0)), ((0.001, 0), (0.0004, 0)), ((0.0003, 0), (0.05, 0))],
    }
    Q_CASES = [((2, 5, 6, 3), [1, 2], True), ((2, 5, 6, 3), [2, 1], False), ((4, 7), [1], False),
               ((3, 4, 5), [0, -1], True), ((2, 3, 4, 5), [0, 1, 2, 3], False),
               ((1, 9, 1000), [1], False), ((2, 3), [], False), ((4, 0), [1], False)]

    def quantized_model_args(self, dtype, quant, shape, axes, keep_dims):
        (s_in, z_in), (s_out, z_out) = quant
        return dict(op=self.OP, inputs=[(shape, dtype, dict(scale=s_in, zero_point=z_in))],
                    constants=[np.array(axes, I32)], options=dict(keep_dims=keep_dims),
                    output_quant=dict(scale=s_out, zero_point=z_out))

    @pytest.mark.parametrize("shape, axes, keep_dims", Q_CASES, ids=str)
    @pytest.mark.parametrize("quant", range(3))
    @pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16], ids=dtype_id)
    def test_quantized(self, dtype, quant, shape, axes, keep_dims):
        args = self.quantized_model_args(dtype, self.QUANT[dtype][quant], shape, axes, keep_dims)
        if self.OP == "SUM" and dtype != np.uint8:
            # LiteRT's reference SUM reads INT8/INT16 data as bytes (garbage results); jitlite
            # computes its UINT8 formula, which the default resolver gives to a rounding step
            # (an empty reduction is skipped: there the default resolver's output varies).
            if 0 not in shape:
                self.check_within_one_step_of_default_resolver(**args)
            return
        check_quantized(**args)

    def check_within_one_step_of_default_resolver(self, op, inputs, constants, options,
                                                   output_quant):
        model = build_op_model(op, inputs, constants, options, output_quant=output_quant)
        values = random_inputs(model)
        (expected,) = run_model(litert_interpreter(), model, values)
        model = build_op_model(op, inputs, constants, options, output_quant=output_quant,
                               output_shapes=[list(expected.shape)])
        (actual,) = run_model(jitlite_interpreter(), model, values)
        assert actual.shape == expected.shape and actual.dtype == expected.dtype
        diff = np.abs(actual.astype(np.int64) - expected.astype(np.int64))
        assert diff.size == 0 or diff.max() <= 1, f"{op}: {diff.max()} steps from LiteRT"

    def test_quantized_int16_needs_zero_points_of_0(self):
        assert_rejected(self.OP, [(SHAPE, np.int16, dict(scale=0.1, zero_point=3))],
                        constants=[np.array([1], I32)], match="need zero points of 0",
                        litert_rejects=True, output_shapes=[[2, 4, 5]])

    def test_rejects_missing_axes(self):
        assert_rejected(self.OP, [(SHAPE, F32)], match="expected 2 inputs, got 1", litert_rejects=True)


class QuantizedReduceCases:
    """Quantized REDUCE_MAX / REDUCE_MIN / REDUCE_PROD against LiteRT's reference kernels,
    bit-exact: the MEAN/SUM axis cases, both keep_dims, INT8/UINT8/INT16 (PROD: INT8/INT16) with
    several parameters, the types' extreme values, and TFLite's parameter checks. MAX/MIN keep the
    input's parameters (TFLite requires it); PROD rescales each factor by s_in / s_out^(1/N).
    The op's test file subclasses it as TestQuantized<Op> and sets OP and QUANT."""

    OP = None
    QUANT = {}  # dtype -> [((s_in, zp_in), (s_out, zp_out)), ...], set by the subclass

    def model_args(self, dtype, quant, shape, axes, keep_dims=False):
        (s_in, z_in), (s_out, z_out) = quant
        return dict(inputs=[(shape, dtype, dict(scale=s_in, zero_point=z_in))],
                    constants=[np.array(axes, I32)], options=dict(keep_dims=keep_dims),
                    output_quant=dict(scale=s_out, zero_point=z_out))

    def cases(self):
        return [(dtype, i) for dtype in self.QUANT for i in range(len(self.QUANT[dtype]))]

    def pytest_generate_tests(self, metafunc):
        if "qcase" in metafunc.fixturenames:
            metafunc.parametrize("qcase", self.cases(),
                                 ids=[f"{dtype_id(d)}-{i}" for d, i in self.cases()])

    @pytest.mark.parametrize("shape, axes, keep_dims", MeanSumCases.Q_CASES, ids=str)
    def test_quantized(self, qcase, shape, axes, keep_dims):
        dtype, i = qcase
        if self.OP == "REDUCE_PROD" and 0 in shape:
            pytest.skip("TFLite leaves the output of an empty quantized product unwritten")
        args = self.model_args(dtype, self.QUANT[dtype][i], shape, axes, keep_dims)
        check_quantized(self.OP, **args)

    def test_extreme_values(self, qcase):
        dtype, i = qcase
        info = np.iinfo(dtype)
        values = np.array([[info.min, info.max, 0, 1], [info.min] * 4, [info.max] * 4,
                           [info.max, info.min, info.max, -1 if info.min else 1]], dtype)
        model = build_op_model(self.OP, output_shapes=[[4]],
                               **self.model_args(dtype, self.QUANT[dtype][i], values.shape, [1]))
        expected = run_model(REFERENCE_KERNELS, model, [values])
        np.testing.assert_array_equal(run_model(jitlite_interpreter(), model, [values])[0],
                                      expected[0])

    def assert_both_reject(self, dtype, quant, match):
        model = build_op_model(self.OP, output_shapes=[[2]],
                               **self.model_args(dtype, quant, (2, 3), [1]))
        values = [np.zeros((2, 3), dtype)]
        with pytest.raises(RuntimeError, match=match):
            run_model(jitlite_interpreter(), model, values)
        with pytest.raises(RuntimeError):
            run_model(REFERENCE_KERNELS, model, values)

    def test_int16_needs_zero_points_0(self):
        self.assert_both_reject(np.int16, ((0.001, 3), (0.001, 3)), "need zero points of 0")
