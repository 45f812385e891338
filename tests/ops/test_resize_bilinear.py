"""RESIZE_BILINEAR against LiteRT: the shared resize cases (resize_cases.ResizeCases: up-, down-
and mixed scaling, identity, 1x1 inputs and outputs, batches, odd sizes) under every valid
align_corners / half_pixel_centers setting, also against TFLite's own kernels (XNNPACK computes
the default reference; jitlite follows TFLite's reference kernel's arithmetic); a fused epilogue;
INT8/INT16 (TFLite's 10-bit integer kernel) and UINT8 (float with a rounding offset) bit-exact
against the reference kernels over every shape and option, at the extremes of each type; plus
the rejected cases (both options set, requantizing outputs, sizes below 1)."""

import numpy as np
import pytest

from jitlite.testing import (
    assert_outputs_match,
    build_op_model,
    jitlite_interpreter,
    litert_interpreter,
    run_both,
    run_model,
)
from jitlite.testing.model_builder import ModelBuilder
from op_testing import (F32, I32, TFLITE_KERNELS, assert_rejected, check_op, check_quantized,
                        shape_id)
from resize_cases import SHAPES, ResizeCases, size

OP = "RESIZE_BILINEAR"
OPTIONS = {
    "default": {},
    "align_corners": dict(align_corners=True),
    "half_pixel_centers": dict(half_pixel_centers=True),
}
BUILTIN_REF = litert_interpreter("BUILTIN_REF")


class TestResizeBilinear(ResizeCases):
    OP = OP
    OPTIONS = OPTIONS


@pytest.mark.parametrize("reference", [TFLITE_KERNELS, BUILTIN_REF], ids=["optimized", "ref"])
@pytest.mark.parametrize("option", sorted(OPTIONS))
@pytest.mark.parametrize("shape, out", SHAPES[:3])
def test_matches_tflite_kernels(shape, out, option, reference):
    check_op(OP, [(shape, F32)], [size(*out)], OPTIONS[option], reference=reference)


def test_epilogue_fuses():
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [2, 3, 5, 4])
    s = mb.add_constant("size", size(6, 4))
    resized = mb.add_tensor("resized", F32, [2, 6, 4, 4])
    mb.add_op(OP, [x, s], [resized], dict(half_pixel_centers=True))
    out = mb.add_tensor("out", F32, [2, 6, 4, 4])
    mb.add_op("RELU", [resized], [out])
    mb.mark_output(out)
    values = [np.random.default_rng(0).uniform(-2, 2, (2, 3, 5, 4)).astype(F32)]
    actual, expected = run_both(mb.build(), values)
    assert_outputs_match(actual, expected)


def test_both_options_are_rejected():
    build = dict(op=OP, inputs=[((1, 3, 3, 1), F32)], constants=[size(4, 4)],
                 options=dict(align_corners=True, half_pixel_centers=True),
                 output_shapes=[[1, 4, 4, 1]])
    assert_rejected(**build, match="cannot both be true")
    # TFLite's kernels refuse the model; XNNPACK (LiteRT's default) runs it without the check.
    with pytest.raises(RuntimeError, match="align_corners must be False"):
        run_model(TFLITE_KERNELS, build_op_model(**build), [np.zeros((1, 3, 3, 1), F32)])


QUANTIZED = [np.int8, np.uint8, np.int16]


@pytest.mark.parametrize("dtype", QUANTIZED)
@pytest.mark.parametrize("option", sorted(OPTIONS))
@pytest.mark.parametrize("shape, out", SHAPES, ids=[shape_id(s) for s, _ in SHAPES])
def test_quantized(shape, out, option, dtype):
    quant = dict(scale=0.05, zero_point=0 if dtype == np.int16 else 3)
    check_quantized(OP, [(shape, dtype, quant)], [size(*out)], OPTIONS[option])


@pytest.mark.parametrize("dtype", QUANTIZED)
@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_quantized_extremes(option, dtype):
    # Only the type's minimum and maximum: the widest sums and every rounding sign.
    info = np.iinfo(dtype)
    x = np.random.default_rng(1).choice([info.min, info.max], (2, 5, 6, 3)).astype(dtype)
    check_values_quantized(x, size(7, 4), OPTIONS[option])


def check_values_quantized(x, out_size, options):
    build = dict(op=OP, inputs=[(x.shape, x.dtype, dict(scale=0.5, zero_point=-1))],
                 constants=[out_size], options=options)
    expected = run_model(BUILTIN_REF, build_op_model(**build), [x])
    model = build_op_model(**build, output_shapes=[list(expected[0].shape)])
    assert_outputs_match(run_model(jitlite_interpreter(), model, [x]), expected)


def test_quantized_epilogue():
    # An INT8 resize feeding a requantizing RELU (the epilogue of the resize kernel).
    mb = ModelBuilder()
    q = dict(scale=0.05, zero_point=3)
    x = mb.add_input("x", np.int8, [2, 3, 5, 4], **q)
    s = mb.add_constant("size", size(6, 4))
    resized = mb.add_tensor("resized", np.int8, [2, 6, 4, 4], **q)
    mb.add_op(OP, [x, s], [resized], dict(half_pixel_centers=True))
    out = mb.add_tensor("out", np.int8, [2, 6, 4, 4], scale=0.04, zero_point=-5)
    mb.add_op("RELU", [resized], [out])
    mb.mark_output(out)
    values = [np.random.default_rng(0).integers(-128, 128, (2, 3, 5, 4)).astype(np.int8)]
    expected = run_model(BUILTIN_REF, mb.build(), values)
    assert_outputs_match(run_model(jitlite_interpreter(), mb.build(), values), expected)


@pytest.mark.parametrize("dtype", QUANTIZED)
def test_requantizing_output_is_unimplemented(dtype):
    assert_rejected(OP, [((1, 3, 3, 1), dtype, dict(scale=0.5, zero_point=0))], [size(4, 4)],
                    match="would need requantization", output_quant=dict(scale=0.25, zero_point=1),
                    output_shapes=[[1, 4, 4, 1]])


@pytest.mark.parametrize("dtype, constants, match", [
    (I32, [size(4, 4)], "does not accept"),
    (F32, [size(0, 4)], "new height 0 .* must be >= 1"),
    (F32, [size(4, -2)], "new width -2 .* must be >= 1"),
])
def test_invalid(dtype, constants, match):
    assert_rejected(OP, [((1, 3, 3, 1), dtype)], constants, match=match, litert_rejects=True,
                    output_shapes=[[1, 4, 4, 1]])
