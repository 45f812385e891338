"""Model builders for the WHILE and IF tests: a main graph whose control-flow node runs other
subgraphs, each subgraph built by a small Python function on its own ModelBuilder."""

import numpy as np

from jitlite.testing import (ModelBuilder, assert_outputs_match, jitlite_interpreter,
                             litert_interpreter, run_model)

F32, I32 = np.float32, np.int32


def op(builder, name, inputs, shape, dtype=F32, options=None):
    """Adds `name` with one output of `shape`/`dtype`; returns the output tensor."""
    out = builder.add_tensor(f"{name.lower()}{len(builder.tensors)}", dtype, shape)
    builder.add_op(name, inputs, [out], options)
    return out


def const(builder, value, dtype):
    return builder.add_constant(f"c{len(builder.tensors)}", np.asarray(value, dtype))


def subgraph(main, name, specs, build):
    """Adds to `main` a subgraph whose inputs have `specs` ((shape, dtype) each) and whose
    outputs are what build(builder, *inputs) returns; returns its subgraph index."""
    sb = ModelBuilder(name=name)
    inputs = [sb.add_input(f"{name}_arg{i}", dtype, shape) for i, (shape, dtype) in enumerate(specs)]
    sb.mark_output(*build(sb, *inputs))
    return main.add_subgraph(sb)


def add_while(builder, main, inputs, specs, cond, body, name="while"):
    """Adds a WHILE over `inputs` (loop variables with `specs`) to `builder`; cond(sb, *vars)
    returns the BOOL tensor, body(sb, *vars) the next variables. Returns the outputs."""
    cond_index = subgraph(main, f"{name}_cond", specs, lambda sb, *v: [cond(sb, *v)])
    body_index = subgraph(main, f"{name}_body", specs, body)
    outs = [builder.add_tensor(f"{name}_out{i}", dtype, shape)
            for i, (shape, dtype) in enumerate(specs)]
    builder.add_op("WHILE", inputs, outs,
                   dict(cond_subgraph_index=cond_index, body_subgraph_index=body_index))
    return outs


def while_model(specs, cond, body, outputs=None):
    """A model whose inputs are the loop variables of one WHILE and whose outputs are its
    outputs (those at `outputs`, default all)."""
    mb = ModelBuilder(description="WHILE test model")
    inputs = [mb.add_input(f"var{i}", dtype, shape) for i, (shape, dtype) in enumerate(specs)]
    outs = add_while(mb, mb, inputs, specs, cond, body)
    mb.mark_output(*[outs[i] for i in (outputs or range(len(outs)))])
    return mb.build()


def less_than(limit):
    """cond: counter (variable 0) < limit."""
    return lambda sb, i, *rest: op(sb, "LESS", [i, const(sb, limit, I32)], [], np.bool_)


def check_model(model, inputs):
    """Runs `model` in jitlite and LiteRT on `inputs`; outputs must match (ints exactly)."""
    actual = run_model(jitlite_interpreter(), model, inputs)
    expected = run_model(litert_interpreter(), model, inputs)
    assert_outputs_match(actual, expected)
    return actual
