"""ADD against LiteRT: broadcasting (scalars to rank 8), float32/int32/int64, every fused
activation, integer wrap-around, quantized int8/uint8/int16 (general and power-of-two int16
paths) bit-exact against the reference kernels, and the models jitlite must refuse.
The cases are shared with the other arithmetic ops (arithmetic_cases.py); real quantized
models and the seanet int16 goldens are here."""

import pytest

from arithmetic_cases import ArithmeticCases
from quantized_models import check_golden_csvs, check_reference_model, seanet_models


class TestAdd(ArithmeticCases):
    OP = "ADD"
    POT_INT16 = True


@pytest.mark.parametrize("path", [
    "micro/simple_add_model.tflite",
    # These two declare their intermediate tensor FLOAT32; TFLite's ADD retypes it to int8/uint8.
    "api/add_quantized.bin", "api/add_quantized_int8.bin",
    "ops/single_add_default_a8w8_recipe_quantized.tflite",
    "ops/single_add_default_a16w8_recipe_quantized.tflite", "ops/simple_quantized_ops.tflite"])
def test_real_model(path):
    check_reference_model(path)


@pytest.mark.parametrize("n", seanet_models("add") or [0])
def test_seanet_golden(n):
    check_golden_csvs("add", n)
