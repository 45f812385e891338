"""Shared cases for the resource-variable ops (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE,
CALL_ONCE): graphs whose variables persist across invokes, run over several invokes (with a
reset_all_variables between) in jitlite and LiteRT's reference kernels."""

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter as LiteRT, OpResolverType

from jitlite.testing import ModelBuilder, jitlite_interpreter

F32 = np.float32
RESOURCE = np.object_


def handle(mb, name, shared_name):
    h = mb.add_tensor(f"{name}_handle", RESOURCE, [])
    mb.add_op("VAR_HANDLE", [], [h], dict(container="", shared_name=shared_name))
    return h


def read(mb, h, dtype, shape, name="read"):
    out = mb.add_tensor(name, dtype, shape)
    mb.add_op("READ_VARIABLE", [h], [out])
    return out


def assign(mb, h, value):
    mb.add_op("ASSIGN_VARIABLE", [h, value], [])


def init_subgraph(mb, values):
    """A CALL_ONCE init subgraph assigning constants: {shared_name: array}."""
    sb = ModelBuilder(name="init")
    for name, value in values.items():
        assign(sb, handle(sb, name, name), sb.add_constant(f"{name}_init", value))
    return mb.add_subgraph(sb)


def accumulator_model(dtype=F32, shape=(2, 3), initial=None):
    """out = var * x; var = var + x (the update after the read), var optionally initialized
    by CALL_ONCE."""
    mb = ModelBuilder(description="resource variable accumulator")
    x = mb.add_input("x", dtype, list(shape))
    if initial is not None:
        mb.add_op("CALL_ONCE", [], [], dict(init_subgraph_index=init_subgraph(mb, {"acc": initial})))
    h = handle(mb, "acc", "acc")
    old = read(mb, h, dtype, list(shape))
    out = mb.add_tensor("out", dtype, list(shape))
    mb.add_op("MUL", [old, x], [out])
    new = mb.add_tensor("new", dtype, list(shape))
    mb.add_op("ADD", [old, x], [new])
    assign(mb, h, new)
    mb.mark_output(out)
    return mb.build()


def run_invokes(interpreter, inputs_per_invoke, reset_after=()):
    interpreter.allocate_tensors()
    outs = []
    for step, inputs in enumerate(inputs_per_invoke):
        for detail, value in zip(interpreter.get_input_details(), inputs):
            interpreter.set_tensor(detail["index"], value)
        interpreter.invoke()
        outs.append([interpreter.get_tensor(d["index"]).copy()
                     for d in interpreter.get_output_details()])
        if step in reset_after:
            interpreter.reset_all_variables()
    return outs


def check_invokes(model, inputs_per_invoke, reset_after=(), rtol=0.0):
    """Each invoke's outputs equal LiteRT's (BUILTIN_REF) exactly (within `rtol` when given, for
    float kernels like TANH whose rounding may differ); returns them."""
    ref = LiteRT(model_content=model, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    expected = run_invokes(ref, inputs_per_invoke, reset_after)
    got = run_invokes(jitlite_interpreter()(model_content=model), inputs_per_invoke, reset_after)
    for step, (e, g) in enumerate(zip(expected, got)):
        for a, b in zip(e, g):
            if rtol:
                np.testing.assert_allclose(b, a, rtol=rtol, atol=rtol, err_msg=f"invoke {step}")
            else:
                np.testing.assert_array_equal(b, a, err_msg=f"invoke {step}")
    return got


def rejected(model, match):
    with pytest.raises((RuntimeError, ValueError), match=match):
        jitlite_interpreter()(model_content=model).allocate_tensors()
