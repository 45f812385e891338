"""Sparse constants at import: malformed SparsityParameters refused with an error naming the
tensor (never a crash), the API showing sparse tensors as LiteRT does, sparse inputs refused
where LiteRT does not read them as sparse, and a converter-made sparse model."""
import copy
import sys
from pathlib import Path

import numpy as np
import pytest

from jitlite import Interpreter
from jitlite.testing import ModelBuilder
from jitlite.testing.check_op import assert_outputs_match, litert_interpreter, run_model
from jitlite.testing.model_builder import sparsify

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ops"))
from sparse_cases import fully_connected_model, pruned, sparse_args  # noqa: E402

TFLITE_KERNELS = litert_interpreter("BUILTIN_WITHOUT_DEFAULT_DELEGATES")


def fc_with(values, sparsity, shape=(8, 16)):
    mb = ModelBuilder()
    x = mb.add_input("x", np.float32, [2, shape[1]])
    w = mb.add_sparse_constant("weights", values, sparsity, list(shape))
    y = mb.add_tensor("y", np.float32, [2, shape[0]])
    mb.add_op("FULLY_CONNECTED", [x, w, -1], [y])
    mb.mark_output(y)
    return mb.build()


def encoded(fmt="random", shape=(8, 16), block=1):
    return sparsify(pruned(shape, density=0.4, block=block), **sparse_args(fmt))


def corrupt_segments_length(values, sp):
    sp.levels[1].segments = sp.levels[1].segments[:-1]


def corrupt_index_range(values, sp):
    sp.levels[1].indices[0] = 16


def corrupt_segments_order(values, sp):
    seg = sp.levels[1].segments
    seg[1], seg[2] = seg[2] + 1, seg[1]


def corrupt_segments_end(values, sp):
    sp.levels[1].segments[-1] -= 1


def corrupt_dense_size(values, sp):
    sp.levels[0].dense_size = 9


def corrupt_traversal_twice(values, sp):
    sp.traversal_order = [0, 0]


