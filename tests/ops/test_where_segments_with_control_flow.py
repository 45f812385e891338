"""Segments (WHERE's data-dependent sizes) combined with what is compiled per program graph:
WHILE and IF before and after a WHERE in the main graph (each segment compiles the subgraphs
its control-flow nodes run, for its own shapes), NON_MAX_SUPPRESSION_V4's scratch memory in the
segment after a WHERE (sized per count), all vs LiteRT over invokes with changing counts; and a
WHERE inside a WHILE body (the loop then runs from the host)."""

import numpy as np
import pytest

from control_flow_cases import F32, I32, add_while, const, less_than, op, subgraph
from data_dependent_testing import check_invokes
from jitlite.testing import ModelBuilder, jitlite_interpreter
from nms_testing import random_boxes, random_scores

I64 = np.int64
COUNTER = ([], I32)


def scale_body(sb, i, x):
    """i + 1, x * 1.5 - 0.25 (x of any shape: the loop variable's)."""
    shape = [-1, 1]
    return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32),
            op(sb, "SUB", [op(sb, "MUL", [x, const(sb, 1.5, F32)], shape),
                           const(sb, 0.25, F32)], shape)]


def where_coords(mb, x, n):
    """WHERE(x > 0.5) on x [n]: coordinates [count, 1] (int64)."""
    cond = op(mb, "GREATER", [x, const(mb, 0.5, F32)], [n], np.bool_)
    return op(mb, "WHERE", [cond], [-1, 1], I64)


def inputs(n, count, seed=0):
    return [[np.random.default_rng(seed + k).uniform(0, 1, n).astype(F32)] for k in range(count)]


def test_while_after_where_runs_per_count():
    n = 8
    mb = ModelBuilder(description="WHERE then WHILE")
    x = mb.add_input("x", F32, [n])
    rows = op(mb, "CAST", [where_coords(mb, x, n)], [-1, 1], F32)
    _, y = add_while(mb, mb, [const(mb, 0, I32), rows], [COUNTER, ([-1, 1], F32)],
                     less_than(3), scale_body)
    mb.mark_output(op(mb, "ADD", [y, const(mb, 1.0, F32)], [-1, 1]))
    sets = inputs(n, 4) + [[np.zeros(n, F32)]] + inputs(n, 1)
    counts = check_invokes(mb.build(), sets)
    distinct = len({int((s[0] > 0.5).sum()) for s in sets})
    assert counts[-1] == counts[0] + distinct - 1


def test_while_before_where():
    n = 6
    mb = ModelBuilder(description="WHILE then WHERE")
    x = mb.add_input("x", F32, [n])
    _, y = add_while(mb, mb, [const(mb, 0, I32), x], [COUNTER, ([n], F32)], less_than(2),
                     lambda sb, i, v: [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32),
                                       op(sb, "MUL", [v, const(sb, 1.25, F32)], [n])])
    mb.mark_output(where_coords(mb, y, n))
    check_invokes(mb.build(), inputs(n, 4, seed=10), num_threads=2)


def test_if_after_where():
    """IF on a graph input picks x2 or -x of WHERE's rows (as float)."""
    n = 7
    mb = ModelBuilder(description="WHERE then IF")
    x = mb.add_input("x", F32, [n])
    flag = mb.add_input("flag", np.bool_, [])
    rows = op(mb, "CAST", [where_coords(mb, x, n)], [-1, 1], F32)
    specs = [([-1, 1], F32)]
    then_index = subgraph(mb, "then", specs,
                          lambda sb, v: [op(sb, "MUL", [v, const(sb, 2.0, F32)], [-1, 1])])
    else_index = subgraph(mb, "else", specs, lambda sb, v: [op(sb, "NEG", [v], [-1, 1])])
    out = mb.add_tensor("picked", F32, [-1, 1])
    mb.add_op("IF", [flag, rows], [out],
              dict(then_subgraph_index=then_index, else_subgraph_index=else_index))
    mb.mark_output(out)
    sets = [[v[0], np.array(k % 2 == 0)] for k, v in enumerate(inputs(n, 5, seed=20))]
    check_invokes(mb.build(), sets)


def test_nms_scratch_in_the_segment_after_where():
    """Boxes whose score passes a threshold (WHERE + GATHER_ND) go to NMS, whose scratch is
    sized for each count."""
    n = 24
    mb = ModelBuilder(description="WHERE then NMS")
    boxes = mb.add_input("boxes", F32, [n, 4])
    scores = mb.add_input("scores", F32, [n])
    picked = where_coords(mb, scores, n)
    kept_boxes = op(mb, "GATHER_ND", [boxes, picked], [-1, 4])
    kept_scores = op(mb, "GATHER_ND", [scores, picked], [-1])
    selected = mb.add_tensor("selected", I32, [5])
    valid = mb.add_tensor("valid", I32, [])
    mb.add_op("NON_MAX_SUPPRESSION_V4",
              [kept_boxes, kept_scores, const(mb, 5, I32), const(mb, 0.4, F32),
               const(mb, 0.0, F32)], [selected, valid])
    mb.mark_output(selected, valid)
    sets = [[random_boxes(n, seed=s), random_scores(n, seed=s)] for s in range(4)]
    sets.append([random_boxes(n, seed=9), np.zeros(n, F32)])
    check_invokes(mb.build(), sets)


def test_where_inside_a_while_body_runs_the_loop_from_the_host():
    """The body's WHERE is compiled in segments; the WHILE runs between the main graph's
    (more in test_data_dependent_ops_in_control_flow.py)."""
    n = 4

    def body(sb, i, v):
        where_coords(sb, v, n)  # sizes from data inside the loop
        return [op(sb, "ADD", [i, const(sb, 1, I32)], [], I32), v]

    mb = ModelBuilder(description="WHERE in a WHILE body")
    x = mb.add_input("x", F32, [n])
    outs = add_while(mb, mb, [const(mb, 0, I32), x], [COUNTER, ([n], F32)], less_than(2), body)
    mb.mark_output(outs[1])
    check_invokes(mb.build(), [[np.array([0.1, 0.9, 0.7, 0.2], F32)], [np.zeros(n, F32)]])
