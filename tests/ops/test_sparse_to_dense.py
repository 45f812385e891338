"""SPARSE_TO_DENSE against LiteRT: [N, D] index tuples into outputs of rank 1-4, [N] and scalar
indices, constant and runtime indices (INT32/INT64) and output shapes (INT32/INT64, a graph
input compiles per value), a vector of values or one scalar value, float32/int32/int64 and
int8/uint8 raw copies, repeated indices (the last value wins, as in TFLite), validate_indices,
the output type taken from the values, the fused-epilogue form, empty index lists. Beyond
TFLite (checked against numpy): a scalar value with several indices, outputs of rank 5+, and
out-of-range runtime indices, which TFLite writes out of bounds and jitlite fails the invoke
on; plus the rejected cases."""

import numpy as np
import pytest

from jitlite.testing import (ModelBuilder, assert_outputs_match, build_op_model,
                             jitlite_interpreter, litert_interpreter, run_model)
from op_testing import (F32, I32, I64, REFERENCE_KERNELS, assert_rejected, check_op,
                        check_value_inputs)

OP = "SPARSE_TO_DENSE"


def distinct_tuples(shape, count, dtype=np.int32, seed=0):
    """`count` distinct index tuples into `shape` (rows of an [N, D] indices tensor)."""
    rng = np.random.default_rng(seed)
    flat = rng.choice(int(np.prod(shape)), size=count, replace=False)
    return np.stack(np.unravel_index(flat, shape), axis=-1).astype(dtype)


def dense(indices, shape, values, default):
    """numpy model: default everywhere, then each index in order gets its value."""
    out = np.full(shape, default, dtype=np.asarray(values).dtype)
    indices = np.asarray(indices).reshape(-1, len(shape)) if len(shape) else indices
    values = np.broadcast_to(values, (len(indices),))
    for tup, v in zip(indices, values):
        out[tuple(tup)] = v
    return out


def scalar(value, dtype):
    return np.array(value, dtype=dtype)


@pytest.mark.parametrize("shape", [(6,), (3, 4), (2, 3, 4), (2, 2, 3, 2)])
def test_constant_tuples(shape):
    idx = distinct_tuples(shape, 5)
    check_op(OP, [idx, np.array(shape, np.int32), ((5,), F32), ((), F32)], output_dtype=F32)


@pytest.mark.parametrize("index_dtype, shape_dtype", [(I32, I32), (I64, I64), (I32, I64)])
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 4)])
def test_runtime_tuples(shape, index_dtype, shape_dtype):
    for seed in range(3):
        values = [distinct_tuples(shape, 4, index_dtype, seed),
                  np.random.default_rng(seed).uniform(-2, 2, 4).astype(F32), scalar(0.5, F32)]
        model = build_op_model(OP, [((4, len(shape)), index_dtype),
                                    np.array(shape, shape_dtype), ((4,), F32), ((), F32)],
                               output_dtypes=F32, output_shapes=[list(shape)])
        assert_outputs_match(run_model(jitlite_interpreter(), model, values),
                             run_model(litert_interpreter(), model, values))


def test_vector_indices_into_vector():
    check_op(OP, [np.array([4, 0, 2], np.int64), np.array([6], np.int64), ((3,), F32),
                  ((), F32)], output_dtype=F32)


def test_repeated_index_keeps_the_last_value():
    idx = np.array([[1, 1], [0, 2], [1, 1], [1, 1]], np.int32)
    check_op(OP, [idx, np.array([2, 3], np.int32), ((4,), F32), ((), F32)], output_dtype=F32)
    check_op(OP, [((4, 2), I32), np.array([2, 3], np.int32), ((4,), I32), ((), I32)],
             output_dtype=I32, input_range=[(0, 1), (-9, 9), (-9, 9)])


def test_scalar_value_with_one_index():
    check_op(OP, [np.array([[2, 1]], np.int32), np.array([3, 3], np.int32), ((), F32),
                  ((), F32)], output_dtype=F32)


