"""Brief invokes: a program small enough that Interpreter::invoke_is_brief()
holds (one segment, no control flow, <= 64 KiB of activations and weights)
runs with the GIL held, as releasing it costs more than the call. Results
must not change, and large programs must still release it."""
import numpy as np

from jitlite.testing import ModelBuilder, assert_outputs_match, random_inputs, run_model


def _add_relu(shape):
    mb = ModelBuilder(description="brief")
    x = mb.add_input("x", np.float32, shape)
    y = mb.add_input("y", np.float32, shape)
    out = mb.add_tensor("out", np.float32, shape)
    mb.add_op("ADD", [x, y], [out], dict(fused_activation_function="RELU"))
    mb.mark_output(out)
    return mb.build()


def _allocated(model):
    from jitlite import Interpreter
    interpreter = Interpreter(model_content=model)
    assert not interpreter._interpreter.invoke_is_brief()  # nothing compiled yet
    interpreter.allocate_tensors()
    return interpreter


def test_small_program_is_brief_and_matches_litert():
    from ai_edge_litert.interpreter import Interpreter as LiteRT
    from jitlite import Interpreter
    model = _add_relu([4, 16])
    assert _allocated(model)._interpreter.invoke_is_brief()
    inputs = random_inputs(model, seed=3)
    assert_outputs_match(run_model(Interpreter, model, inputs), run_model(LiteRT, model, inputs))


def test_large_program_is_not_brief():
    # 3 tensors of 64*64*24 floats: 144 KiB each.
    assert not _allocated(_add_relu([1, 64, 64, 24]))._interpreter.invoke_is_brief()


def test_resize_changes_briefness():
    interpreter = _allocated(_add_relu([1, 16]))
    assert interpreter._interpreter.invoke_is_brief()
    for index in (0, 1):
        interpreter.resize_tensor_input(index, [8192, 16])
    assert not interpreter._interpreter.invoke_is_brief()  # needs allocate_tensors again
    interpreter.allocate_tensors()
    assert not interpreter._interpreter.invoke_is_brief()
    x = np.ones([8192, 16], np.float32)
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.set_tensor(interpreter.get_input_details()[1]["index"], -2 * x)
    interpreter.invoke()
    np.testing.assert_array_equal(interpreter.get_tensor(interpreter.get_output_details()[0]["index"]),
                                  np.zeros_like(x))
