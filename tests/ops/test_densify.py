"""DENSIFY against LiteRT: FLOAT32, FLOAT16 and INT8 sparse constants in several traversal
orders, block layouts (2-D and a 4-D conv filter blocked along its input channels) and index
vector types, alone and feeding DEQUANTIZE / CONV_2D as the converter emits it; bad inputs
refused."""
import numpy as np
import pytest

from jitlite.testing import ModelBuilder, assert_outputs_match
from jitlite.testing.check_op import jitlite_interpreter, run_model
from jitlite.testing.model_builder import sparsify
from op_testing import TFLITE_KERNELS
from sparse_cases import FORMATS_2D, densify_model, pruned, sparse_args

# 4-D [out, h, w, in] filters: (traversal_order, formats, block_map, block_sizes).
FORMATS_4D = {
    "ohwi": ([0, 1, 2, 3], ["DENSE", "DENSE", "DENSE", "CSR"], [], []),
    "ohwi_block4_in": ([0, 1, 2, 3, 4], ["DENSE", "DENSE", "DENSE", "CSR", "DENSE"], [3], [4]),
    "hw_first_block2": ([1, 2, 0, 3, 4], ["DENSE", "CSR", "CSR", "CSR", "DENSE"], [3], [2]),
    "two_blocks": ([0, 1, 2, 3, 4, 5], ["DENSE", "CSR", "DENSE", "CSR", "DENSE", "DENSE"],
                   [0, 3], [2, 2]),
}


def sparse_4d(name):
    order, formats, block_map, block_sizes = FORMATS_4D[name]
    return dict(traversal_order=order, formats=formats, block_map=block_map,
                block_sizes=block_sizes)


def check_densify(model, dense=None, reference=TFLITE_KERNELS):
    actual = run_model(jitlite_interpreter(), model, [])
    expected = run_model(reference, model, [])
    assert_outputs_match(actual, expected)
    if dense is not None:  # also the values we stored, not only agreement with LiteRT
        assert np.array_equal(actual[0], dense)


@pytest.mark.parametrize("fmt", sorted(FORMATS_2D))
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int8])
def test_2d_formats_and_types(fmt, dtype):
    block = 16 if fmt == "block1x16" else 4
    low, high = (-100, 100) if dtype == np.int8 else (-1.0, 1.0)
    dense = pruned((8, 32), dtype, density=0.3, block=block, low=low, high=high, seed=7)
    check_densify(densify_model(dense, sparse_args(fmt)), dense)


@pytest.mark.parametrize("fmt", sorted(FORMATS_4D))
@pytest.mark.parametrize("index_dtype", [np.uint8, np.uint16, np.int32])
def test_4d_filters(fmt, index_dtype):
    dense = pruned((4, 3, 3, 8), density=0.3, block=4, seed=2)
    check_densify(densify_model(dense, sparse_4d(fmt), index_dtype=index_dtype), dense)


@pytest.mark.parametrize("dtype", [np.float16, np.int8])
def test_then_dequantize(dtype):
    low, high = (-100, 100) if dtype == np.int8 else (-1.0, 1.0)
    dense = pruned((6, 16), dtype, density=0.5, block=4, low=low, high=high)
    model = densify_model(dense, sparse_args("block1x4"), then="DEQUANTIZE")
    check_densify(model)


def test_sparse_conv_weights_feed_conv_2d():
    # What the converter writes for pruned conv weights: DENSIFY -> CONV_2D.
    dense = pruned((8, 3, 3, 4), density=0.4, block=4, seed=4)
    values, sparsity = sparsify(dense, **sparse_4d("ohwi_block4_in"))
    mb = ModelBuilder()
    x = mb.add_input("x", np.float32, [1, 6, 6, 4])
    w = mb.add_sparse_constant("w_sparse", values, sparsity, list(dense.shape))
    wd = mb.add_tensor("w", np.float32, list(dense.shape))
    b = mb.add_constant("b", np.linspace(-1, 1, 8).astype(np.float32))
    y = mb.add_tensor("y", np.float32, [1, 6, 6, 8])
    mb.add_op("DENSIFY", [w], [wd])
    mb.add_op("CONV_2D", [x, wd, b], [y], dict(padding="SAME"))
    mb.mark_output(y)
    model = mb.build()
    inputs = [np.random.default_rng(1).uniform(-1, 1, (1, 6, 6, 4)).astype(np.float32)]
    for reference in (TFLITE_KERNELS, None):  # None: the default resolver (XNNPACK)
        from jitlite.testing.check_op import litert_interpreter
        expected = run_model(reference or litert_interpreter(), model, inputs)
        assert_outputs_match(run_model(jitlite_interpreter(), model, inputs), expected)


def test_dense_input_is_refused():
    mb = ModelBuilder()
    w = mb.add_constant("w", np.ones((2, 3), np.float32))
    y = mb.add_tensor("y", np.float32, [2, 3])
    mb.add_op("DENSIFY", [w], [y])
    mb.mark_output(y)
    with pytest.raises(RuntimeError, match="must be a sparse constant; it is a dense constant"):
        run_model(jitlite_interpreter(), mb.build(), [])


def test_int32_input_is_refused_as_in_litert():
    dense = pruned((4, 8), np.int32, density=0.5, low=-5, high=5)
    model = densify_model(dense, sparse_args("random"))
    with pytest.raises(RuntimeError, match="DENSIFY takes FLOAT32, FLOAT16 and INT8"):
        run_model(jitlite_interpreter(), model, [])
    with pytest.raises(Exception):
        run_model(TFLITE_KERNELS, model, [])
