"""The test cases ADD, SUB and MUL share: broadcasting (scalars to rank 8), float32/int32/
int64, every fused activation, integer wrap-around, and the models jitlite must refuse; and
(QUANTIZED ops) int8/uint8/int16 bit-exact against LiteRT's reference kernels: broadcasting,
fused activations, scales above and below one another.

Each op's test file subclasses ArithmeticCases as Test<Op> and sets OP; pytest collects the
subclass only (the base name does not start with "Test").
"""

import numpy as np
import pytest

from op_testing import (ACTIVATIONS, BINARY_SHAPES, F32, I32, I64, SPECIAL_VALUES, TFLITE_KERNELS,
                        assert_rejected, check_op, check_quantized, check_values, shape_id)

I8, U8, I16 = np.int8, np.uint8, np.int16

# (dtype, input 1 (scale, zero point), input 2, output): asymmetric 8-bit grids with the larger
# scale on either side, zero points at the range ends, and symmetric int16 (TFLite requires
# zero points 0 there).
QUANT_PARAMS = [
    (I8, (0.05, 3), (0.02, -7), (0.07, -1)),
    (I8, (0.01, -128), (0.2, 127), (0.1, 0)),
    (U8, (0.03, 120), (0.05, 128), (0.06, 100)),
    (U8, (0.5, 0), (0.004, 255), (0.3, 7)),
    (I16, (0.0005, 0), (0.0003, 0), (0.0007, 0)),
    (I16, (1 / 1024, 0), (1 / 4096, 0), (1 / 1024, 0)),
]
QUANT_SHAPES = [((2, 3, 5), (2, 3, 5)), ((2, 3, 5), (5,)), ((1, 3, 1), (2, 1, 4)), ((), (7,)),
                ((2, 1, 3, 1, 2), (1, 2, 1, 3, 1))]


def quantized(shape, dtype, params):
    return (shape, dtype, dict(scale=params[0], zero_point=params[1]))


def quant_id(p):
    return f"{np.dtype(p[0]).name}-{p[1][0]:g}-{p[2][0]:g}"


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

    # --- quantized -----------------------------------------------------------------------------

    POT_INT16 = False  # True: the op has the pot_scale_int16 option (ADD, SUB)

    def _options(self, activation="NONE", pot=False):
        options = dict(fused_activation_function=activation)
        if self.POT_INT16:
            options["pot_scale_int16"] = pot
        return options

    def _check(self, shapes, params, options):
        dtype, q1, q2, qo = params
        check_quantized(self.OP, [quantized(shapes[0], dtype, q1), quantized(shapes[1], dtype, q2)],
                        options=options, output_dtype=dtype,
                        output_quant=dict(scale=qo[0], zero_point=qo[1]))

    @pytest.mark.parametrize("params", QUANT_PARAMS, ids=quant_id)
    @pytest.mark.parametrize("shapes", QUANT_SHAPES, ids=shape_id)
    def test_quantized_broadcast(self, shapes, params):
        self._check(shapes, params, self._options())

    @pytest.mark.parametrize("params", QUANT_PARAMS, ids=quant_id)
    @pytest.mark.parametrize("activation", ["RELU", "RELU6", "RELU_N1_TO_1", "TANH", "SIGN_BIT"])
    def test_quantized_fused_activation(self, activation, params):
        self._check(((3, 17), (17,)), params, self._options(activation))

    @pytest.mark.parametrize("activation", ["NONE", "RELU", "RELU_N1_TO_1"])
    @pytest.mark.parametrize("scales", [(1 / 1024, 1 / 4096, 1 / 1024), (1 / 256, 1 / 256, 1 / 256),
                                        (1 / 8192, 1 / 2048, 1 / 2048)], ids=shape_id)
    def test_int16_power_of_two_path(self, scales, activation):
        # pot_scale_int16 with power-of-two symmetric scales: TFLite's shift-only path (same
        # shapes only: LiteRT's kernel for it does not broadcast).
        if not self.POT_INT16:
            pytest.skip("no pot_scale_int16 option")
        params = (I16, (scales[0], 0), (scales[1], 0), (scales[2], 0))
        self._check(((4, 33), (4, 33)), params, self._options(activation, pot=True))

    def test_int16_power_of_two_flag_with_general_scales(self):
        # The flag alone does not pick the shift-only path: the scales must be powers of two.
        if not self.POT_INT16:
            pytest.skip("no pot_scale_int16 option")
        self._check(((3, 9), (9,)), QUANT_PARAMS[4], self._options(pot=True))

    def test_quantized_constant_operand(self):
        check_quantized(self.OP, [quantized((2, 3, 4), I8, (0.05, 3))],
                        constants=[(np.array([-100, -1, 0, 77], I8),
                                    dict(scale=0.03, zero_point=-2))],
                        output_dtype=I8, output_quant=dict(scale=0.06, zero_point=4))

    def test_rejects_int16_zero_point(self):
        assert_rejected(self.OP,
                        [quantized((3,), I16, (0.001, 5)), quantized((3,), I16, (0.002, 0))],
                        output_dtypes=[I16], output_quant=dict(scale=0.003, zero_point=0),
                        match="zero points 0", litert_rejects=True)

    def test_rejects_quantized_without_parameters(self):
        assert_rejected(self.OP, [((3,), I8), ((3,), I8)], match="no quantization parameters")
