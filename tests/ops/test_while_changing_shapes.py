"""WHILE whose loop variables change shape between iterations (a tf.while_loop growing a tensor
with shape_invariants=None dims): LiteRT reallocates; jitlite runs such a loop on the host,
iteration by iteration, each condition and body a compiled program cached per loop-variable
shapes, and compiles what follows for the final shapes (a segment, as after WHERE). Outputs and
output shapes vs LiteRT over several invokes whose iteration counts differ."""

import numpy as np
import pytest

from control_flow_cases import F32, I32, add_while, const, op, while_model
from data_dependent_testing import check_invokes
from jitlite.testing import ModelBuilder, jitlite_interpreter
from tf_function_models import tf_function_model

COUNTER = ([], I32)
LIMIT = ([], I32)


def below_limit(sb, i, limit, *rest):
    return op(sb, "LESS", [i, limit], [], np.bool_)


def step(sb, i):
    return op(sb, "ADD", [i, const(sb, 1, I32)], [], I32)


def doubling_body(sb, i, limit, x):
    """x = concat(x, x * 2 + 1) along axis 0: the row count doubles each iteration."""
    grown = op(sb, "ADD", [op(sb, "MUL", [x, const(sb, 2.0, F32)], [1, 2]), const(sb, 1.0, F32)],
               [1, 2])
    return [step(sb, i), limit, op(sb, "CONCATENATION", [x, grown], [2, 2], options=dict(axis=0))]


def counted(n, x):
    return [np.array(0, I32), np.array(n, I32), x]


X = np.array([[0.5, -1.0]], F32)


def test_growing_tensor_output_shapes_follow_the_iterations():
    model = while_model([COUNTER, LIMIT, ([1, 2], F32)], below_limit, doubling_body)
    compilations = check_invokes(model, [counted(3, X), counted(1, X), counted(3, X * 2),
                                         counted(0, X), counted(4, X)])
    # Shapes seen before cost nothing new: invoke 2 repeats invoke 0's.
    assert compilations[2] == compilations[1]


def test_ops_after_the_loop_compile_for_its_final_shape():
    mb = ModelBuilder(description="growing WHILE then ops")
    ins = [mb.add_input("i", I32, []), mb.add_input("n", I32, []), mb.add_input("x", F32, [1, 2])]
    specs = [COUNTER, LIMIT, ([1, 2], F32)]
    _, _, grown = add_while(mb, mb, [ins[0], ins[1], op(mb, "TANH", [ins[2]], [1, 2])], specs,
                            below_limit, doubling_body)
    total = op(mb, "SUM", [grown, const(mb, [0], I32)], [2], options=dict(keep_dims=False))
    scaled = op(mb, "MUL", [grown, const(mb, 0.5, F32)], [1, 2])
    mb.mark_output(total, scaled)
    check_invokes(mb.build(), [counted(2, X), counted(5, X), counted(2, -X), counted(0, X)])


def test_one_variable_grows_along_axis_1_others_keep_their_shapes():
    def body(sb, i, limit, acc, row):
        nxt = op(sb, "SUB", [op(sb, "MUL", [row, const(sb, 0.5, F32)], [2, 1]), const(sb, 1.0, F32)],
                 [2, 1])
        return [step(sb, i), limit, op(sb, "CONCATENATION", [acc, nxt], [2, 2],
                                       options=dict(axis=1)), nxt]
    model = while_model([COUNTER, LIMIT, ([2, 1], F32), ([2, 1], F32)], below_limit, body)
    acc = np.array([[1.0], [2.0]], F32)
    check_invokes(model, [[np.array(0, I32), np.array(n, I32), acc, acc * 3] for n in (4, 2, 6)])


def test_integer_loop_stays_exact():
    def body(sb, i, limit, x):
        return [step(sb, i), limit,
                op(sb, "CONCATENATION", [x, op(sb, "MUL", [x, i], [3], I32)], [6], I32,
                   options=dict(axis=0))]
    model = while_model([COUNTER, LIMIT, ([3], I32)], below_limit, body)
    x = np.array([1, -2, 3], I32)
    check_invokes(model, [[np.array(1, I32), np.array(n, I32), x] for n in (3, 5, 1)])