@pytest.mark.parametrize("validate", [False, True])
def test_validate_indices(validate):
    # TFLite ignores the option (no sortedness or uniqueness check); so does jitlite.
    idx = np.array([[2, 0], [0, 1], [2, 0]], np.int32)
    check_op(OP, [idx, np.array([3, 2], np.int32), ((3,), F32), ((), F32)],
             options=dict(validate_indices=validate), output_dtype=F32)


@pytest.mark.parametrize("dtype", [F32, I32, I64])
def test_dtypes(dtype):
    check_op(OP, [distinct_tuples((3, 4), 6), np.array([3, 4], np.int32), ((6,), dtype),
                  ((), dtype)], output_dtype=dtype, reference=REFERENCE_KERNELS)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_quantized_raw_copy(dtype):
    q = dict(scale=0.5, zero_point=3)
    check_op(OP, [distinct_tuples((3, 4), 5), np.array([3, 4], np.int32), ((5,), dtype, q),
                  ((), dtype, q)], output_dtype=dtype, output_quant=q, reference=REFERENCE_KERNELS)


def test_output_takes_the_values_type():
    # The model declares the output INT32 (the indices' type); TFLite retypes it to FLOAT32.
    check_op(OP, [distinct_tuples((3, 4), 3), np.array([3, 4], np.int32), ((3,), F32),
                  ((), F32)])


def test_output_shape_as_graph_input_compiles_per_value():
    sets = [[np.array([[0, 1], [2, 0]], np.int32), np.array(s, np.int32),
             np.array([1.5, -2.0], F32), scalar(0.25, F32)] for s in ([3, 2], [4, 5], [3, 2])]
    check_value_inputs(OP, sets, output_dtypes=F32)


def test_fused_epilogue_form():
    # SPARSE_TO_DENSE -> RELU: every element is computed once (no fill-then-overwrite).
    mb = ModelBuilder()
    idx = mb.add_input("idx", np.int32, [4, 2])
    vals = mb.add_input("vals", np.float32, [4])
    shape = mb.add_constant("shape", np.array([3, 3], np.int32))
    default = mb.add_constant("default", np.array(-0.5, np.float32))
    mid = mb.add_tensor("mid", np.float32, [3, 3])
    out = mb.add_tensor("out", np.float32, [3, 3])
    mb.add_op(OP, [idx, shape, vals, default], [mid])
    mb.add_op("RELU", [mid], [out])
    mb.mark_output(out)
    model = mb.build()
    values = [np.array([[0, 0], [2, 1], [0, 0], [1, 2]], np.int32),
              np.array([3.0, 1.0, 2.0, -1.0], np.float32)]
    assert_outputs_match(run_model(jitlite_interpreter(), model, values),
                         run_model(litert_interpreter(), model, values))
    with pytest.raises(RuntimeError, match="SPARSE_TO_DENSE: index out of range"):
        run_model(jitlite_interpreter(), model, [np.array([[0, 0], [3, 1], [0, 0], [1, 2]],
                                                          np.int32), values[1]])


def test_empty_index_list():
    check_op(OP, [np.zeros((0, 2), np.int32), np.array([2, 3], np.int32), ((0,), F32),
                  ((), F32)], output_dtype=F32)


def test_beyond_tflite_scalar_value_several_indices():
    idx = np.array([[0, 1], [2, 2], [1, 0]], np.int32)
    model = build_op_model(OP, [idx, np.array([3, 3], np.int32), ((), F32), ((), F32)],
                           output_dtypes=F32, output_shapes=[[3, 3]])
    got = run_model(jitlite_interpreter(), model, [scalar(7.0, F32), scalar(1.0, F32)])[0]
    np.testing.assert_array_equal(got, dense(idx, (3, 3), scalar(7.0, F32), 1.0))


