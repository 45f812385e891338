"""BROADCAST_ARGS against LiteRT: int32/int64 shape vectors of equal and different lengths, 1s
stretching on either side, zeros, empty vectors; constant inputs (folded at allocate time) and
graph inputs (compiled per value, with cache hits when values repeat); feeding BROADCAST_TO; and
the models jitlite must refuse (incompatible shapes, where LiteRT's kernel aborts the process, so
only jitlite is run on them)."""

import numpy as np
import pytest

from jitlite.testing import ModelBuilder, build_op_model, jitlite_interpreter, run_both, run_model
from op_testing import F32, I32, I64, assert_rejected, check_value_inputs

PAIRS = [
    ([2, 3], [2, 3]),
    ([2, 1, 3], [4, 1]),
    ([1], [5, 6, 7]),
    ([5, 1, 7], [1]),
    ([], [3, 4]),
    ([3, 4], []),
    ([], []),
    ([1, 1, 1], [1]),
    ([0, 1], [1, 5]),
    ([1, 2, 1, 4, 1, 6, 1, 8], [1, 3, 4, 5, 6, 7, 1]),
]


def pair_id(pair):
    return "_".join("x".join(map(str, s)) or "empty" for s in pair)


@pytest.mark.parametrize("dtype", [I32, I64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_constant_shapes(pair, dtype):
    s0, s1 = (np.array(s, dtype) for s in pair)
    model = build_op_model("BROADCAST_ARGS", [], constants=[s0, s1],
                           output_shapes=[[max(len(s0), len(s1))]])
    actual, expected = run_both(model, [])
    np.testing.assert_array_equal(actual[0], expected[0])
    assert actual[0].dtype == dtype
    np.testing.assert_array_equal(actual[0], np.broadcast_shapes(tuple(s0), tuple(s1)))


@pytest.mark.parametrize("dtype", [I32, I64], ids=lambda d: np.dtype(d).name)
def test_runtime_shapes_compile_per_value(dtype):
    value_sets = [[np.array([2, 1, 3], dtype), np.array([4, 1], dtype)],
                  [np.array([1, 5, 3], dtype), np.array([5, 1], dtype)],
                  [np.array([2, 1, 3], dtype), np.array([4, 1], dtype)]]
    details = check_value_inputs("BROADCAST_ARGS", value_sets, output_shapes=[[3]])
    assert details["compilations"] == 2 and details["cache_hits"] >= 1


def test_feeds_broadcast_to():
    # x [3, 1] broadcast to BROADCAST_ARGS(shape of x, [2, 1, 4]) = [2, 3, 4].
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [3, 1])
    s0 = mb.add_constant("s0", np.array([3, 1], I32))
    s1 = mb.add_constant("s1", np.array([2, 1, 4], I32))
    shape = mb.add_tensor("shape", I32, [3])
    y = mb.add_tensor("y", F32, [2, 3, 4])
    mb.add_op("BROADCAST_ARGS", [s0, s1], [shape])
    mb.add_op("BROADCAST_TO", [x, shape], [y])
    mb.mark_output(y)
    values = [np.arange(3, dtype=F32).reshape(3, 1)]
    actual, expected = run_both(mb.build(), values)
    np.testing.assert_array_equal(actual[0], expected[0])
    np.testing.assert_array_equal(actual[0], np.broadcast_to(values[0], (2, 3, 4)))


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_incompatible_shapes():
    # LiteRT's kernel aborts the process on these (TFLITE_CHECK_EQ): not run there.
    model = build_op_model("BROADCAST_ARGS", [], constants=[np.array([2, 3], I32),
                                                            np.array([4], I32)],
                           output_shapes=[[2]])
    with pytest.raises(RuntimeError, match=r"cannot be broadcast together \(dims 3 and 4\)"):
        run_model(jitlite_interpreter(), model, [])


def test_rejects_mixed_types():
    assert_rejected("BROADCAST_ARGS", [], constants=[np.array([2], I32), np.array([2], I64)],
                    match="must have one type", output_shapes=[[1]], litert_rejects=True)


def test_rejects_float_shapes():
    assert_rejected("BROADCAST_ARGS", [], constants=[np.array([2.0], F32), np.array([2.0], F32)],
                    match="FLOAT32", output_shapes=[[1]], litert_rejects=True)


def test_rejects_non_vector_shapes():
    assert_rejected("BROADCAST_ARGS", [], constants=[np.array([[2]], I32), np.array([2], I32)],
                    match="rank", output_shapes=[[1]], litert_rejects=True)
