"""Checks shared by the ops whose output sizes depend on the data (WHERE, UNIQUE): one LiteRT
and one jitlite interpreter of the same model, invoked on several input sets in turn, must agree
after every invoke (values, and output shapes in the tensor details), and jitlite's compile count
must only grow when a data-dependent count is new."""

import numpy as np

from jitlite.testing import assert_outputs_match, jitlite_interpreter, litert_interpreter


def _set_inputs(interpreter, values):
    for detail, value in zip(interpreter.get_input_details(), values):
        interpreter.set_tensor(detail["index"], value)


def _read(interpreter, detail):
    try:
        return np.array(interpreter.get_tensor(detail["index"]))
    except ValueError:
        # LiteRT's get_tensor refuses an empty dynamic tensor (its buffer is null); its details
        # still give the shape and dtype.
        if 0 not in detail["shape"]:
            raise
        return np.zeros(detail["shape"], detail["dtype"])


def _outputs(interpreter):
    return [_read(interpreter, d) for d in interpreter.get_output_details()]


def _shapes(details):
    return [(d["name"], d["shape"].tolist(), d["shape_signature"].tolist()) for d in details]


def check_invokes(model, input_sets, reference=None, **jitlite_options):
    """Runs every input set through one interpreter of each runtime, comparing each time; the
    output details must match LiteRT's before the first invoke too. `jitlite_options` go to
    jitlite's constructor (num_threads, experimental_preserve_all_tensors). Returns jitlite's
    compile count after each invoke."""
    ref = (reference or litert_interpreter())(model_content=model)
    jit = jitlite_interpreter()(model_content=model, **jitlite_options)
    ref.allocate_tensors()
    jit.allocate_tensors()
    assert _shapes(jit.get_output_details()) == _shapes(ref.get_output_details())
    compilations = []
    for n, values in enumerate(input_sets):
        values = [np.asarray(v) for v in values]
        for interpreter in (ref, jit):
            _set_inputs(interpreter, values)
            interpreter.invoke()
        assert_outputs_match(_outputs(jit), _outputs(ref), context=f"invoke {n}")
        assert _shapes(jit.get_output_details()) == _shapes(ref.get_output_details())
        compilations.append(jit.get_jit_details()["compilations"])
    return compilations
