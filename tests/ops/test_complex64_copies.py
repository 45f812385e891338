"""COMPLEX64 through the ops that only move elements, against LiteRT: the ones LiteRT runs on
COMPLEX64 match it bit for bit (an element moves as one 64-bit unit), the ones LiteRT refuses are
refused with a message naming the type, plus the Python API's dtype handling."""

import numpy as np
import pytest

import jitlite
from complex_cases import C64
from jitlite.testing import build_op_model
from op_testing import I32, assert_rejected, check_op

ACCEPTED = [  # (op, inputs, options) that LiteRT runs on COMPLEX64
    ("RESHAPE", [((2, 3), C64), np.array([3, 2], I32)], None),
    ("SQUEEZE", [((1, 3, 1), C64)], dict(squeeze_dims=[0])),
    ("EXPAND_DIMS", [((3,), C64), np.array(0, I32)], None),
    ("TRANSPOSE", [((2, 3, 4), C64), np.array([2, 0, 1], I32)], None),
    ("SLICE", [((4, 3), C64), np.array([1, 0], I32), np.array([2, 2], I32)], None),
    ("STRIDED_SLICE", [((6, 5), C64), np.array([1, 4], I32), np.array([6, 0], I32),
                       np.array([2, -1], I32)], None),
    ("TILE", [((2, 3), C64), np.array([2, 2], I32)], None),
    ("BROADCAST_TO", [((1, 3), C64), np.array([4, 3], I32)], None),
    ("MIRROR_PAD", [((2, 3), C64), np.array([[1, 1], [0, 2]], I32)], dict(mode="REFLECT")),
    ("DYNAMIC_UPDATE_SLICE", [((4, 3), C64), ((1, 3), C64), np.array([1, 0], I32)], None),
    ("FILL", [np.array([2, 3], I32), ((), C64)], None),
    ("EMBEDDING_LOOKUP", [np.array([2, 0, 2], I32), ((4, 3), C64)], None),
    ("SPACE_TO_BATCH_ND", [((1, 4, 4, 1), C64), np.array([2, 2], I32),
                           np.array([[0, 0], [0, 0]], I32)], None),
    ("BATCH_TO_SPACE_ND", [((4, 1, 1, 2), C64), np.array([2, 2], I32),
                           np.array([[0, 0], [0, 0]], I32)], None),
    ("SELECT", [((2, 3), np.bool_), ((2, 3), C64), ((2, 3), C64)], None),
    ("SELECT_V2", [((2, 1), np.bool_), ((1, 3), C64), ((2, 3), C64)], None),
]


@pytest.mark.parametrize("op, inputs, options", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_accepted_copies(op, inputs, options):
    check_op(op, inputs, options=options, output_dtype=C64, rtol_of_range=0.0)


@pytest.mark.parametrize("op, dtype", [("BITCAST", np.float32), ("BITCAST", np.int64),
                                       ("RANK", I32), ("SHAPE", I32)], ids=str)
def test_reinterpreting_ops(op, dtype):
    options = dict(out_type=I32) if op == "SHAPE" else None
    check_op(op, [((2, 3), C64)], options=options, output_dtype=dtype, rtol_of_range=0.0)


REFUSED = [  # ops LiteRT refuses on COMPLEX64 (Prepare or Eval)
    ("GATHER", [((4, 3), C64), np.array([1, 0], I32)], dict(axis=0)),
    ("CONCATENATION", [((2, 3), C64), ((2, 3), C64)], dict(axis=0)),
    ("PACK", [((3,), C64), ((3,), C64)], dict(values_count=2, axis=0)),
    ("REVERSE_V2", [((2, 3), C64), np.array([1], I32)], None),
    ("PAD", [((2, 3), C64), np.array([[1, 0], [0, 1]], I32)], None),
    ("SPACE_TO_DEPTH", [((1, 2, 2, 1), C64)], dict(block_size=2)),
    ("ADD", [((2, 3), C64), ((2, 3), C64)], None),
]


@pytest.mark.parametrize("op, inputs, options", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_like_litert(op, inputs, options):
    assert_rejected(op, inputs, options=options, output_dtypes=C64, match="COMPLEX64",
                    litert_rejects=True)


def test_python_api_dtypes():
    model = build_op_model("RESHAPE", [((2, 3), C64), np.array([3, 2], I32)],
                           output_shapes=[[3, 2]])
    interpreter = jitlite.Interpreter(model_content=model)
    interpreter.allocate_tensors()
    (detail,) = interpreter.get_input_details()
    assert detail["dtype"] == np.complex64
    assert interpreter.get_output_details()[0]["dtype"] == np.complex64
    with pytest.raises(ValueError, match="Got value of type COMPLEX128 but expected type COMPLEX64"):
        interpreter.set_tensor(detail["index"], np.ones((2, 3), np.complex128))
    x = np.array([[1 + 2j, -3j, np.inf], [np.nan, 0, -1 - 1e-30j]], C64)
    interpreter.set_tensor(detail["index"], x)
    interpreter.invoke()
    out = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    assert out.dtype == np.complex64
    np.testing.assert_array_equal(out.view(np.uint64), x.reshape(3, 2).view(np.uint64))
