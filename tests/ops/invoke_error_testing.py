"""The runtime-error check the index ops share (GATHER_ND, EMBEDDING_LOOKUP, SCATTER_ND, the
UNSORTED_SEGMENT_* ops): data out of range must fail the invoke in LiteRT and in jitlite alike,
and jitlite's interpreter must stay usable for the next, good invoke."""

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, jitlite_interpreter, litert_interpreter, run_model


def check_invoke_fails_like_litert(model, bad, good, match):
    """`bad` inputs make both runtimes raise RuntimeError (jitlite's message matches `match`);
    then the same jitlite interpreter runs `good` inputs and matches LiteRT."""
    for runtime in (litert_interpreter(), jitlite_interpreter()):
        with pytest.raises(RuntimeError):
            run_model(runtime, model, bad)
    interp = jitlite_interpreter()(model_content=model)
    interp.allocate_tensors()
    inputs = interp.get_input_details()
    for detail, value in zip(inputs, bad):
        interp.set_tensor(detail["index"], value)
    with pytest.raises(RuntimeError, match=match):
        interp.invoke()
    for detail, value in zip(inputs, good):
        interp.set_tensor(detail["index"], value)
    interp.invoke()
    actual = [np.array(interp.get_tensor(d["index"])) for d in interp.get_output_details()]
    assert_outputs_match(actual, run_model(litert_interpreter(), model, good))
