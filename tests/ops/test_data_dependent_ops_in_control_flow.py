"""WHERE / UNIQUE inside WHILE and IF subgraphs: the subgraph is compiled in segments around the
data-dependent node, so its WHILE/IF runs from the host between the main graph's segments (the
loop iteration by iteration, the branch taken), each subgraph a chain of compiled segments cached
per argument shapes and counts. Outputs and output shapes vs LiteRT over invokes whose counts
change."""

import numpy as np
import pytest

from control_flow_cases import F32, I32, add_while, const, op, subgraph
from data_dependent_testing import check_invokes
from jitlite.testing import ModelBuilder, jitlite_interpreter
from tf_function_models import tf_function_model

I64 = np.int64
COUNTER = ([], I32)
N = 6


def below(sb, i, n, *rest):
    return op(sb, "LESS", [i, n], [], np.bool_)


def count_rows(sb, coords, dtype=F32, rank=2):
    """SHAPE(coords)[0] as a scalar of `dtype` (the converter's form of tf.shape(where)[0])."""
    shape = op(sb, "SHAPE", [coords], [rank], I32, options=dict(out_type=np.int32))
    first = op(sb, "STRIDED_SLICE", [shape, const(sb, [0], I32), const(sb, [1], I32),
                                     const(sb, [1], I32)], [], I32, options=dict(shrink_axis_mask=1))
    return first if dtype == I32 else op(sb, "CAST", [first], [], dtype)


def where_count_loop():
    """acc += count(x > i) for i in 0..n-1."""
    def body(sb, i, n, acc, x):
        above = op(sb, "GREATER", [x, op(sb, "CAST", [i], [], F32)], [N], np.bool_)
        coords = op(sb, "WHERE", [above], [N, 1], I64)
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), n,
                op(sb, "ADD", [acc, count_rows(sb, coords)], []), x]
    mb = ModelBuilder(description="WHERE count in a loop")
    n = mb.add_input("n", I32, [])
    x = mb.add_input("x", F32, [N])
    outs = add_while(mb, mb, [const(mb, 0, I32), n, const(mb, 0.0, F32), x],
                     [COUNTER, ([], I32), ([], F32), ([N], F32)], below, body)
    mb.mark_output(outs[2])
    return mb.build()


X = np.array([0.5, 3.5, 1.2, -1.0, 2.8, 4.1], F32)


def test_where_count_accumulated_in_a_loop():
    compilations = check_invokes(where_count_loop(), [[np.array(k, I32), X * s] for k, s in
                                                      ((3, 1), (5, 1), (3, 1), (0, 1), (4, 0.5))])
    assert compilations[2] == compilations[1]  # the same counts again: cached


def test_loop_gathers_the_rows_where_finds():
    """The body keeps the values above i (GATHER_ND of WHERE's coordinates): the loop variable
    shrinks, so the loop both has a data-dependent op and changes shape."""
    def body(sb, i, n, v):
        above = op(sb, "GREATER", [v, op(sb, "CAST", [i], [], F32)], [N], np.bool_)
        coords = op(sb, "WHERE", [above], [N, 1], I64)
        kept = op(sb, "GATHER_ND", [v, coords], [N])
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), n, kept]
    mb = ModelBuilder(description="shrinking by WHERE")
    n = mb.add_input("n", I32, [])
    x = mb.add_input("x", F32, [N])
    outs = add_while(mb, mb, [const(mb, 0, I32), n, x], [COUNTER, ([], I32), ([N], F32)], below,
                     body)
    total = op(mb, "SUM", [outs[2], const(mb, [0], I32)], [], options=dict(keep_dims=False))
    mb.mark_output(outs[2], total)
    check_invokes(mb.build(), [[np.array(k, I32), X] for k in (2, 4, 0, 6)])