MALFORMED = {
    "segments_length": (corrupt_segments_length, "array_segments, the level above visits 8"),
    "index_out_of_range": (corrupt_index_range, r"array_indices\[0\] = 16 is outside"),
    "segments_decrease": (corrupt_segments_order, "array_segments decreases"),
    "segments_end": (corrupt_segments_end, "array_segments ends at"),
    "dense_size": (corrupt_dense_size, "DENSE of size 9 but walks a dimension of size 8"),
    "traversal_twice": (corrupt_traversal_twice, "lists dimension 0 twice"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_sparsity_is_an_import_error_naming_the_tensor(case):
    corrupt, message = MALFORMED[case]
    values, sp = encoded()
    sp = copy.deepcopy(sp)
    corrupt(values, sp)
    with pytest.raises(ValueError, match=message) as error:
        Interpreter(model_content=fc_with(values, sp))
    assert "tensor 1 'weights'" in str(error.value)


def test_too_few_values_is_an_import_error():
    values, sp = encoded()
    with pytest.raises(ValueError, match=r"tensor 1 'weights'.*holds \d+ values but its sparsity"):
        Interpreter(model_content=fc_with(values[:-1], sp))


def test_block_size_must_divide_its_dimension():
    values, sp = encoded("block1x4", block=4)
    sp.levels[2].dense_size = 3
    with pytest.raises(ValueError, match="must be a DENSE level whose dense_size divides it"):
        Interpreter(model_content=fc_with(values, sp))


def test_block_dimension_before_an_original_one_is_refused():
    values, sp = encoded("block1x4", block=4)
    sp.traversal_order = [0, 2, 1]
    with pytest.raises(ValueError, match="the first 2 entries must be the original dimensions"):
        Interpreter(model_content=fc_with(values, sp))


def test_metadata_count_must_match_rank():
    values, sp = encoded()
    sp.levels = sp.levels[:1]
    with pytest.raises(ValueError, match="tensor 1 'weights'.*1 dim_metadata for rank 2"):
        Interpreter(model_content=fc_with(values, sp))


@pytest.mark.parametrize("fmt, block", [("random", 1), ("block1x4", 4)])
@pytest.mark.parametrize("index_dtype", [np.uint8, np.int32])
def test_api_shows_sparse_tensors_as_litert(fmt, block, index_dtype):
    weights = pruned((8, 16), density=0.3, block=block)
    model = fully_connected_model(weights, fmt, index_dtype=index_dtype)
    ours, theirs = Interpreter(model_content=model), TFLITE_KERNELS(model_content=model)
    ours.allocate_tensors()
    theirs.allocate_tensors()
    for mine, ref in zip(ours.get_tensor_details(), theirs.get_tensor_details()):
        np.testing.assert_equal(mine["sparsity_parameters"], ref["sparsity_parameters"])
        np.testing.assert_array_equal(mine["shape"], ref["shape"])
    index = [d["index"] for d in theirs.get_tensor_details() if d["name"] == "weights"][0]
    stored = theirs.get_tensor(index)
    assert stored.ndim == 1 and np.count_nonzero(weights) <= stored.size < weights.size
    np.testing.assert_array_equal(ours.get_tensor(index), stored)


def test_sparse_input_of_another_op_is_refused():
    values, sp = encoded()
    mb = ModelBuilder()
    x = mb.add_input("x", np.float32, [8, 16])
    w = mb.add_sparse_constant("weights", values, sp, [8, 16])
    y = mb.add_tensor("y", np.float32, [8, 16])
    mb.add_op("ADD", [x, w], [y])
    mb.mark_output(y)
    interpreter = Interpreter(model_content=mb.build())
    with pytest.raises(RuntimeError, match="node 0 ADD: input 1 .*'weights'.* is sparse; only a "
                                           "FULLY_CONNECTED filter"):
        interpreter.allocate_tensors()


def test_keras_pruned_model_converted_with_sparsity():
    tf = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(0)
    kernel = rng.uniform(-1, 1, (64, 32)).astype(np.float32)
    kernel[rng.random(kernel.shape) < 0.9] = 0  # pruned: the converter stores it sparse
    model = tf.keras.Sequential([tf.keras.Input((64,)), tf.keras.layers.Dense(32)])
    model.layers[0].set_weights([kernel, rng.uniform(-1, 1, 32).astype(np.float32)])
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.EXPERIMENTAL_SPARSITY]
    tflite_model = converter.convert()
    reference = TFLITE_KERNELS(model_content=tflite_model)
    # This converter writes the pruned kernel sparse, behind a DENSIFY feeding the FC.
    sparse = [d for d in reference.get_tensor_details() if d["sparsity_parameters"]]
    if not sparse:
        pytest.skip("this converter did not store the pruned kernel sparse")
    x = [rng.uniform(-1, 1, (1, 64)).astype(np.float32)]
    assert_outputs_match(run_model(Interpreter, tflite_model, x),
                         run_model(TFLITE_KERNELS, tflite_model, x))


def test_sparse_int4_filter_is_refused():
    # LiteRT's kernels refuse sparse INT4 filters too; jitlite does not densify sub-byte types.
    weights = pruned((8, 32), np.int8, density=0.4, block=16, low=-7, high=7)
    values, sp = sparsify(weights, **sparse_args("block1x16"))
    mb = ModelBuilder()
    x = mb.add_input("x", np.float32, [2, 32])
    w = mb.add_sparse_constant("weights", values, sp, [8, 32], scale=0.1, zero_point=0)
    mb.tensors[w].type_code = 17  # INT4
    y = mb.add_tensor("y", np.float32, [2, 8])
    mb.add_op("FULLY_CONNECTED", [x, w, -1], [y])
    mb.mark_output(y)
    interpreter = Interpreter(model_content=mb.build())
    with pytest.raises(RuntimeError, match="'weights'.* is sparse INT4, which jitlite cannot "
                                           "densify"):
        interpreter.allocate_tensors()
