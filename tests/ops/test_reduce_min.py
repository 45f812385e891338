"""REDUCE_MIN against LiteRT: the shared reduction cases (reduce_cases.py) over float32, int32
and int64, NaN/inf/signed-zero placement (TFLite's `acc < in ? acc : in` order), the empty
reduction (FLT_MAX, TFLite's kernel), a real model, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import F32, I32, TFLITE_KERNELS, check_model_file, check_values
from reduce_cases import QuantizedReduceCases, ReduceCases, assert_same_zero_signs

# Rows where a NaN comes first, in the middle, last, alone; infinities; signed zeros.
SPECIAL = np.array([[1.0, np.nan, 3.0, 0.5], [np.nan, 2.0, 1.0, 0.0], [0.0, 1.0, 2.0, np.nan],
                    [np.nan] * 4, [-np.inf] * 4, [np.inf, 1.0, np.nan, -np.inf],
                    [-0.0, 0.0, -0.0, 0.0], [0.0, -0.0, 0.0, -0.0]], F32)


class TestReduceMin(ReduceCases):
    OP = "REDUCE_MIN"
    # XNNPACK writes +inf for an empty reduction, TFLite's kernel FLT_MAX (jitlite's choice).
    EMPTY_REFERENCE = TFLITE_KERNELS


@pytest.mark.parametrize("axes", [[1], [0], [0, 1], [-1, 0]], ids=str)
def test_special_values(axes):
    # TFLite's kernel as the reference: XNNPACK folds a whole-tensor reduction in another
    # order, so where NaNs land differs there.
    for values in (SPECIAL, SPECIAL.T.copy()):
        check_values("REDUCE_MIN", [values], constants=[np.array(axes, I32)],
                     reference=TFLITE_KERNELS)


def test_signed_zeros():
    assert_same_zero_signs("REDUCE_MIN", SPECIAL[6:], [1])


def test_extreme_integers():
    values = np.array([[np.iinfo(I32).min, -1, np.iinfo(I32).max], [np.iinfo(I32).min] * 3], I32)
    check_values("REDUCE_MIN", [values], constants=[np.array([1], I32)])



def test_real_model():
    check_model_file("ops/simple_reducemin_op.tflite")


class TestQuantizedMin(QuantizedReduceCases):
    OP = "REDUCE_MIN"
    # The output keeps the input's parameters (TFLite checks it); zero points at both ends.
    QUANT = {
        np.int8: [((0.05, 3), (0.05, 3)), ((0.03, -128), (0.03, -128)), ((0.1, 127), (0.1, 127))],
        np.uint8: [((0.05, 131), (0.05, 131)), ((0.1, 0), (0.1, 0)), ((0.2, 255), (0.2, 255))],
        np.int16: [((0.001, 0), (0.001, 0)), ((1 / 4096, 0), (1 / 4096, 0))],
    }

    @pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16], ids=str)
    def test_rejects_other_output_parameters(self, dtype):
        zp = 128 if dtype == np.uint8 else 0
        self.assert_both_reject(dtype, ((0.05, zp), (0.1, zp)), "output's scale and zero point")
        if dtype != np.int16:
            self.assert_both_reject(dtype, ((0.05, zp), (0.05, zp + 3)),
                                    "output's scale and zero point")
