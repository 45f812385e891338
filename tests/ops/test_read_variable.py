"""READ_VARIABLE: a copy of the variable's value at the read (a later ASSIGN_VARIABLE does not
change it), over several invokes vs LiteRT."""

import numpy as np

from resource_variable_cases import (F32, accumulator_model, assign, check_invokes, handle, read,
                                     rejected)
from jitlite.testing import ModelBuilder


def inputs(n, shape=(2, 3), dtype=F32):
    return [[np.random.RandomState(i).uniform(-2, 2, shape).astype(dtype)] for i in range(n)]


def test_read_sees_the_previous_invokes_assign():
    check_invokes(accumulator_model(initial=np.full((2, 3), 0.5, F32)), inputs(5))


def test_read_before_any_assign_is_refused():
    # LiteRT fails such a read at invoke; jitlite refuses the model.
    rejected(accumulator_model(), match="reads variable '/acc' before anything assigns it")


def test_read_after_assign_in_the_same_invoke():
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [4])
    h = handle(mb, "v", "v")
    assign(mb, h, x)
    out = read(mb, h, F32, [4])
    doubled = mb.add_tensor("doubled", F32, [4])
    mb.add_op("ADD", [out, out], [doubled])
    mb.mark_output(doubled)
    check_invokes(mb.build(), inputs(3, (4,)))
