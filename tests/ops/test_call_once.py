"""CALL_ONCE: its init subgraph runs on the first invoke only; reset_all_variables keeps resource
variables and does not rerun it (as LiteRT). Init subgraphs may compute the values they assign
(jitlite compiles and runs them once, at the first allocate_tensors)."""

import numpy as np

from op_testing import check_model_file
from resource_variable_cases import (F32, accumulator_model, assign, check_invokes, handle,
                                     init_subgraph, read, rejected)
from jitlite.testing import ModelBuilder, jitlite_interpreter
from tf_function_models import tf_function_model

I32 = np.int32


def inputs(n, shape=(2, 3), dtype=F32):
    return [[np.random.RandomState(i).uniform(-2, 2, shape).astype(dtype)] for i in range(n)]


def test_init_runs_once_and_reset_keeps_variables():
    model = accumulator_model(initial=np.arange(6, dtype=F32).reshape(2, 3))
    check_invokes(model, inputs(5), reset_after=(0, 2))


def op(sb, name, ins, shape, dtype=F32, options=None):
    out = sb.add_tensor(f"{name.lower()}{len(sb.tensors)}", dtype, shape)
    sb.add_op(name, ins, [out], options)
    return out


def computing_init(build):
    """A model whose CALL_ONCE init subgraph is build(sb) (it assigns variables "a" and, when it
    wants, "b"); main: out = a * x + b... as far as the variables exist; a += x after the read."""
    mb = ModelBuilder(description="CALL_ONCE init that computes")
    x = mb.add_input("x", F32, [2, 3])
    sb = ModelBuilder(name="init")
    build(sb)
    mb.add_op("CALL_ONCE", [], [], dict(init_subgraph_index=mb.add_subgraph(sb)))
    h = handle(mb, "a", "a")
    old = read(mb, h, F32, [2, 3])
    out = op(mb, "MUL", [old, x], [2, 3])
    assign(mb, h, op(mb, "ADD", [old, x], [2, 3]))
    mb.mark_output(out)
    return mb.build()


def consts(sb, *values):
    return [sb.add_constant(f"c{len(sb.tensors)}", np.asarray(v, F32)) for v in values]


def test_init_assigns_the_sum_of_two_constants():
    def build(sb):
        c1, c2 = consts(sb, np.arange(6).reshape(2, 3), np.full((2, 3), 0.5))
        assign(sb, handle(sb, "a", "a"), op(sb, "ADD", [c1, c2], [2, 3]))
    check_invokes(computing_init(build), inputs(4), reset_after=(1,))


def test_init_computes_a_chain():
    """NEG, MUL, TANH, a FULLY_CONNECTED: kernels the init program runs once."""
    rng = np.random.RandomState(3)
    def build(sb):
        c, w = consts(sb, rng.uniform(-1, 1, (2, 4)), rng.uniform(-1, 1, (3, 4)))
        fc = op(sb, "FULLY_CONNECTED", [c, w, -1], [2, 3])
        y = op(sb, "TANH", [op(sb, "MUL", [op(sb, "NEG", [fc], [2, 3]), fc], [2, 3])], [2, 3])
        assign(sb, handle(sb, "a", "a"), y)
    check_invokes(computing_init(build), inputs(3), reset_after=(0,), rtol=1e-5)


def test_init_reads_what_it_assigned_and_the_last_assign_wins():
    def build(sb):
        h = handle(sb, "a", "a")
        (c,) = consts(sb, np.arange(6).reshape(2, 3) - 2.5)
        assign(sb, h, c)
        first = read(sb, h, F32, [2, 3], name="first")
        assign(sb, h, op(sb, "ADD", [first, first], [2, 3]))
        second = read(sb, h, F32, [2, 3], name="second")
        assign(sb, h, op(sb, "ABS", [op(sb, "MUL", [second, first], [2, 3])], [2, 3]))
    check_invokes(computing_init(build), inputs(3), reset_after=(1,))


def test_constant_assign_after_a_computed_one_wins():
    def build(sb):
        h = handle(sb, "a", "a")
        c1, c2 = consts(sb, np.ones((2, 3)), np.full((2, 3), -3.0))
        assign(sb, h, op(sb, "NEG", [c1], [2, 3]))
        assign(sb, h, c2)
    got = check_invokes(computing_init(build), inputs(1))
    np.testing.assert_array_equal(got[0][0], -3.0 * inputs(1)[0][0])


