"""Resource variables used inside WHILE/IF subgraphs, in the converter's form: the main graph's
VAR_HANDLE is passed to the node (a RESOURCE loop variable / branch input) and the subgraph reads
and assigns it. jitlite passes the variable's value instead and assigns what the subgraph left
back after the node. Each invoke (with reset_all_variables between some) vs LiteRT's reference
kernels."""

import numpy as np
import pytest

from control_flow_cases import I32, add_while, const, op, subgraph
from resource_variable_cases import (F32, RESOURCE, assign, check_invokes, handle, init_subgraph,
                                     read, rejected)
from jitlite.testing import ModelBuilder
from tf_function_models import tf_function_model

HANDLE = ([], RESOURCE)
COUNTER = ([], I32)
V = [3]


def model_with_variable(build, inputs=(("n", I32, []), ("x", F32, V))):
    """Main: CALL_ONCE sets variable 'v' to [1, 2, 3]; build(mb, h, *inputs) adds the control
    flow and returns the outputs; the variable's value after it is an output too."""
    mb = ModelBuilder(description="resource variable in control flow")
    ins = [mb.add_input(name, dtype, shape) for name, dtype, shape in inputs]
    mb.add_op("CALL_ONCE", [], [], dict(init_subgraph_index=init_subgraph(
        mb, {"v": np.array([1.0, 2.0, 3.0], F32)})))
    h = handle(mb, "v", "v")
    outs = build(mb, h, *ins)
    mb.mark_output(*outs, read(mb, h, F32, V, name="v_after"))
    return mb.build()


def loop_cond(sb, i, h, n, x):
    return op(sb, "LESS", [i, n], [], np.bool_)


def decay_body(sb, i, h, n, x):
    """v = v * 0.5 + x (read, compute, assign), the handle passed on."""
    value = read(sb, h, F32, V)
    assign(sb, h, op(sb, "ADD", [op(sb, "MUL", [value, const(sb, 0.5, F32)], V), x], V))
    return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), h, n, x]


def loop_over_variable(body):
    def build(mb, h, n, x):
        specs = [COUNTER, HANDLE, ([], I32), (V, F32)]
        outs = add_while(mb, mb, [const(mb, 0, I32), h, n, x], specs, loop_cond, body)
        return [outs[0]]
    return model_with_variable(build)


def invokes(*counts):
    x = np.array([1.0, -2.0, 0.5], F32)
    return [[np.array(n, I32), x * (k + 1)] for k, n in enumerate(counts)]


def test_loop_body_reads_and_assigns_the_variable():
    check_invokes(loop_over_variable(decay_body), invokes(3, 0, 2, 4), reset_after=(1,))


def test_loop_body_reads_twice_and_assigns_twice():
    def body(sb, i, h, n, x):
        first = read(sb, h, F32, V, name="first")
        assign(sb, h, op(sb, "ADD", [first, x], V))
        second = read(sb, h, F32, V, name="second")
        assign(sb, h, op(sb, "MUL", [second, const(sb, 0.75, F32)], V))
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), h, n, x]
    check_invokes(loop_over_variable(body), invokes(2, 5, 1))


def test_condition_reads_the_variable():
    """Loop while v[0] < 10 (the condition reads the handle)."""
    def cond(sb, i, h, n, x):
        first = op(sb, "SLICE", [read(sb, h, F32, V), const(sb, [0], I32), const(sb, [1], I32)], [1])
        return op(sb, "LESS", [op(sb, "SUM", [first, const(sb, [0], I32)], [], options=dict(
            keep_dims=False)), const(sb, 10.0, F32)], [], np.bool_)

    def body(sb, i, h, n, x):
        assign(sb, h, op(sb, "ADD", [read(sb, h, F32, V), x], V))
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), h, n, x]

    def build(mb, h, n, x):
        outs = add_while(mb, mb, [const(mb, 0, I32), h, n, x],
                         [COUNTER, HANDLE, ([], I32), (V, F32)], cond, body)
        return [outs[0]]
    model = model_with_variable(build)
    x = np.array([1.5, 0.0, 1.0], F32)
    check_invokes(model, [[np.array(0, I32), x], [np.array(0, I32), x * 2]], reset_after=(0,))


