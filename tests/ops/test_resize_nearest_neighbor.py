"""RESIZE_NEAREST_NEIGHBOR against LiteRT: the shared resize cases (resize_cases.ResizeCases:
up-, down- and mixed scaling, identity, 1x1 inputs and outputs, batches, odd sizes, rounding
ties) under all four align_corners x half_pixel_centers settings (TFLite accepts both at once);
an empty output; float32, int32, bool and quantized raw copies; a constant input; plus the
rejected cases."""

import numpy as np
import pytest

from op_testing import F32, I32, assert_rejected, check_op, check_quantized
from resize_cases import ResizeCases, size

OP = "RESIZE_NEAREST_NEIGHBOR"


class TestResizeNearestNeighbor(ResizeCases):
    OP = OP
    OPTIONS = {
        "default": {},
        "align_corners": dict(align_corners=True),
        "half_pixel_centers": dict(half_pixel_centers=True),
        "both": dict(align_corners=True, half_pixel_centers=True),
    }


@pytest.mark.parametrize("dtype", [F32, I32, np.bool_])
def test_dtypes(dtype):
    check_op(OP, [((2, 3, 5, 2), dtype)], [size(4, 7)], dict(half_pixel_centers=True))


@pytest.mark.parametrize("option", sorted(TestResizeNearestNeighbor.OPTIONS))
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype, option):
    q = dict(scale=0.5, zero_point=0 if dtype == np.int16 else 3)
    check_quantized(OP, [((1, 3, 5, 2), dtype, q)], [size(6, 4)],
                    TestResizeNearestNeighbor.OPTIONS[option])


def test_empty_output():
    check_op(OP, [((1, 3, 4, 2), F32)], [size(0, 3)])


def test_constant_input():
    data = np.arange(24, dtype=np.int32).reshape(1, 3, 4, 2)
    check_op(OP, [data, size(5, 3)], options=dict(half_pixel_centers=True))


@pytest.mark.parametrize("dtype, constants, match, litert_rejects", [
    (np.int64, [size(4, 4)], "does not accept", True),
    (F32, [size(-1, 4)], "new height -1 .* must be >= 0", True),
])
def test_invalid(dtype, constants, match, litert_rejects):
    assert_rejected(OP, [((1, 3, 3, 1), dtype)], constants, match=match,
                    litert_rejects=litert_rejects, output_shapes=[[1, 4, 4, 1]])


def test_requantizing_output_is_unimplemented():
    # LiteRT copies the bytes whatever the output's quantization; jitlite refuses for now.
    assert_rejected(OP, [((1, 3, 3, 1), np.int8, dict(scale=0.5, zero_point=0))], [size(4, 4)],
                    match="would need requantization", output_quant=dict(scale=0.25, zero_point=1),
                    output_shapes=[[1, 4, 4, 1]])
