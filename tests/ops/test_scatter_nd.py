"""SCATTER_ND against LiteRT: output ranks 1-4, index tuples of every length, index batch ranks
1-2, duplicate indices (sums, in order), runtime and constant indices and updates, float32/
int32/int64/bool/int8/uint8 updates, the fused-epilogue form (SCATTER_ND -> RELU), empty update
batches; runtime indices out of range in any dim fail the invoke with RuntimeError as in TFLite
(and the next good invoke works); plus the rejected cases."""

import numpy as np
import pytest

from invoke_error_testing import check_invoke_fails_like_litert
from jitlite.testing import (ModelBuilder, assert_outputs_match, build_op_model,
                             jitlite_interpreter, litert_interpreter, run_model)
from op_testing import (MODELS_DIR, F32, I32, I64, assert_rejected, check_op, check_value_inputs,
                        check_values, rand)

OP = "SCATTER_ND"
SHAPES = [(6,), (4, 3), (2, 5, 3), (2, 3, 4, 2)]


def tuples(batch, shape, ix, seed=0):
    rng = np.random.default_rng(seed)
    cols = [rng.integers(0, shape[c], batch) for c in range(ix)]
    return np.stack(cols, axis=-1).astype(np.int32)


def updates_shape(batch, shape, ix):
    return tuple(batch) + tuple(shape[ix:])


CASES = [(s, ix) for s in SHAPES for ix in range(1, len(s) + 1)]


@pytest.mark.parametrize("batch", [(3,), (2, 4)])
@pytest.mark.parametrize("shape, ix", CASES)
def test_runtime_updates_constant_indices(shape, ix, batch):
    check_op(OP, [tuples(batch, shape, ix), (updates_shape(batch, shape, ix), F32),
                  np.array(shape, np.int32)], output_dtype=F32)


@pytest.mark.parametrize("shape, ix", [((6,), 1), ((4, 3), 1), ((4, 3), 2), ((2, 5, 3), 2)])
def test_runtime_indices(shape, ix):
    batch = (5,)  # more updates than rows: duplicates add up
    values = [tuples(batch, shape, ix, seed=3), rand(updates_shape(batch, shape, ix), seed=4)]
    check_values(OP, values, constants=[np.array(shape, np.int32)], output_dtype=F32)


@pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_, np.int8, np.uint8])
def test_dtypes(dtype):
    indices = np.array([[1], [3], [1]], np.int32)
    check_op(OP, [indices, ((3, 2), dtype), np.array([4, 2], np.int32)], output_dtype=dtype,
             input_range=None if dtype == np.bool_ else (0, 50))


def test_int8_sums_wrap_like_tflite():
    values = [np.array([[0], [0]], np.int32), np.full((2, 3), 100, np.int8)]
    check_values(OP, values, constants=[np.array([2, 3], np.int32)], output_dtype=np.int8)


def test_fused_epilogue_form():
    # SCATTER_ND -> RELU: the scatter computes each element whole (no in-place accumulation).
    mb = ModelBuilder()
    idx = mb.add_input("idx", np.int32, [4, 1])
    upd = mb.add_input("upd", np.float32, [4, 3])
    shape = mb.add_constant("shape", np.array([5, 3], np.int32))
    mid = mb.add_tensor("mid", np.float32, [5, 3])
    out = mb.add_tensor("out", np.float32, [5, 3])
    mb.add_op(OP, [idx, upd, shape], [mid])
    mb.add_op("RELU", [mid], [out])
    mb.mark_output(out)
    model = mb.build()
    values = [np.array([[4], [0], [4], [2]], np.int32), rand((4, 3), seed=5)]
    assert_outputs_match(run_model(jitlite_interpreter(), model, values),
                         run_model(litert_interpreter(), model, values))
    with pytest.raises(RuntimeError, match="SCATTER_ND: index out of range"):
        run_model(jitlite_interpreter(), model, [np.array([[5], [0], [0], [0]], np.int32),
                                                 values[1]])


def test_empty_update_batch():
    check_op(OP, [np.zeros((0, 1), np.int32), ((0, 3), F32), np.array([4, 3], np.int32)],
             output_dtype=F32)


@pytest.mark.parametrize("bad", [[0, 3], [4, 0], [-1, 1], [1, -1]])
def test_runtime_out_of_range_index_fails_invoke_like_litert(bad):
    model = build_op_model(OP, [((2, 2), I32), ((2,), F32), np.array([4, 3], np.int32)],
                           output_shapes=[[4, 3]], output_dtypes=F32)
    upd = np.array([1.5, 2.5], np.float32)
    wrong = np.array([[1, 1], bad], np.int32)
    good = np.array([[3, 2], [0, 1]], np.int32)
    check_invoke_fails_like_litert(model, [wrong, upd], [good, upd],
                                   "SCATTER_ND: index out of range")


@pytest.mark.parametrize("inputs, match, error", [
    ([np.array([[0, 3]], np.int32), ((1,), F32), np.array([4, 3], np.int32)],
     r"indices\[1\] = 3 is out of range", RuntimeError),
    ([np.array([[0]], np.int32), ((2, 3), F32), np.array([4, 3], np.int32)],
     "shapes do not fit", RuntimeError),
    ([np.array([[0]], np.int32), ((1, 2), F32), np.array([4, 3], np.int32)],
     "shapes do not fit", RuntimeError),
    ([np.array([[0]], np.int64), ((1, 3), F32), np.array([4, 3], np.int64)],
     "INT32 for both", RuntimeError),
    ([np.array([[0]], np.int32), ((1, 3), np.int16), np.array([4, 3], np.int32)],
     "TFLite's SCATTER_ND takes", RuntimeError),
])
def test_invalid(inputs, match, error):
    dtype = inputs[1][1] if isinstance(inputs[1], tuple) else F32
    assert_rejected(OP, inputs, match=match, error=error, output_shapes=[[4, 3]],
                    output_dtypes=dtype)


def test_real_model_with_valid_indices():
    # ops/simple_scatter_nd_op.tflite: runtime indices [2, 4] into a [1, 128, 4, 128] output.
    path = MODELS_DIR / "ops" / "simple_scatter_nd_op.tflite"
    if not path.is_file():
        pytest.skip(f"model corpus not available: {path} is missing")
    model = path.read_bytes()
    for indices in ([[0, 5, 1, 7], [0, 127, 3, 127]], [[0, 9, 2, 9], [0, 9, 2, 9]]):
        values = [np.array(indices, np.int32)]
        assert_outputs_match(run_model(jitlite_interpreter(), model, values),
                             run_model(litert_interpreter(), model, values))


def test_runtime_shape_compiles_per_value():
    indices = np.array([[0], [2]], np.int32)
    updates = np.arange(6, dtype=np.float32).reshape(2, 3)
    check_value_inputs(OP, [[indices, updates, np.array(s, np.int32)]
                            for s in ([4, 3], [3, 3], [4, 3])], output_dtypes=F32)