def test_a_shrinking_loop_variable():
    """Each iteration drops the first element (SLICE from 1, its size from SHAPE so LiteRT sizes
    it per iteration): down to an empty tensor."""
    def body(sb, i, limit, x):
        size = op(sb, "SUB", [op(sb, "SHAPE", [x], [1], I32, options=dict(out_type=np.int32)), const(sb, [1], I32)], [1], I32)
        rest = sb.add_tensor("rest", F32, [5], shape_signature=[-1])
        sb.add_op("SLICE", [x, const(sb, [1], I32), size], [rest])
        return [step(sb, i), limit, op(sb, "MUL", [rest, const(sb, 2.0, F32)], [5])]
    model = while_model([COUNTER, LIMIT, ([6], F32)], below_limit, body)
    x = np.arange(6, dtype=F32)
    check_invokes(model, [[np.array(0, I32), np.array(n, I32), x] for n in (2, 6, 0, 3)])


def test_compiled_loop_inside_the_changing_one():
    """The body runs a WHILE of fixed shapes of its own (compiled into the body's program, which
    is compiled per the outer loop's shapes)."""
    mb = ModelBuilder(description="nested")

    def body(sb, i, limit, x):
        inner = add_while(sb, mb, [const(sb, 0, I32), x], [COUNTER, ([1, 2], F32)],
                          lambda b, j, y: op(b, "LESS", [j, const(b, 2, I32)], [], np.bool_),
                          lambda b, j, y: [step(b, j), op(b, "ADD", [y, y], [1, 2])],
                          name="inner")
        return [step(sb, i), limit, op(sb, "CONCATENATION", [x, inner[1]], [2, 2],
                                       options=dict(axis=0))]
    ins = [mb.add_input("i", I32, []), mb.add_input("n", I32, []), mb.add_input("x", F32, [1, 2])]
    outs = add_while(mb, mb, ins, [COUNTER, LIMIT, ([1, 2], F32)], below_limit, body)
    mb.mark_output(outs[2])
    check_invokes(mb.build(), [counted(3, X), counted(1, X)])


def test_kernel_profiling_with_a_host_loop():
    model = while_model([COUNTER, LIMIT, ([1, 2], F32)], below_limit, doubling_body)
    interpreter = jitlite_interpreter()(model_content=model)
    interpreter.allocate_tensors()
    interpreter.experimental_profile_kernels()
    for d, v in zip(interpreter.get_input_details(), counted(2, X)):
        interpreter.set_tensor(d["index"], v)
    interpreter.invoke()
    assert interpreter.get_tensor(interpreter.get_output_details()[2]["index"]).shape == (4, 2)


def test_changing_shapes_in_a_nested_loop_are_refused():
    mb = ModelBuilder()

    def body(sb, i, limit, x):
        inner = add_while(sb, mb, [const(sb, 0, I32), const(sb, 1, I32), x],
                          [COUNTER, LIMIT, ([1, 2], F32)], below_limit, doubling_body, name="inner")
        total = op(sb, "SUM", [inner[2], const(sb, [0], I32)], [1, 2], options=dict(keep_dims=True))
        return [step(sb, i), limit, total]
    ins = [mb.add_input("i", I32, []), mb.add_input("n", I32, []), mb.add_input("x", F32, [1, 2])]
    outs = add_while(mb, mb, ins, [COUNTER, LIMIT, ([1, 2], F32)], below_limit, body)
    mb.mark_output(outs[2])
    interpreter = jitlite_interpreter()(model_content=mb.build())
    with pytest.raises(RuntimeError, match=r"WHILE body \(subgraph \d\) output 2 .* has shape "
                       r"\[2, 2\], but loop variable 2 .* has shape \[1, 2\]; jitlite runs such a "
                       r"WHILE/IF in the main graph only, not inside a WHILE/IF subgraph"):
        interpreter.allocate_tensors()


def test_converted_tf_while_loop_with_a_growing_shape_invariant():
    model = tf_function_model("growing_while_loop")
    x = np.array([[1.0, -2.0]], F32)
    compilations = check_invokes(model, [[np.array(n, I32), x] for n in (3, 0, 5, 3)])
    assert compilations[3] == compilations[2]


def test_changing_loop_in_a_graph_with_variables_is_refused():
    from resource_variable_cases import assign, handle, read
    mb = ModelBuilder()
    ins = [mb.add_input("i", I32, []), mb.add_input("n", I32, []), mb.add_input("x", F32, [1, 2])]
    h = handle(mb, "v", "v")
    assign(mb, h, ins[2])
    seen = read(mb, h, F32, [1, 2])
    outs = add_while(mb, mb, [ins[0], ins[1], seen], [COUNTER, LIMIT, ([1, 2], F32)], below_limit,
                     doubling_body)
    mb.mark_output(outs[2])
    interpreter = jitlite_interpreter()(model_content=mb.build())
    with pytest.raises(RuntimeError, match=r"node \d WHILE: it runs from the host .* in a "
                       r"graph with variable tensors \(tensor 'resource variable /v'\)"):
        interpreter.allocate_tensors()
