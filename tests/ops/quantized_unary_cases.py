"""Quantized cases shared by the one-input activation tests (RELU, RELU6, RELU_N1_TO_1,
RELU_0_TO_1, LEAKY_RELU): jitlite must equal LiteRT's reference kernels exactly. The RELU
family's test files subclass QuantizedReluCases as TestQuantized<Op> and set OP (and INT16).

UNARY_QUANT: (dtype, input (scale, zero point), output (scale, zero point)): a rescale up and
down, shared parameters, zero points at the range ends, symmetric int16.
"""

import numpy as np
import pytest

from op_testing import assert_rejected, check_quantized, shape_id

I8, U8, I16 = np.int8, np.uint8, np.int16

UNARY_QUANT = [
    (I8, (0.05, 3), (0.02, -7)),
    (I8, (0.02, -128), (0.05, 127)),
    (I8, (0.1, -128), (0.1, -128)),
    (U8, (0.03, 120), (0.05, 128)),
    (U8, (0.1, 0), (0.01, 255)),
    (I16, (0.0005, 0), (0.0003, 0)),
    (I16, (1 / 4096, 0), (1 / 4096, 0)),
]
QUANT_SHAPES = [(), (7,), (3, 50), (2, 3, 4, 5)]


def quant_id(p):
    return f"{np.dtype(p[0]).name}-{p[1][0]:g}to{p[2][0]:g}"


def check_unary_quantized(op, params, shape=(3, 50), options=None):
    dtype, q_in, q_out = params
    check_quantized(op, [(shape, dtype, dict(scale=q_in[0], zero_point=q_in[1]))], options=options,
                    output_dtype=dtype, output_quant=dict(scale=q_out[0], zero_point=q_out[1]))


class QuantizedReluCases:
    """Requantized to the output grid, then clamped (TFLite's QuantizedReluX)."""
    OP = None     # set by the subclass
    INT16 = True  # False: TFLite's kernel rejects INT16

    def test_quantized(self):
        for params in UNARY_QUANT:
            if params[0] == I16 and not self.INT16:
                continue
            check_unary_quantized(self.OP, params)

    @pytest.mark.parametrize("shape", QUANT_SHAPES, ids=shape_id)
    def test_quantized_shapes(self, shape):
        check_unary_quantized(self.OP, UNARY_QUANT[0], shape)

    def test_int16(self):
        if self.INT16:
            check_unary_quantized(self.OP, UNARY_QUANT[-2])
        else:
            assert_rejected(self.OP, [((3,), I16, dict(scale=0.001, zero_point=0))],
                            match=f"INT16, which TFLite's {self.OP} does not accept",
                            litert_rejects=True)