def test_beyond_tflite_rank_5_output_and_scalar_index():
    shape = (2, 1, 2, 3, 2)
    idx = distinct_tuples(shape, 4)
    vals = np.arange(4, dtype=np.int32) + 1
    model = build_op_model(OP, [idx, np.array(shape, np.int32), ((4,), I32), ((), I32)],
                           output_dtypes=I32, output_shapes=[list(shape)])
    got = run_model(jitlite_interpreter(), model, [vals, scalar(-1, I32)])[0]
    np.testing.assert_array_equal(got, dense(idx, shape, vals, -1))
    model = build_op_model(OP, [np.array(3, np.int32), np.array([5], np.int32), ((), I32),
                                ((), I32)], output_dtypes=I32, output_shapes=[[5]])
    got = run_model(jitlite_interpreter(), model, [scalar(9, I32), scalar(0, I32)])[0]
    np.testing.assert_array_equal(got, [0, 0, 0, 9, 0])


@pytest.mark.parametrize("bad", [[0, 3], [3, 0], [-1, 1], [1, -1], [0, 1000]])
def test_runtime_out_of_range_index_fails_invoke(bad):
    # TFLite writes such an index out of bounds (no check, no reference): jitlite fails the
    # invoke and the next good invoke works.
    model = build_op_model(OP, [((2, 2), I32), np.array([3, 3], np.int32), ((2,), F32),
                                ((), F32)], output_dtypes=F32, output_shapes=[[3, 3]])
    interp = jitlite_interpreter()(model_content=model)
    interp.allocate_tensors()
    details = interp.get_input_details()
    vals = np.array([1.0, 2.0], F32)
    for d, v in zip(details, [np.array([[1, 1], bad], np.int32), vals, scalar(0.0, F32)]):
        interp.set_tensor(d["index"], v)
    with pytest.raises(RuntimeError, match=r"SPARSE_TO_DENSE: index out of range for output "
                                           r"shape \[3, 3\]"):
        interp.invoke()
    good = np.array([[1, 1], [2, 0]], np.int32)
    interp.set_tensor(details[0]["index"], good)
    interp.invoke()
    got = interp.get_tensor(interp.get_output_details()[0]["index"])
    np.testing.assert_array_equal(got, dense(good, (3, 3), vals, 0.0))


@pytest.mark.parametrize("inputs, match, litert_rejects", [
    ([np.array([[0, 3]], np.int32), np.array([3, 3], np.int32), ((1,), F32), ((), F32)],
     r"indices\[1\] = 3 is out of range", False),
    ([np.array([[0, 1, 1]], np.int32), np.array([3, 3], np.int32), ((1,), F32), ((), F32)],
     "3 components per position but the output", True),
    ([np.array([1], np.int32), np.array([3, 3], np.int32), ((1,), F32), ((), F32)],
     "1 components per position", True),
    ([np.zeros((1, 1, 1), np.int32), np.array([3], np.int32), ((1,), F32), ((), F32)],
     "indices of rank <= 2", True),
    ([np.array([[0, 1]], np.int32), np.array([3, 3], np.int32), ((1, 1), F32), ((), F32)],
     "values of rank <= 1", True),
    ([np.array([[0, 1]], np.int32), np.array([3, 3], np.int32), ((1,), F32), ((2,), F32)],
     "one default value", True),
    ([np.array([[0, 1], [1, 1]], np.int32), np.array([3, 3], np.int32), ((3,), F32), ((), F32)],
     r"one value per index \(2\)", False),
    ([np.array([[0, 1]], np.int32), np.array([3, 3], np.int32), ((1,), F32), ((), I32)],
     "default_value .* must have the values' type", True),
    ([np.array([[0, 1]], np.int32), np.array([3, 3], np.int32), ((1,), np.int16), ((),
                                                                                  np.int16)],
     "takes FLOAT32, INT32, INT64, INT8, UINT8", True),
    ([np.array([[0, 1]], np.int16), np.array([3, 3], np.int32), ((1,), F32), ((), F32)],
     "INT32 or INT64", True),
    ([np.array([[0, 1]], np.int32), np.array([[3, 3]], np.int32), ((1,), F32), ((), F32)],
     "expected a vector", True),
    ([np.array([[0, 1]], np.int32), np.array([3, -1], np.int32), ((1,), F32), ((), F32)],
     "bad size -1", False),
])
def test_invalid(inputs, match, litert_rejects):
    assert_rejected(OP, inputs, match=match, output_shapes=[[1]], output_dtypes=inputs[2][1],
                    litert_rejects=litert_rejects)
