"""PRELU against LiteRT: out = x >= 0 ? x : alpha * x with alpha broadcast to the input's shape
(per-channel, per-position, scalar, full shape; runtime or constant alpha), NaN and signed
zeros; INT8/UINT8 bit-exact against the reference kernels (several scales and zero points of
input, alpha and output, broadcast and constant alphas); and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import F32, I32, TFLITE_KERNELS, assert_rejected, check_op, check_quantized, \
    check_values, rand, shape_id

# (input shape, alpha shape): alpha broadcasts to the input, never beyond it.
SHAPES = [
    ((1, 4, 4, 3), (3,)),
    ((1, 4, 4, 3), (1, 1, 3)),
    ((2, 5, 7, 3), (5, 7, 3)),
    ((2, 5, 7, 3), (1, 7, 1)),
    ((2, 3), (2, 3)),
    ((7,), (1,)),
    ((3, 1, 5), ()),
    ((1, 1, 1, 1), (1,)),
    ((2, 3, 4, 5, 6), (6,)),
    ((1, 2, 1, 3, 1, 2, 2, 1), (2, 2, 1)),
    ((0, 3), (3,)),
    ((1000,), (1000,)),
]


@pytest.mark.parametrize("shapes", SHAPES, ids=shape_id)
def test_runtime_alpha(shapes):
    check_op("PRELU", [(shapes[0], F32), (shapes[1], F32)])


@pytest.mark.parametrize("shapes", SHAPES[:5], ids=shape_id)
def test_constant_alpha(shapes):
    # A constant alpha is what converters write (XNNPACK takes such nodes).
    check_op("PRELU", [(shapes[0], F32)], constants=[rand(shapes[1], seed=3, low=-2, high=2)])


@pytest.mark.parametrize("reference", [None, TFLITE_KERNELS], ids=["litert", "tflite_kernels"])
def test_special_values(reference):
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, -1e-40, 3.0, -3.0], F32)
    alpha = np.array([0.5, 0.5, 0.5, -2.0, -2.0, 3.0, 0.0, -1.5], F32)
    check_values("PRELU", [x, alpha], reference=reference)


# (input, alpha, output) quantization: equal scales, a wide alpha, a narrow output, alpha < 0.
QUANTS = [
    (dict(scale=0.05, zero_point=3), dict(scale=0.01, zero_point=-20),
     dict(scale=0.05, zero_point=3)),
    (dict(scale=0.1, zero_point=-128), dict(scale=0.02, zero_point=0),
     dict(scale=0.03, zero_point=10)),
    (dict(scale=0.02, zero_point=100), dict(scale=0.5, zero_point=90),
     dict(scale=0.25, zero_point=-7)),
]


def _for(dtype, quant):
    """Quantization parameters for dtype: UINT8 zero points shifted by 128, INT16 scales / 256."""
    if dtype == np.int16:
        return dict(quant, scale=quant["scale"] / 256, zero_point=quant["zero_point"] * 50)
    return dict(quant, zero_point=quant["zero_point"] + (128 if dtype == np.uint8 else 0))


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
@pytest.mark.parametrize("quant", range(len(QUANTS)))
@pytest.mark.parametrize("shapes", SHAPES[:10], ids=shape_id)
def test_quantized(shapes, quant, dtype):
    q_in, q_alpha, q_out = (_for(dtype, q) for q in QUANTS[quant])
    check_quantized("PRELU", [(shapes[0], dtype, q_in), (shapes[1], dtype, q_alpha)],
                    output_quant=q_out)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_quantized_constant_alpha(dtype):
    info = np.iinfo(dtype)
    alpha = np.random.default_rng(4).integers(info.min, info.max, (3,), endpoint=True).astype(dtype)
    q_in, q_alpha, q_out = (_for(dtype, q) for q in QUANTS[1])
    check_quantized("PRELU", [((2, 4, 5, 3), dtype, q_in)], constants=[(alpha, q_alpha)],
                    output_quant=q_out)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_alpha_enlarging_the_input():
    assert_rejected("PRELU", [((1, 3), F32), ((2, 1), F32)],
                    match="alpha must broadcast to the input's shape", litert_rejects=True)


def test_rejects_alpha_of_higher_rank():
    assert_rejected("PRELU", [((3, 4), F32), ((1, 1, 4), F32)],
                    match="alpha must broadcast to the input's shape", litert_rejects=True)


def test_rejects_incompatible_shapes():
    assert_rejected("PRELU", [((2, 3), F32), ((2,), F32)], match="broadcast|incompatible",
                    litert_rejects=True)


def test_rejects_mixed_dtypes():
    # LiteRT runs this model, reading the int32 alpha's bits as floats; jitlite refuses it.
    assert_rejected("PRELU", [((2, 3), F32), ((3,), I32)], match="input types differ")


def test_rejects_int32():
    assert_rejected("PRELU", [((2, 3), I32), ((3,), I32)],
                    match="INT32, which TFLite's PRELU does not accept", litert_rejects=True)


def test_rank_9_is_not_supported_yet():
    assert_rejected("PRELU", [((1,) * 8 + (2,), F32), ((2,), F32)],
                    match="PRELU of rank 9 is not supported yet")


def test_rejects_alpha_of_another_type():
    q = dict(scale=0.1, zero_point=0)
    assert_rejected("PRELU", [((2, 3), np.int8, q), ((3,), np.uint8, q)],
                    match="input types differ")


def test_int16_is_not_supported_yet():
    q = dict(scale=0.001, zero_point=0)
    assert_rejected("PRELU", [((2, 3), np.int16, q), ((3,), np.int16, q)],
                    match="PRELU on INT16 is not supported by jitlite yet")
