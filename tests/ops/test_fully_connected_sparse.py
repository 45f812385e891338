"""FULLY_CONNECTED with a sparse filter (densified at import) against LiteRT: FLOAT32 in every
stored format (TFLite's optimized kernels for random and 1x4-block sparsity, its reference
kernels for the rest), INT8 1x16-block filters bit-exact, and the variants LiteRT does not
compute refused with a clear error."""
import numpy as np
import pytest

from jitlite.testing import assert_outputs_match
from jitlite.testing.check_op import jitlite_interpreter, run_model
from op_testing import REFERENCE_KERNELS, TFLITE_KERNELS
from sparse_cases import fully_connected_model, pruned

F32 = np.float32


def inputs_for(model, batch, depth, dtype=F32, seed=3):
    rng = np.random.default_rng(seed)
    if dtype == np.int8:
        return [rng.integers(-128, 128, (batch, depth)).astype(np.int8)]
    return [rng.uniform(-1, 1, (batch, depth)).astype(F32)]


def check(model, inputs, reference):
    actual = run_model(jitlite_interpreter(), model, inputs)
    expected = run_model(reference, model, inputs)
    assert_outputs_match(actual, expected)
    return actual, expected


# The formats TFLite's optimized float kernel runs (random: DENSE + CSR rows; 1x4 blocks).
@pytest.mark.parametrize("fmt", ["random", "block1x4"])
@pytest.mark.parametrize("index_dtype, shape", [(np.uint8, (8, 16)), (np.uint8, (5, 12)),
                                                (np.uint16, (33, 64)), (np.int32, (33, 64)),
                                                (np.int32, (3, 12))])
def test_float_optimized_formats(fmt, index_dtype, shape):
    block = 4 if fmt == "block1x4" else 1
    weights = pruned(shape, density=0.3, block=block)
    model = fully_connected_model(weights, fmt, index_dtype=index_dtype)
    check(model, inputs_for(model, 3, shape[1]), TFLITE_KERNELS)


# Any other traversal order or level formats: TFLite's reference kernel densifies them.
@pytest.mark.parametrize("fmt", ["random_cols_first", "csr_csr", "block1x16", "block2x2",
                                 "block4x1_inner_swapped"])
def test_float_other_formats(fmt):
    block = 16 if fmt == "block1x16" else 1
    weights = pruned((16, 32), density=0.25, block=block, seed=5)
    model = fully_connected_model(weights, fmt)
    check(model, inputs_for(model, 2, 32), REFERENCE_KERNELS)


@pytest.mark.parametrize("activation", ["NONE", "RELU", "RELU6"])
def test_float_activation_no_bias(activation):
    weights = pruned((12, 20), density=0.4)
    model = fully_connected_model(weights, "random", bias=False,
                                  options=dict(fused_activation_function=activation))
    check(model, inputs_for(model, 4, 20), TFLITE_KERNELS)


def test_float_fully_dense_filter():
    model = fully_connected_model(pruned((6, 8), density=1.0), "random")
    check(model, inputs_for(model, 2, 8), TFLITE_KERNELS)


def test_all_zero_filter_has_no_data_and_is_refused_as_in_litert():
    model = fully_connected_model(np.zeros((6, 8), F32), "random")
    with pytest.raises(RuntimeError, match="sparse but not a constant"):
        run_model(jitlite_interpreter(), model, inputs_for(model, 2, 8))
    with pytest.raises(Exception, match="lacks data"):
        run_model(TFLITE_KERNELS, model, inputs_for(model, 2, 8))


def int8_model(weights, *, per_channel=False, input_zp=5, output_zp=-3):
    units = weights.shape[0]
    filter_scale = (np.linspace(0.01, 0.03, units) if per_channel else 0.02)
    quant = dict(input=(0.05, input_zp), filter=(filter_scale, 0), output=(0.3, output_zp))
    return fully_connected_model(weights, "block1x16", input_dtype=np.int8, quant=quant)


@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("shape", [(8, 32), (20, 64)])
def test_int8_block1x16_bit_exact(per_channel, shape):
    weights = pruned(shape, np.int8, density=0.4, block=16, low=-127, high=127)
    model = int8_model(weights, per_channel=per_channel)
    actual, expected = check(model, inputs_for(model, 3, shape[1], np.int8), REFERENCE_KERNELS)
    assert np.array_equal(actual[0], expected[0])
    assert len(np.unique(actual[0])) > 3  # not saturated: the comparison means something


def rejected(model, inputs, match, litert_rejects):
    with pytest.raises(RuntimeError, match=match):
        run_model(jitlite_interpreter(), model, inputs)
    if litert_rejects:
        with pytest.raises(Exception):
            run_model(REFERENCE_KERNELS, model, inputs)


def test_int8_random_sparsity_is_refused_as_in_litert():
    weights = pruned((8, 32), np.int8, density=0.4, low=-127, high=127)
    quant = dict(input=(0.05, 0), filter=(0.02, 0), output=(0.3, 0))
    model = fully_connected_model(weights, "random", input_dtype=np.int8, quant=quant)
    rejected(model, inputs_for(model, 3, 32, np.int8), "not 1x16 block-sparse", True)


def test_int8_asymmetric_sparse_filter_is_refused_as_in_litert():
    weights = pruned((8, 32), np.int8, density=0.4, block=16, low=-127, high=127)
    quant = dict(input=(0.05, 0), filter=(0.02, 4), output=(0.3, 0))
    model = fully_connected_model(weights, "block1x16", input_dtype=np.int8, quant=quant)
    rejected(model, inputs_for(model, 3, 32, np.int8), "nonzero zero point", True)


@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("per_channel", [False, True])
def test_hybrid_block1x16(asymmetric, per_channel):
    # FLOAT32 input, INT8 1x16-block filter: LiteRT's sparse hybrid kernel.
    weights = pruned((12, 48), np.int8, density=0.4, block=16, low=-127, high=127)
    scales = np.linspace(0.01, 0.03, 12) if per_channel else 0.02
    model = fully_connected_model(weights, "block1x16", quant=dict(filter=(scales, 0)),
                                  options=dict(asymmetric_quantize_inputs=asymmetric))
    for reference in (TFLITE_KERNELS, REFERENCE_KERNELS):
        check(model, inputs_for(model, 3, 48), reference)


def test_hybrid_random_sparsity_is_refused():
    weights = pruned((8, 32), np.int8, density=0.4, low=-127, high=127)
    model = fully_connected_model(weights, "random", quant=dict(filter=(0.02, 0)), bias=False)
    rejected(model, inputs_for(model, 3, 32), "not 1x16 block-sparse", False)


def test_uint8_sparse_filter_is_refused():
    # LiteRT's uint8 kernels read a sparse filter's stored values as if dense.
    weights = pruned((8, 32), np.uint8, density=0.4, block=16, low=1, high=255)
    quant = dict(input=(0.05, 128), filter=(0.02, 128), output=(0.3, 128))
    model = fully_connected_model(weights, "block1x16", input_dtype=np.uint8, quant=quant)
    inputs = [np.random.default_rng(0).integers(0, 256, (3, 32)).astype(np.uint8)]
    rejected(model, inputs, "LiteRT reads the others as dense", False)
