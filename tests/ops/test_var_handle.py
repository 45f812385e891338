"""VAR_HANDLE: handles with the same shared_name name one variable, other names other variables,
vs LiteRT over several invokes; a handle used by another op is refused."""

import numpy as np

from resource_variable_cases import F32, assign, check_invokes, handle, read, rejected
from jitlite.testing import ModelBuilder


def test_same_name_shares_a_variable_other_names_do_not():
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [2])
    y = mb.add_input("y", F32, [2])
    a1, a2, b = handle(mb, "a1", "a"), handle(mb, "a2", "a"), handle(mb, "b", "b")
    assign(mb, a1, x)
    assign(mb, b, y)
    sum_out = mb.add_tensor("sum", F32, [2])
    mb.add_op("ADD", [read(mb, a2, F32, [2], "ra"), read(mb, b, F32, [2], "rb")], [sum_out])
    mb.mark_output(sum_out)
    xs = [[np.array([1.0, 2.0], F32), np.array([10.0, -3.0], F32)],
          [np.array([0.5, 0.0], F32), np.array([-1.0, 7.0], F32)]]
    check_invokes(mb.build(), xs)


def test_handle_as_model_output_is_refused():
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [2])
    h = handle(mb, "v", "v")
    assign(mb, h, x)
    mb.mark_output(h)
    rejected(mb.build(), match="resource handle is a model output")


def test_variable_inside_a_branch_subgraph_is_refused():
    mb = ModelBuilder()
    flag = mb.add_input("flag", np.bool_, [])
    x = mb.add_input("x", F32, [2])
    branches = []
    for name in ("then", "else"):
        sb = ModelBuilder(name=name)
        v = sb.add_input(f"{name}_x", F32, [2])
        h = handle(sb, name, "v")
        assign(sb, h, v)
        sb.mark_output(read(sb, h, F32, [2]))
        branches.append(mb.add_subgraph(sb))
    out = mb.add_tensor("out", F32, [2])
    mb.add_op("IF", [flag, x], [out],
              dict(then_subgraph_index=branches[0], else_subgraph_index=branches[1]))
    mb.mark_output(out)
    rejected(mb.build(), match="resource variables are supported in the main subgraph only")