def test_unique_inside_a_loop_body():
    """acc += number of distinct values of floor(x * i)."""
    def body(sb, i, n, acc, x):
        scaled = op(sb, "FLOOR", [op(sb, "MUL", [x, op(sb, "CAST", [i], [], F32)], [N])], [N])
        values = sb.add_tensor("values", F32, [N])
        index = sb.add_tensor("index", I32, [N])
        sb.add_op("UNIQUE", [scaled], [values, index], dict(idx_out_type=np.int32))
        count = count_rows(sb, values, rank=1)
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), n, op(sb, "ADD", [acc, count], []), x]
    mb = ModelBuilder(description="UNIQUE in a loop")
    n = mb.add_input("n", I32, [])
    x = mb.add_input("x", F32, [N])
    outs = add_while(mb, mb, [const(mb, 0, I32), n, const(mb, 0.0, F32), x],
                     [COUNTER, ([], I32), ([], F32), ([N], F32)], below, body)
    mb.mark_output(outs[2])
    check_invokes(mb.build(), [[np.array(k, I32), X] for k in (1, 4, 3)])


def where_branch_model():
    """IF flag: then WHERE(x > 1) coordinates (their count from the data), else x's own
    coordinates 0..N-1 as [N, 1] (a constant); then the rows' sum."""
    mb = ModelBuilder(description="WHERE in an IF branch")
    flag = mb.add_input("flag", np.bool_, [])
    x = mb.add_input("x", F32, [N])
    specs = [([N], F32)]

    def then_branch(sb, v):
        return [op(sb, "WHERE", [op(sb, "GREATER", [v, const(sb, 1.0, F32)], [N], np.bool_)],
                   [N, 1], I64)]

    def else_branch(sb, v):
        return [op(sb, "ADD", [const(sb, np.arange(N).reshape(N, 1), I64),
                               op(sb, "CAST", [op(sb, "SHAPE", [v], [1], I32, options=dict(
                                   out_type=np.int32))], [1], I64)], [N, 1], I64)]
    out = mb.add_tensor("coords", I64, [N, 1])
    mb.add_op("IF", [flag, x], [out], dict(then_subgraph_index=subgraph(mb, "then", specs, then_branch),
                                           else_subgraph_index=subgraph(mb, "else", specs, else_branch)))
    total = op(mb, "SUM", [out, const(mb, [0, 1], I32)], [], I64, options=dict(keep_dims=False))
    mb.mark_output(out, total)
    return mb.build()


def test_where_in_an_if_branch():
    check_invokes(where_branch_model(), [[np.array(f), X * s] for f, s in
                                         ((True, 1), (False, 1), (True, 0.5), (True, 1), (False, 2))])


def test_where_in_a_branch_inside_a_loop_body_is_refused():
    mb = ModelBuilder()

    def body(sb, i, n, x):
        def then_branch(b, v):
            return [op(b, "WHERE", [op(b, "GREATER", [v, const(b, 1.0, F32)], [N], np.bool_)],
                       [N, 1], I64)]
        specs = [([N], F32)]
        t = subgraph(mb, "then", specs, then_branch)
        e = subgraph(mb, "else", specs, then_branch)
        out = sb.add_tensor("coords", I64, [N, 1])
        flag = op(sb, "LESS", [i, const(sb, 1, I32)], [], np.bool_)
        sb.add_op("IF", [flag, x], [out], dict(then_subgraph_index=t, else_subgraph_index=e))
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), n, x]
    n = mb.add_input("n", I32, [])
    x = mb.add_input("x", F32, [N])
    outs = add_while(mb, mb, [const(mb, 0, I32), n, x], [COUNTER, ([], I32), ([N], F32)], below, body)
    mb.mark_output(outs[2])
    interpreter = jitlite_interpreter()(model_content=mb.build())
    with pytest.raises(RuntimeError, match=r"IF then-branch \(subgraph \d\) node 1 WHERE has output "
                       r"sizes that depend on data; jitlite runs such a WHILE/IF in the main graph "
                       r"only"):
        interpreter.allocate_tensors()


def test_converted_tf_while_loop_counting_where_rows():
    model = tf_function_model("where_count_loop")
    check_invokes(model, [[np.array(k, I32), X[:5] * s] for k, s in ((3, 1), (5, 0.5), (3, 1))])