def branch_model():
    """IF flag: then v = v + x, output v * 2; else output v - x (no assign)."""
    def build(mb, h, flag, x):
        def then_branch(sb, h, x):
            assign(sb, h, op(sb, "ADD", [read(sb, h, F32, V), x], V))
            return [op(sb, "MUL", [read(sb, h, F32, V, name="again"), const(sb, 2.0, F32)], V)]

        def else_branch(sb, h, x):
            return [op(sb, "SUB", [read(sb, h, F32, V), x], V)]
        specs = [HANDLE, (V, F32)]
        then_index = subgraph(mb, "then", specs, then_branch)
        else_index = subgraph(mb, "else", specs, else_branch)
        out = mb.add_tensor("if_out", F32, V)
        mb.add_op("IF", [flag, h, x], [out],
                  dict(then_subgraph_index=then_index, else_subgraph_index=else_index))
        return [out]
    return model_with_variable(build, inputs=(("flag", np.bool_, []), ("x", F32, V)))


def test_branch_assigns_the_variable_or_only_reads_it():
    x = np.array([0.25, -1.0, 2.0], F32)
    flags = [True, False, True, True, False]
    check_invokes(branch_model(), [[np.array(f), x] for f in flags], reset_after=(2,))


def test_branch_inside_a_loop_body_passes_the_variable_on():
    """The body passes its handle to an IF that assigns when i is even."""
    def build(mb, h, n, x):
        def body(sb, i, h, n, x):
            even = op(sb, "EQUAL", [op(sb, "FLOOR_MOD", [i, const(sb, 2, I32)], [], I32),
                                    const(sb, 0, I32)], [], np.bool_)

            def then_branch(b, h, x):
                assign(b, h, op(b, "ADD", [read(b, h, F32, V), x], V))
                return [op(b, "ADD", [x, x], V)]

            def else_branch(b, h, x):
                return [op(b, "NEG", [read(b, h, F32, V)], V)]
            specs = [HANDLE, (V, F32)]
            t = subgraph(mb, "then", specs, then_branch)
            e = subgraph(mb, "else", specs, else_branch)
            out = sb.add_tensor("if_out", F32, V)
            sb.add_op("IF", [even, h, x], [out], dict(then_subgraph_index=t, else_subgraph_index=e))
            return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), h, n, out]
        outs = add_while(mb, mb, [const(mb, 0, I32), h, n, x],
                         [COUNTER, HANDLE, ([], I32), (V, F32)], loop_cond, body)
        return [outs[0], outs[3]]
    check_invokes(model_with_variable(build), invokes(4, 1, 3), reset_after=(0,))


def test_condition_that_assigns_is_refused():
    def cond(sb, i, h, n, x):
        assign(sb, h, x)
        return op(sb, "LESS", [i, n], [], np.bool_)

    def build(mb, h, n, x):
        outs = add_while(mb, mb, [const(mb, 0, I32), h, n, x],
                         [COUNTER, HANDLE, ([], I32), (V, F32)], cond, decay_body)
        return [outs[0]]
    rejected(model_with_variable(build), match=r"node \d WHILE subgraph \d node 0 ASSIGN_VARIABLE: a "
                                               r"WHILE condition that assigns a resource variable")


def test_assign_of_another_shape_in_a_body_is_refused():
    def body(sb, i, h, n, x):
        assign(sb, h, op(sb, "CONCATENATION", [x, x], [6], options=dict(axis=0)))
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), h, n, x]
    rejected(loop_over_variable(body), match=r"ASSIGN_VARIABLE gives variable '/v' a FLOAT32 \[6\] "
                                             r"value, but it holds FLOAT32 \[3\]")


def test_body_passing_its_handle_to_another_op_is_refused():
    def body(sb, i, h, n, x):
        op(sb, "READ_VARIABLE", [h], V)
        bad = sb.add_tensor("bad", RESOURCE, [])
        sb.add_op("RESHAPE", [h, const(sb, [1], I32)], [bad])
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), h, n, x]
    rejected(loop_over_variable(body), match=r"RESHAPE takes a resource handle; jitlite's resource "
                                             r"handles feed READ_VARIABLE, ASSIGN_VARIABLE, WHILE and IF")


def test_variable_passed_before_any_assign_is_refused():
    mb = ModelBuilder()
    n = mb.add_input("n", I32, [])
    x = mb.add_input("x", F32, V)
    h = handle(mb, "v", "v")
    outs = add_while(mb, mb, [const(mb, 0, I32), h, n, x], [COUNTER, HANDLE, ([], I32), (V, F32)],
                     loop_cond, decay_body)
    mb.mark_output(outs[0], read(mb, h, F32, V))
    rejected(mb.build(), match=r"WHILE passes variable '/v' before anything assigns it")


def test_converted_tf_variable_assigned_in_a_while_loop():
    model = tf_function_model("variable_in_loop")
    x = np.array([1.0, 2.0, -3.0], F32)
    check_invokes(model, [[x * k, np.array(n, I32)] for k, n in ((1, 3), (2, 0), (1, 5))],
                  reset_after=(1,), rtol=1e-6)
