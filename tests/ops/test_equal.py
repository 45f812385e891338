"""EQUAL against LiteRT: BOOL output over broadcasting (scalars to rank 8),
float32/int32/int64/int16 inputs, int8/uint8 with rescaling (bit-exact vs the reference kernels)
and bool, NaN/inf/signed zeros, integer extremes, and the models jitlite must refuse. The cases
are shared by the six comparison ops (comparison_cases.py)."""

from op_testing import STR, check_strings, random_strings
from comparison_cases import ComparisonCases


class TestEqual(ComparisonCases):
    OP = "EQUAL"
    ALLOWS_BOOL = True


# --- STRING tensors (run as interned ids: lib/string_tensors.h) -------------------------------

import numpy as np
import pytest

OP_NAME = "EQUAL"


VOCABULARY = [b"", b"a", b"ab", b"a\x00", "\u00e9".encode(), b"\xff"]


@pytest.mark.parametrize("shape_a, shape_b", [((6,), (6,)), ((2, 3), (3,)), ((2, 1), (1, 4)),
                                              ((1,), (5,))])
def test_strings(shape_a, shape_b):
    a = random_strings(shape_a, seed=1, vocabulary=VOCABULARY)
    b = random_strings(shape_b, seed=2, vocabulary=VOCABULARY)
    check_strings(OP_NAME, [a, b], output_dtype=np.bool_)


def test_strings_feed_numeric_ops():
    """The BOOL result of comparing strings is a normal tensor: here CAST to INT32 and summed."""
    from jitlite.testing import jitlite_interpreter, run_model
    from jitlite.testing.model_builder import ModelBuilder
    from op_testing import REFERENCE_KERNELS, assert_same_strings
    mb = ModelBuilder()
    a, b = mb.add_input("a", STR, [8]), mb.add_input("b", STR, [8])
    eq = mb.add_tensor("eq", np.bool_, [8])
    as_int = mb.add_tensor("as_int", np.int32, [8])
    total = mb.add_tensor("total", np.int32, [])
    mb.add_op(OP_NAME, [a, b], [eq])
    mb.add_op("CAST", [eq], [as_int])
    mb.add_op("SUM", [as_int, mb.add_constant("axis", np.array([0], np.int32))], [total])
    mb.mark_output(total)
    model = mb.build()
    values = [random_strings((8,), seed=s, vocabulary=VOCABULARY[:3]) for s in (3, 4)]
    assert_same_strings(run_model(jitlite_interpreter(), model, values),
                        run_model(REFERENCE_KERNELS, model, values))


def test_string_against_number_is_refused():
    from op_testing import assert_string_rejected
    assert_string_rejected(OP_NAME, [random_strings((2,)), np.array([1, 2], np.int32)],
                           output_dtype=np.bool_,
                           match="input 1 has type INT32 but the STRING inputs need it")
