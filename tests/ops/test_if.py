"""IF: runs the then- or else-branch subgraph on its inputs, compiled into the entry function
as a branch, vs LiteRT."""

import numpy as np
import pytest

from control_flow_cases import F32, I32, check_model, const, op, subgraph
from data_dependent_testing import check_invokes
from jitlite.testing import ModelBuilder, jitlite_interpreter, run_model


def if_model(then_fn, else_fn, specs, out_specs):
    mb = ModelBuilder(description="IF test model")
    cond = mb.add_input("cond", np.bool_, [])
    args = [mb.add_input(f"arg{i}", dtype, shape) for i, (shape, dtype) in enumerate(specs)]
    then_index = subgraph(mb, "then", specs, then_fn)
    else_index = subgraph(mb, "else", specs, else_fn)
    outs = [mb.add_tensor(f"out{i}", dtype, shape) for i, (shape, dtype) in enumerate(out_specs)]
    mb.add_op("IF", [cond] + args, outs,
              dict(then_subgraph_index=then_index, else_subgraph_index=else_index))
    mb.mark_output(*outs)
    return mb.build()


def add_branch(sb, x, y):
    return [op(sb, "ADD", [x, y], [2, 3])]


def mul_branch(sb, x, y):
    return [op(sb, "MUL", [op(sb, "TANH", [x], [2, 3]), y], [2, 3])]


@pytest.mark.parametrize("cond", [True, False])
def test_branches(cond):
    specs = [([2, 3], F32), ([2, 3], F32)]
    model = if_model(add_branch, mul_branch, specs, [([2, 3], F32)])
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, (2, 3)).astype(F32), rng.uniform(-1, 1, (2, 3)).astype(F32)
    (out,) = check_model(model, [np.array(cond), x, y])
    np.testing.assert_allclose(out, x + y if cond else np.tanh(x) * y, rtol=1e-5, atol=1e-6)


def test_branch_that_passes_an_input_through():
    specs = [([4], I32)]
    model = if_model(lambda sb, x: [x], lambda sb, x: [op(sb, "NEG", [x], [4], I32)], specs, specs)
    x = np.array([1, -2, 3, 4], I32)
    for cond in (True, False):
        check_model(model, [np.array(cond), x])


def test_branches_of_different_shapes_run_from_the_host():
    """The output's shape is the branch taken's (the node runs between compiled segments)."""
    specs = [([2], F32)]
    model = if_model(lambda sb, x: [x],
                     lambda sb, x: [op(sb, "CONCATENATION", [x, x], [4], options=dict(axis=0))],
                     specs, [([2], F32)])
    x = np.array([1.5, -2.0], F32)
    check_invokes(model, [[np.array(c), x] for c in (True, False, False, True)])


def test_branches_of_different_dtypes_are_refused():
    specs = [([2], F32)]
    model = if_model(lambda sb, x: [x], lambda sb, x: [op(sb, "CAST", [x], [2], I32)],
                     specs, [([2], F32)])
    with pytest.raises(RuntimeError, match=r"IF output 0: .* gives FLOAT32 \[2\], .* gives "
                                           r"INT32 \[2\]; the branches must agree on dtypes"):
        run_model(jitlite_interpreter(), model, [np.array(True), np.zeros(2, F32)])


def test_condition_must_be_bool():
    mb = ModelBuilder()
    cond = mb.add_input("cond", I32, [])
    x = mb.add_input("x", F32, [2])
    branch = subgraph(mb, "branch", [([2], F32)], lambda sb, v: [v])
    out = mb.add_tensor("out", F32, [2])
    mb.add_op("IF", [cond, x], [out], dict(then_subgraph_index=branch, else_subgraph_index=branch))
    mb.mark_output(out)
    with pytest.raises(RuntimeError, match="input 0 has type INT32"):
        run_model(jitlite_interpreter(), mb.build(), [np.array(1, I32), np.zeros(2, F32)])


def test_if_inside_a_loop_body():
    """for i in range(4): x = x + 1 if i < 2 else x * 2, the branch taken per iteration."""
    from control_flow_cases import add_while, less_than
    mb = ModelBuilder(description="IF in a WHILE body")
    specs = [([], I32), ([3], F32)]
    inputs = [mb.add_input("i", I32, []), mb.add_input("x", F32, [3])]
    then_index = subgraph(mb, "then", [([3], F32)],
                          lambda sb, x: [op(sb, "ADD", [x, const(sb, 1.0, F32)], [3])])
    else_index = subgraph(mb, "else", [([3], F32)],
                          lambda sb, x: [op(sb, "MUL", [x, const(sb, 2.0, F32)], [3])])

    def body(sb, i, x):
        flag = op(sb, "LESS", [i, const(sb, 2, I32)], [], np.bool_)
        y = sb.add_tensor("y", F32, [3])
        sb.add_op("IF", [flag, x], [y],
                  dict(then_subgraph_index=then_index, else_subgraph_index=else_index))
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), y]

    mb.mark_output(*add_while(mb, mb, inputs, specs, less_than(4), body))
    x = np.array([0.5, -1.0, 2.0], F32)
    i, y = check_model(mb.build(), [np.array(0, I32), x])
    np.testing.assert_allclose(y, (x + 2) * 4)
