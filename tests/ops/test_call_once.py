"""CALL_ONCE: its init subgraph runs on the first invoke only; reset_all_variables keeps resource
variables and does not rerun it (as LiteRT). Init subgraphs that compute are refused."""

import numpy as np

from op_testing import check_model_file
from resource_variable_cases import (F32, accumulator_model, assign, check_invokes, handle,
                                     init_subgraph, read, rejected)
from jitlite.testing import ModelBuilder


def inputs(n):
    return [[np.random.RandomState(i).uniform(-2, 2, (2, 3)).astype(F32)] for i in range(n)]


def test_init_runs_once_and_reset_keeps_variables():
    model = accumulator_model(initial=np.arange(6, dtype=F32).reshape(2, 3))
    check_invokes(model, inputs(5), reset_after=(0, 2))


def test_init_subgraph_that_computes_is_refused():
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [2])
    sb = ModelBuilder(name="init")
    c = sb.add_constant("c", np.ones(2, F32))
    neg = sb.add_tensor("neg", F32, [2])
    sb.add_op("NEG", [c], [neg])
    assign(sb, handle(sb, "v", "v"), neg)
    mb.add_op("CALL_ONCE", [], [], dict(init_subgraph_index=mb.add_subgraph(sb)))
    out = mb.add_tensor("out", F32, [2])
    mb.add_op("ABS", [x], [out])
    mb.mark_output(out)
    rejected(mb.build(), match="init subgraphs that only assign constants")


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
