"""WHERE against LiteRT: every input dtype LiteRT takes, ranks 1..5 (LiteRT refuses rank 0), no and all elements true,
a condition computed inside the graph, WHERE feeding CAST/SUM and GATHER_ND with a different
count on consecutive invokes of one interpreter (compiled once per count, then cached), output
details before and after invoke, and the rejected cases."""

import numpy as np
import pytest

from data_dependent_testing import check_invokes
from jitlite.testing import ModelBuilder, build_op_model, jitlite_interpreter, litert_interpreter
from op_testing import F32, I32, I64, assert_rejected

OP = "WHERE"
DTYPES = [np.bool_, F32, I32, I64, np.int8, np.uint8]


def where_model(shape, dtype):
    rank = len(shape)
    return build_op_model(OP, [(shape, dtype)], output_dtypes=I64, output_shapes=[[-1, rank]])


def condition(shape, dtype, seed=0, p_true=0.5):
    rng = np.random.default_rng(seed)
    mask = rng.random(shape) < p_true
    values = rng.integers(1, 5, shape) * np.where(rng.random(shape) < 0.5, -1, 1)
    if dtype == np.bool_:
        return np.asarray(mask)
    if dtype == np.uint8:
        values = np.abs(values)
    return np.asarray(np.where(mask, values, 0)).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_dtypes(dtype):
    shape = (3, 4)
    sets = [[condition(shape, dtype, seed)] for seed in range(3)]
    check_invokes(where_model(shape, dtype), sets)


@pytest.mark.parametrize("shape", [(5,), (2, 3), (2, 1, 3), (2, 2, 1, 3), (1, 2, 3, 1, 2)],
                         ids=str)
def test_ranks(shape):
    sets = [[condition(shape, np.bool_, seed)] for seed in range(3)]
    sets += [[np.ones(shape, bool)], [np.zeros(shape, bool)]]
    check_invokes(where_model(shape, np.bool_), sets)


def test_float_special_values():
    x = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1e-45, -1.0], F32)
    check_invokes(where_model(x.shape, F32), [[x]])


def test_empty_input_and_none_true():
    check_invokes(where_model((0, 3), np.bool_), [[np.zeros((0, 3), bool)]])
    check_invokes(where_model((2, 3), F32), [[np.zeros((2, 3), F32)], [np.ones((2, 3), F32)]])


def test_same_count_does_not_recompile():
    shape = (4, 5)
    a, b = condition(shape, np.bool_, 1), condition(shape, np.bool_, 2)
    assert a.sum() != b.sum()
    c = np.zeros(shape, bool)
    c.flat[: a.sum()] = True  # the count of `a`, other positions
    counts = check_invokes(where_model(shape, np.bool_), [[a], [a], [c], [b], [a], [b]])
    # WHERE's segment, then the (empty) rest per count: nothing is left to compile after WHERE
    # here, so every count reuses the first compile.
    assert counts == [counts[0]] * 6


def _where_cast_sum_model(n):
    """x float [n] -> GREATER(x, 0) -> WHERE -> CAST int32 -> SUM over rows, and WHERE's
    coordinates as a second output."""
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [n])
    zero = mb.add_constant("zero", np.zeros((1,), F32))
    cond = mb.add_tensor("cond", np.bool_, [n])
    coords = mb.add_tensor("coords", I64, [-1, 1])
    coords32 = mb.add_tensor("coords32", I32, [-1, 1])
    axis = mb.add_constant("axis", np.array([0], I32))
    total = mb.add_tensor("total", I32, [1])
    mb.add_op("GREATER", [x, zero], [cond])
    mb.add_op("WHERE", [cond], [coords])
    mb.add_op("CAST", [coords], [coords32], dict(in_data_type=I64, out_data_type=I32))
    mb.add_op("SUM", [coords32, axis], [total])
    mb.mark_output(total, coords)
    return mb.build()


def test_where_cast_sum_with_changing_counts():
    n = 12
    rng = np.random.default_rng(5)
    sets = [[rng.uniform(-1, 1, n).astype(F32)] for _ in range(3)]
    first = sets[0]
    sets += [first, [np.full(n, -1, F32)], [np.ones(n, F32)], first]
    counts = check_invokes(_where_cast_sum_model(n), sets)
    distinct = len({int((s[0] > 0).sum()) for s in sets})
    # One compile for the segment up to WHERE, one per distinct count for the rest.
    assert counts[-1] == counts[0] + distinct - 1
    assert counts[3] == counts[2]  # a count seen before comes from the cache