def test_two_variables_one_computed_one_constant():
    mb = ModelBuilder()
    x = mb.add_input("x", I32, [4])
    sb = ModelBuilder(name="init")
    c = sb.add_constant("c", np.array([1, -2, 3, 7], I32))
    k = sb.add_constant("k", np.array([5, 5, 5, 5], I32))
    assign(sb, handle(sb, "computed", "computed"), op(sb, "MUL", [c, k], [4], I32))
    assign(sb, handle(sb, "plain", "plain"), c)
    mb.add_op("CALL_ONCE", [], [], dict(init_subgraph_index=mb.add_subgraph(sb)))
    outs = []
    for name in ("computed", "plain"):
        h = handle(mb, name, name)
        old = read(mb, h, I32, [4], name=f"{name}_old")
        assign(mb, h, op(mb, "SUB", [old, x], [4], I32))
        outs.append(old)
    mb.mark_output(*outs)
    xs = [[np.array([1, 2, 3, 4], I32)], [np.array([-1, 0, 9, 2], I32)], [np.zeros(4, I32)]]
    check_invokes(mb.build(), xs, reset_after=(0,))


def test_init_program_counts_as_one_compilation_and_runs_once():
    def build(sb):
        c1, c2 = consts(sb, np.ones((2, 3)), np.full((2, 3), 2.0))
        assign(sb, handle(sb, "a", "a"), op(sb, "ADD", [c1, c2], [2, 3]))
    interpreter = jitlite_interpreter()(model_content=computing_init(build))
    interpreter.allocate_tensors()
    assert interpreter.get_jit_details()["compilations"] == 2  # init program + main graph
    x = np.ones((2, 3), F32)
    for expected in (3.0, 4.0, 5.0):
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
        interpreter.invoke()
        np.testing.assert_array_equal(interpreter.get_tensor(
            interpreter.get_output_details()[0]["index"]), np.full((2, 3), expected, F32))
        interpreter.reset_all_variables()


def test_init_reading_a_variable_it_never_assigned_is_refused():
    def build(sb):
        h = handle(sb, "a", "a")
        v = read(sb, h, F32, [2, 3])
        assign(sb, h, op(sb, "NEG", [v], [2, 3]))
    rejected(computing_init(build), match=r"init subgraph 1 node 1 READ_VARIABLE reads variable "
                                          r"'/a' before this init subgraph assigns it")


def test_init_value_of_another_shape_than_declared_is_refused():
    def build(sb):
        (c,) = consts(sb, [[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]])
        where = sb.add_tensor("where", np.int64, [6, 2])
        sb.add_op("WHERE", [op(sb, "NEG", [c], [2, 3])], [where])  # folded: 3 rows
        assign(sb, handle(sb, "a", "a"), op(sb, "NEG", [c], [2, 3]))
        assign(sb, handle(sb, "w", "w"), where)
    rejected(computing_init(build), match=r"CALL_ONCE init subgraph 1 computes INT64 \[3, 2\] for "
                                          r"resource variable /w, which the model declares INT64 "
                                          r"\[6, 2\]")


def test_init_with_a_data_dependent_op_is_refused():
    def build(sb):
        c, w = consts(sb, [[1.0, 0.0]], [[1.0, -1.0], [0.0, 2.0], [0.5, 0.5]])
        where = sb.add_tensor("where", np.int64, [3, 2])
        sb.add_op("WHERE", [op(sb, "FULLY_CONNECTED", [c, w, -1], [1, 3])], [where])
        assign(sb, handle(sb, "w", "w"), op(sb, "NEG", [op(sb, "CAST", [where], [3, 2])], [3, 2]))
        assign(sb, handle(sb, "a", "a"), *consts(sb, np.ones((2, 3))))
    rejected(computing_init(build), match=r"CALL_ONCE init subgraph 1: its WHERE has output sizes "
                                          r"that depend on data")


def test_call_once_mul_model():
    check_model_file("api/call_once_mul.bin")


def test_init_of_a_variable_main_never_uses():
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [2])
    index = init_subgraph(mb, {"used": np.array([3.0, -1.0], F32), "unused": np.ones(4, F32)})
    mb.add_op("CALL_ONCE", [], [], dict(init_subgraph_index=index))
    h = handle(mb, "used", "used")
    old = read(mb, h, F32, [2])
    assign(mb, h, x)
    mb.mark_output(old)
    check_invokes(mb.build(), [[np.array([1.0, 2.0], F32)], [np.array([5.0, 6.0], F32)]],
                  reset_after=(0,))


def test_converted_tf_variable_with_a_computed_initial_value():
    """The converter folds tf.range(6) * 2 + 1 into the constant its CALL_ONCE init assigns."""
    model = tf_function_model("variable_module")
    check_invokes(model, [[np.arange(6, dtype=F32) * k] for k in (1.0, -0.5, 2.0)], reset_after=(1,))
