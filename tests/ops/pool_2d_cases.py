"""The test cases AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D share (same options, same window
rules).

Each op's test file subclasses Pool2DCases as Test<Op> and sets OP; pytest collects the
subclass only (the base name does not start with "Test"). Values are compared with LiteRT, by
default with its XNNPACK delegate (what tf.lite users get), and where marked with TFLite's own
kernels (TFLITE_KERNELS).
"""

import numpy as np
import pytest

from jitlite import Interpreter
from jitlite.testing.check_op import (assert_outputs_match, build_op_model, check_op,
                                      litert_interpreter, run_model)
from op_testing import check_quantized

F32 = np.float32
# TFLite's own float kernels, without the default XNNPACK delegate.
TFLITE_KERNELS = litert_interpreter("BUILTIN_WITHOUT_DEFAULT_DELEGATES")


def pool(padding="SAME", stride=(1, 1), filt=(2, 2), act="NONE"):
    """Pool2DOptions; stride and filt are (height, width)."""
    return dict(padding=padding, stride_h=stride[0], stride_w=stride[1], filter_height=filt[0],
                filter_width=filt[1], fused_activation_function=act)


class Pool2DCases:
    OP = None  # set by the subclass

    def check(self, shape, options, **kwargs):
        check_op(self.OP, [(shape, F32)], options=options, **kwargs)

    @pytest.mark.parametrize("filt", [(1, 1), (2, 2), (3, 3), (3, 2)])
    @pytest.mark.parametrize("stride", [(1, 1), (2, 2), (3, 3), (1, 2), (3, 1)])
    @pytest.mark.parametrize("padding", ["SAME", "VALID"])
    def test_windows(self, padding, stride, filt):
        self.check((1, 7, 8, 3), pool(padding, stride, filt))

    @pytest.mark.parametrize("shape", [(2, 5, 6, 1), (2, 6, 5, 17), (1, 1, 1, 3), (1, 9, 1, 3),
                                       (3, 4, 4, 2)])
    @pytest.mark.parametrize("padding", ["SAME", "VALID"])
    def test_shapes(self, shape, padding):
        filt = (min(3, shape[1]), min(2, shape[2]))
        self.check(shape, pool(padding, (2, 1), filt))

    @pytest.mark.parametrize("act", ["NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH",
                                     "SIGN_BIT"])
    def test_activations(self, act):
        # Inputs in (-8, 8) so every clamp bound (-1, 0, 1, 6) is crossed. TANH and SIGN_BIT
        # are no-ops in TFLite's float pooling kernels (unbounded activation range).
        self.check((2, 6, 6, 3), pool("SAME", (2, 2), (3, 3), act), input_range=(-8, 8),
                   reference=TFLITE_KERNELS)

    @pytest.mark.parametrize("act", ["NONE", "RELU", "RELU_N1_TO_1", "RELU6"])
    def test_activations_against_default_resolver(self, act):
        self.check((1, 5, 5, 3), pool("VALID", (1, 1), (2, 2), act), input_range=(-8, 8))

    @pytest.mark.parametrize("filt", [(4, 5), (3, 7), (9, 9)])
    @pytest.mark.parametrize("stride", [(1, 1), (2, 3)])
    def test_filter_larger_than_input_with_same(self, filt, stride):
        self.check((2, 2, 3, 5), pool("SAME", stride, filt))

    @pytest.mark.parametrize("padding", ["SAME", "VALID"])
    @pytest.mark.parametrize("stride", [(1, 1), (2, 2), (3, 2)])
    def test_tflite_kernels(self, padding, stride):
        self.check((2, 7, 5, 17), pool(padding, stride, (3, 2)), reference=TFLITE_KERNELS)

    @pytest.mark.parametrize("padding", ["SAME", "VALID"])
    def test_all_negative_inputs(self, padding):
        # Padding must not act as a 0 tap (max) nor count in the divisor (average).
        self.check((2, 5, 4, 3), pool(padding, (2, 2), (3, 3)), input_range=(-5, -1))

    @pytest.mark.parametrize("channels", [4100, 4099])
    def test_channels_beyond_one_accumulator_block(self, channels):
        self.check((1, 3, 3, channels), pool("SAME", (2, 2), (2, 2)))

    def test_nan_inputs_follow_tflite_kernels(self):
        # TFLite's kernels: a NaN tap is skipped by max (std::max keeps the running max) and
        # propagates through the average. XNNPACK differs (it gives -inf), so the reference
        # here is TFLite's own kernels.
        options = pool("VALID", (1, 1), (1, 2))
        model = build_op_model(self.OP, [((1, 1, 3, 2), F32)], options=options,
                               output_shapes=[[1, 1, 2, 2]])
        x = np.array([1, np.nan, np.nan, 2, 3, 5], F32).reshape(1, 1, 3, 2)
        assert_outputs_match(run_model(Interpreter, model, [x]),
                             run_model(TFLITE_KERNELS, model, [x]), context=self.OP)

    # --- must-fail cases (allocate_tensors raises RuntimeError, as LiteRT does) ----------------

    def allocate(self, shape, options, dtype=F32, tensor_args=None):
        model = build_op_model(self.OP, [(shape, dtype, tensor_args or {})], options=options,
                               output_shapes=[[1, 1, 1, 1]])
        Interpreter(model_content=model).allocate_tensors()

    @pytest.mark.parametrize("shape", [(4, 4, 3), (1, 1, 4, 4, 3)])
    def test_rejects_rank_other_than_4(self, shape):
        with pytest.raises(RuntimeError, match=f"rank {len(shape)}.*expected 4"):
            self.allocate(shape, pool())

    @pytest.mark.parametrize("option", ["stride_w", "stride_h"])
    def test_rejects_zero_stride(self, option):
        with pytest.raises(RuntimeError, match=f"{option} is 0; strides must be >= 1"):
            self.allocate((1, 4, 4, 3), {**pool(), option: 0})

    @pytest.mark.parametrize("option", ["filter_width", "filter_height"])
    def test_rejects_zero_filter_size(self, option):
        with pytest.raises(RuntimeError, match=f"{option} is 0; filter sizes must be >= 1"):
            self.allocate((1, 4, 4, 3), {**pool(), option: 0})

    def test_rejects_valid_filter_larger_than_input(self):
        with pytest.raises(RuntimeError, match="input width 3 is smaller than the filter width 4 "
                                               "with VALID padding"):
            self.allocate((1, 4, 3, 2), pool("VALID", (1, 1), (2, 4)))

    # --- quantized: bit-exact with LiteRT's reference kernels (input and output share scale
    # and zero point, as TFLite expects) ----------------------------------------------------

    QUANT = {np.int8: dict(scale=0.05, zero_point=-3), np.uint8: dict(scale=0.03, zero_point=130),
             np.int16: dict(scale=0.001, zero_point=0)}

    def check_q(self, shape, options, dtype):
        q = self.QUANT[dtype]
        check_quantized(self.OP, [(shape, dtype, q)], options=options, output_quant=q)

    @pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
    @pytest.mark.parametrize("padding, stride, filt", [
        ("SAME", (1, 1), (2, 2)), ("VALID", (2, 2), (3, 3)), ("SAME", (2, 1), (3, 2)),
        ("SAME", (3, 3), (4, 5)), ("VALID", (1, 2), (1, 1))])
    def test_quantized_windows(self, padding, stride, filt, dtype):
        self.check_q((2, 7, 6, 5), pool(padding, stride, filt), dtype)

    @pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
    @pytest.mark.parametrize("act", ["RELU", "RELU_N1_TO_1", "RELU6", "TANH"])
    def test_quantized_activations(self, act, dtype):
        self.check_q((1, 6, 6, 3), pool("SAME", (2, 2), (3, 3), act), dtype)

    @pytest.mark.parametrize("dtype", [np.int8, np.int16])
    def test_quantized_many_channels(self, dtype):
        self.check_q((1, 3, 3, 4099), pool("SAME", (2, 2), (2, 2)), dtype)

    def test_quantized_rounds_half_away_from_zero(self):
        # 2-tap windows of (odd) sums: every mean ends in .5, positive and negative.
        q = self.QUANT[np.int8]
        model = build_op_model(self.OP, [((1, 1, 8, 1), np.int8, q)],
                               options=pool("VALID", (1, 2), (1, 2)), output_quant=q,
                               output_shapes=[[1, 1, 4, 1]])
        x = np.array([1, 2, -1, -2, 127, 126, -128, -127], np.int8).reshape(1, 1, 8, 1)
        assert_outputs_match(run_model(Interpreter, model, [x]),
                             run_model(litert_interpreter("BUILTIN_REF"), model, [x]),
                             context=self.OP)

    def test_quantized_output_type_must_match(self):
        with pytest.raises(RuntimeError, match="output has type INT16 but input 0 has INT8"):
            model = build_op_model(self.OP, [((1, 4, 4, 3), np.int8, self.QUANT[np.int8])],
                                   options=pool(), output_dtypes=[np.int16],
                                   output_quant=self.QUANT[np.int16],
                                   output_shapes=[[1, 4, 4, 3]])
            Interpreter(model_content=model).allocate_tensors()

    def test_rejects_int32_input(self):
        with pytest.raises(RuntimeError, match=f"type INT32; {self.OP} supports FLOAT32"):
            self.allocate((1, 4, 4, 3), pool(), np.int32)