def _where_gather_nd_model(shape):
    """The values of x above 0.5 picked by WHERE's coordinates through GATHER_ND, then * 2."""
    mb = ModelBuilder()
    x = mb.add_input("x", F32, list(shape))
    half = mb.add_constant("half", np.array(0.5, F32))
    cond = mb.add_tensor("cond", np.bool_, list(shape))
    coords = mb.add_tensor("coords", I64, [-1, len(shape)])
    picked = mb.add_tensor("picked", F32, [-1])
    two = mb.add_constant("two", np.array(2.0, F32))
    doubled = mb.add_tensor("doubled", F32, [-1])
    mb.add_op("GREATER", [x, half], [cond])
    mb.add_op("WHERE", [cond], [coords])
    mb.add_op("GATHER_ND", [x, coords], [picked])
    mb.add_op("MUL", [picked, two], [doubled])
    mb.mark_output(doubled)
    return mb.build()


def test_where_gather_nd_with_changing_counts():
    shape = (3, 4)
    rng = np.random.default_rng(7)
    sets = [[rng.uniform(0, 1, shape).astype(F32)] for _ in range(4)]
    sets.append([np.zeros(shape, F32)])
    sets.append(sets[1])
    counts = check_invokes(_where_gather_nd_model(shape), sets)
    distinct = len({int((s[0] > 0.5).sum()) for s in sets})
    assert counts[-1] == counts[0] + distinct - 1


def test_tensor_data_before_invoke_names_the_reason():
    interp = jitlite_interpreter()(model_content=_where_gather_nd_model((2, 2)))
    interp.allocate_tensors()
    out = interp.get_output_details()[0]
    assert out["shape"].tolist() == [1]  # the model's shape, as LiteRT shows it
    with pytest.raises(ValueError, match="depends on the values node 1 WHERE"):
        interp.get_tensor(out["index"])


def test_profiled_kernels_cover_every_segment():
    interp = jitlite_interpreter()(model_content=_where_gather_nd_model((2, 3)))
    interp.allocate_tensors()
    interp.experimental_profile_kernels()
    interp.set_tensor(interp.get_input_details()[0]["index"], np.ones((2, 3), F32))
    interp.invoke()
    kernels = interp.get_jit_details()["kernels"]
    assert any("where" in k["symbol"] for k in kernels)
    assert any("gather_nd" in k["symbol"] for k in kernels)
    assert all(k["invocations"] == 1 for k in kernels)


def test_rejected():
    assert_rejected(OP, [((2, 3), np.int16)], match="INT16", output_dtypes=I64,
                    litert_rejects=True)
    assert_rejected(OP, [((2, 3), np.bool_)], match="declared FLOAT32", output_dtypes=F32)
    assert_rejected(OP, [((), np.bool_)], match="rank 0", output_dtypes=I64, litert_rejects=True)


def test_graph_with_variables_is_refused_clearly():
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [4])
    state = mb.add_tensor("state", F32, [4], is_variable=True)
    total = mb.add_tensor("sum", F32, [4])
    coords = mb.add_tensor("coords", I64, [-1, 1])
    mb.add_op("ADD", [x, state], [total])
    mb.add_op("WHERE", [total], [coords])
    mb.mark_output(coords)
    interp = jitlite_interpreter()(model_content=mb.build())
    with pytest.raises(RuntimeError, match="node 1 WHERE: its output size depends on data"):
        interp.allocate_tensors()


def _where_tile_model(n):
    """TILE's multiples are WHERE's coordinates: compile-time values computed from `cond`."""
    mb = ModelBuilder()
    cond = mb.add_input("cond", np.bool_, [n])
    x = mb.add_input("x", F32, [3])
    coords = mb.add_tensor("coords", I64, [-1, 1])
    flat = mb.add_tensor("flat", I64, [1])
    tiled = mb.add_tensor("tiled", F32, [-1])
    mb.add_op("WHERE", [cond], [coords])
    mb.add_op("RESHAPE", [coords], [flat], dict(new_shape=[1]))
    mb.add_op("TILE", [x, flat], [tiled])
    mb.mark_output(tiled)
    return mb.build()


def test_compile_time_values_after_where_pin_small_inputs():
    """The segment after WHERE needs values, not only shapes: a small `cond` input is then
    compiled in per value (the existing value-dependent path), so WHERE folds."""
    x = np.array([1.0, 2.0, 3.0], F32)
    sets = [[np.array(m, bool), x] for m in
            ([0, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1])]
    counts = check_invokes(_where_tile_model(4), sets)
    assert counts[3] == counts[2]  # a value set seen before comes from the cache


