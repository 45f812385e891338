"""ASSIGN_VARIABLE: overwrites the variable, which persists across invokes; INT32 and FLOAT32
variables vs LiteRT; a value of another shape than the variable's is refused."""

import numpy as np
import pytest

from resource_variable_cases import (F32, accumulator_model, assign, check_invokes, handle,
                                     init_subgraph, read, rejected)
from jitlite.testing import ModelBuilder


def test_int32_accumulator():
    xs = [[np.array([[i, -2 * i, 3]], np.int32)] for i in range(4)]
    check_invokes(accumulator_model(np.int32, (1, 3), initial=np.array([[1, 2, 3]], np.int32)), xs)


def test_last_assign_wins():
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [3])
    h = handle(mb, "v", "v")
    assign(mb, h, x)
    neg = mb.add_tensor("neg", F32, [3])
    mb.add_op("NEG", [x], [neg])
    assign(mb, h, neg)
    mb.mark_output(read(mb, h, F32, [3]))
    check_invokes(mb.build(), [[np.array([1.0, -2.0, 3.5], F32)], [np.array([0.0, 4.0, -1.0], F32)]])


def test_assign_of_another_shape_is_refused():
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [3])
    y = mb.add_input("y", F32, [2])
    h = handle(mb, "v", "v")
    assign(mb, h, x)
    assign(mb, h, y)
    mb.mark_output(read(mb, h, F32, [2]))
    rejected(mb.build(), match="keeps a resource variable's dtype and shape fixed")


@pytest.mark.parametrize("dtype", [np.int8, np.bool_, np.int64])
def test_previous_value_of_other_dtypes(dtype):
    mb = ModelBuilder()
    x = mb.add_input("x", dtype, [2, 2])
    index = init_subgraph(mb, {"v": np.array([[1, 0], [0, 1]], dtype)})
    mb.add_op("CALL_ONCE", [], [], dict(init_subgraph_index=index))
    h = handle(mb, "v", "v")
    old = read(mb, h, dtype, [2, 2])
    assign(mb, h, x)
    mb.mark_output(old)
    values = [np.array([[3, 0], [1, 5]]), np.array([[0, 1], [1, 1]]), np.array([[7, -2], [0, 0]])]
    check_invokes(mb.build(), [[v.astype(dtype)] for v in values], reset_after=(1,))