def test_compile_time_values_after_where_fail_the_invoke_clearly():
    """Too large an input behind those values: the invoke fails naming the node, never garbage."""
    interp = jitlite_interpreter()(model_content=_where_tile_model(100))
    interp.allocate_tensors()
    cond = np.zeros(100, bool)
    cond[7] = True
    interp.set_tensor(interp.get_input_details()[0]["index"], cond)
    interp.set_tensor(interp.get_input_details()[1]["index"], np.ones(3, F32))
    with pytest.raises(RuntimeError, match="after node 0 WHERE.*node 2 TILE.*multiples"):
        interp.invoke()


@pytest.mark.parametrize("options", [dict(num_threads=2),
                                     dict(experimental_preserve_all_tensors=True)],
                         ids=["threads", "preserve_all_tensors"])
def test_segments_with_threads_and_preserved_tensors(options):
    shape = (6, 8)
    rng = np.random.default_rng(11)
    sets = [[rng.uniform(0, 1, shape).astype(F32)] for _ in range(3)]
    check_invokes(_where_gather_nd_model(shape), sets, **options)


def test_resized_input_compiles_its_own_segments():
    model = build_op_model(OP, [((-1, 3), np.bool_)], output_dtypes=I64,
                           output_shapes=[[-1, 2]])
    ref = litert_interpreter()(model_content=model)
    jit = jitlite_interpreter()(model_content=model)
    for rows, seed in [(2, 0), (5, 1), (2, 2), (5, 1)]:
        x = condition((rows, 3), np.bool_, seed)
        outputs = []
        for interp in (ref, jit):
            interp.resize_tensor_input(interp.get_input_details()[0]["index"], [rows, 3])
            interp.allocate_tensors()
            interp.set_tensor(interp.get_input_details()[0]["index"], x)
            interp.invoke()
            outputs.append(interp.get_tensor(interp.get_output_details()[0]["index"]))
        np.testing.assert_array_equal(outputs[1], outputs[0])
        assert outputs[1].dtype == outputs[0].dtype


def test_intermediate_where_output_has_its_actual_shape():
    model = _where_gather_nd_model((3, 3))
    x = np.random.default_rng(3).uniform(0, 1, (3, 3)).astype(F32)
    read = []
    for make in (litert_interpreter(), jitlite_interpreter()):
        interp = make(model_content=model, experimental_preserve_all_tensors=True)
        interp.allocate_tensors()
        interp.set_tensor(interp.get_input_details()[0]["index"], x)
        interp.invoke()
        coords = next(d for d in interp.get_tensor_details() if d["name"] == "coords")
        read.append((coords["shape"].tolist(), interp.get_tensor(coords["index"])))
    assert read[1][0] == read[0][0] == [int((x > 0.5).sum()), 2]
    np.testing.assert_array_equal(read[1][1], read[0][1])


def test_constant_condition_is_folded_without_segments():
    """A constant condition: LiteRT sizes the output at allocate (details show it before
    invoke); jitlite folds WHERE, so GATHER_ND after it compiles with the rest, once."""
    mask = np.array([[True, False, True], [False, True, True]])
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [2, 3])
    cond = mb.add_constant("cond", mask)
    coords = mb.add_tensor("coords", I64, [-1, 2])
    picked = mb.add_tensor("picked", F32, [-1])
    mb.add_op("WHERE", [cond], [coords])
    mb.add_op("GATHER_ND", [x, coords], [picked])
    mb.mark_output(picked, coords)
    rng = np.random.default_rng(4)
    counts = check_invokes(mb.build(), [[rng.uniform(-1, 1, (2, 3)).astype(F32)] for _ in range(2)])
    assert counts == [1, 1]


def test_shape_of_where_output_feeds_fill():
    """SHAPE of WHERE's output is a constant in the segment after WHERE (compiled per count), so
    FILL, which needs its dims at compile time, sizes itself from the count."""
    mb = ModelBuilder()
    cond = mb.add_input("cond", np.bool_, [7])
    coords = mb.add_tensor("coords", I64, [-1, 1])
    dims = mb.add_tensor("dims", I32, [2])
    value = mb.add_constant("value", np.array(2.5, F32))
    filled = mb.add_tensor("filled", F32, [-1, 1])
    mb.add_op("WHERE", [cond], [coords])
    mb.add_op("SHAPE", [coords], [dims], dict(out_type=I32))
    mb.add_op("FILL", [dims, value], [filled])
    mb.mark_output(filled)
    sets = [[condition((7,), np.bool_, seed)] for seed in range(4)] + [[np.ones(7, bool)]]
    check_invokes(mb.build(), sets)
