"""STRIDED_SLICE against LiteRT: every mask bit alone and in combinations, negative indices and
strides, clamping, offset, ranks 1-5, float32/int32/int64/bool, folded (constant data) and kernel
paths; plus the errors jitlite reports."""

import numpy as np
import pytest

from jitlite import Interpreter
from jitlite.testing.check_op import (assert_outputs_match, build_op_model, check_op,
                                      litert_interpreter, run_model)
from op_testing import STR, check_strings, random_strings
from op_testing import check_quantized, check_value_inputs
from seanet_golden import check_seanet, seanet_model_numbers

DTYPES = [np.float32, np.int32, np.int64, np.bool_]


def spec(begin, end, strides, dtype=np.int32):
    return [np.array(v, dtype) for v in (begin, end, strides)]


def const_data(shape, dtype, seed=1):
    rng = np.random.default_rng(seed)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    return (rng.uniform(-50, 50, shape)).astype(dtype)


# (input shape, begin, end, strides, options)
CASES = [
    ((7,), [1], [6], [1], {}),
    ((7,), [1], [6], [2], {}),
    ((7,), [6], [0], [-1], {}),
    ((7,), [-1], [-8], [-2], {}),
    ((7,), [-100], [100], [1], {}),          # clamped both sides
    ((7,), [100], [-100], [-3], {}),         # clamped, backwards
    ((7,), [5], [2], [1], {}),               # empty result
    ((7,), [3], [0], [1], dict(shrink_axis_mask=1)),  # rank-0 output
    ((7,), [-2], [0], [1], dict(shrink_axis_mask=1)),
    ((4, 5, 6), [1, 0, 2], [3, 5, 6], [1, 1, 1], {}),
    ((4, 5, 6), [0, 4, 5], [4, 0, 0], [2, -2, -3], {}),
    ((4, 5, 6), [1, 1, 1], [2, 2, 2], [1, 1, 1], dict(begin_mask=1)),
    ((4, 5, 6), [1, 1, 1], [2, 2, 2], [1, 1, 1], dict(begin_mask=2)),
    ((4, 5, 6), [1, 1, 1], [2, 2, 2], [1, 1, 1], dict(begin_mask=4)),
    ((4, 5, 6), [1, 1, 1], [2, 2, 2], [1, 1, 1], dict(end_mask=1)),
    ((4, 5, 6), [1, 1, 1], [2, 2, 2], [1, 1, 1], dict(end_mask=2)),
    ((4, 5, 6), [1, 1, 1], [2, 2, 2], [1, 1, 1], dict(end_mask=4)),
    ((4, 5, 6), [2, 3, 4], [0, 0, 0], [-1, -1, -2], dict(begin_mask=7)),
    ((4, 5, 6), [2, 3, 4], [0, 0, 0], [-1, -1, -2], dict(end_mask=7)),
    ((4, 5, 6), [2, 3, 4], [1, 1, 1], [1, 2, 1], dict(begin_mask=5, end_mask=2)),
    ((4, 5, 6), [1, 2, 3], [2, 3, 4], [1, 1, 1], dict(shrink_axis_mask=1)),
    ((4, 5, 6), [1, 2, 3], [2, 3, 4], [1, 1, 1], dict(shrink_axis_mask=2)),
    ((4, 5, 6), [1, -2, 3], [2, 3, 4], [1, 1, 1], dict(shrink_axis_mask=2)),
    ((4, 5, 6), [1, 2, 3], [2, 3, 4], [1, 1, 1], dict(shrink_axis_mask=4)),
    ((4, 5, 6), [1, 2, 3], [2, 3, 4], [1, 1, 1], dict(shrink_axis_mask=5)),
    ((4, 5, 6), [1, 2, -1], [0, 0, 0], [1, 1, 1], dict(shrink_axis_mask=7)),  # rank 0
    ((4, 5, 6), [1, 0, 0], [3, 0, 0], [1, 1, 1], dict(shrink_axis_mask=1, end_mask=6)),
    ((4, 5, 6), [0, 1], [0, 4], [1, 2], dict(ellipsis_mask=1)),            # [..., 1:4:2]
    ((4, 5, 6), [1, 0], [3, 0], [1, 1], dict(ellipsis_mask=2)),            # [1:3, ...]
    ((4, 5, 6), [1, 0, 2], [2, 0, 5], [1, 1, 1], dict(ellipsis_mask=2)),   # [1:2, ..., 2:5]
    ((4, 5, 6), [0, 3], [0, 4], [1, 1], dict(ellipsis_mask=1, shrink_axis_mask=2)),
    ((2, 3, 4, 5), [1, 0, 1], [2, 0, 3], [1, 1, 1], dict(ellipsis_mask=2, shrink_axis_mask=1)),
    ((4, 5, 6), [0, 0, 0, 0], [1, 4, 5, 6], [1, 1, 1, 1], dict(new_axis_mask=1)),
    ((4, 5, 6), [1, 0, 0, 0], [3, 1, 5, 6], [1, 1, 1, 1], dict(new_axis_mask=2)),
    ((4, 5, 6), [0, 0, 0, 0], [4, 5, 0, 6], [1, 1, 1, 1], dict(new_axis_mask=4, end_mask=8)),
    ((4, 5, 6), [0, 0], [0, 0], [1, 1], dict(new_axis_mask=1, ellipsis_mask=2)),  # [None, ...]
    ((4, 5, 6), [0, 0], [0, 0], [1, 1], dict(ellipsis_mask=1, new_axis_mask=2)),  # [..., None]
    ((4, 5, 6), [0, 0, 2], [0, 0, 3], [1, 1, 1],
     dict(ellipsis_mask=1, new_axis_mask=2, shrink_axis_mask=4)),
    ((4, 5, 6), [1, 0], [3, 5], [1, 1], {}),                                # short spec
    ((4, 5, 6), [1, 2, 0], [2, 2, 5], [1, 1, 2], dict(offset=True)),
    ((4, 5, 6), [-3, 0, 1], [2, 5, 4], [1, 1, 1], dict(offset=True)),
    ((4, 5, 6), [1, 2, 3], [2, 2, 1], [1, 1, 1], dict(offset=True, shrink_axis_mask=4)),
    ((3, 0, 4), [0, 0, 1], [3, 0, 3], [1, 1, 1], {}),                       # zero-size dim
    ((2, 3, 4, 5, 6), [0, 1, 0, 1, 5], [2, 3, 4, 4, 0], [1, 1, 3, 2, -2], {}),
    ((2, 1, 3, 1, 2), [1, 0, 0, 0, 0], [2, 1, 3, 1, 2], [1, 1, -1, 1, 1],
     dict(shrink_axis_mask=9, begin_mask=4)),
    ((1, 8, 8, 3), [0, 0, 0, 0], [1, 8, 8, 3], [1, 2, 2, 1], {}),
]

IDS = [f"{c[0]}-{c[1]}:{c[2]}:{c[3]}-{c[4]}" for c in CASES]


@pytest.mark.parametrize("shape, begin, end, strides, options", CASES, ids=IDS)
def test_kernel_float32(shape, begin, end, strides, options):
    check_op("STRIDED_SLICE", inputs=[(shape, np.float32)], constants=spec(begin, end, strides),
             options=options)


@pytest.mark.parametrize("shape, begin, end, strides, options", CASES, ids=IDS)
def test_folded(shape, begin, end, strides, options):
    # jitlite folds the constant-data slice; LiteRT runs the same data as a runtime input
    # (its own folded path cannot hand out 0-element outputs, which some cases produce).
    data = const_data(shape, np.int32)
    build = dict(constants=spec(begin, end, strides), options=options)
    kernel_model = build_op_model("STRIDED_SLICE", inputs=[(shape, np.int32)], **build)
    expected = run_model(litert_interpreter(), kernel_model, [data])
    folded_model = build_op_model("STRIDED_SLICE", inputs=[data], **build,
                                  output_shapes=[list(expected[0].shape)])
    assert_outputs_match(run_model(Interpreter, folded_model, []), expected)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", [CASES[10], CASES[25], CASES[29], CASES[37], CASES[43]],
                         ids=lambda c: str(c[4]))
def test_dtypes(dtype, case):
    shape, begin, end, strides, options = case
    check_op("STRIDED_SLICE", inputs=[(shape, dtype)], constants=spec(begin, end, strides),
             options=options)
    check_op("STRIDED_SLICE", inputs=[const_data(shape, dtype)],
             constants=spec(begin, end, strides), options=options)


@pytest.mark.parametrize("folded", [False, True])
def test_int64_spec_matches_int32(folded):
    # LiteRT takes only INT32 begin/end/strides; jitlite also reads INT64 ones.
    shape = (4, 5, 6)
    data = const_data(shape, np.float32)
    first = data if folded else (shape, np.float32)
    outputs = []
    for idtype in (np.int32, np.int64):
        model = build_op_model("STRIDED_SLICE", inputs=[first],
                               constants=spec([3, 0, 1], [0, 5, 6], [-1, 2, 2], idtype),
                               output_shapes=[[3, 3, 3]])
        outputs.append(run_model(Interpreter, model, [] if folded else [data]))
    np.testing.assert_array_equal(outputs[0][0], outputs[1][0])
    np.testing.assert_array_equal(outputs[0][0], data[3:0:-1, 0:5:2, 1:6:2])


def allocate(model, exception=RuntimeError):
    interpreter = Interpreter(model_content=model)
    interpreter.allocate_tensors()
    return interpreter


@pytest.mark.parametrize("inputs, constants, options, error, match", [
    ([((4, 5), np.float32)], spec([0, 0], [1, 1], [1, 0]), {}, RuntimeError, "non-zero"),
    ([((4, 5), np.float32)], spec([0, 9], [1, 1], [1, 1]), dict(shrink_axis_mask=2),
     RuntimeError, "out of range"),
    ([((4, 5), np.float32)], spec([0, 3], [1, 4], [1, 1]), dict(offset=True),
     RuntimeError, "reaches outside"),
    ([((4, 5), np.float32)], spec([0, 0], [1, 1], [1, 1]), dict(ellipsis_mask=3),
     RuntimeError, "more than one bit"),
    ([((4, 5), np.float32)], spec([0, 0], [1, 1], [1, 1]), dict(new_axis_mask=4),
     RuntimeError, "past the spec"),
    ([((4, 5), np.float32)], [np.array([0, 0], np.int32), np.array([1], np.int32),
                               np.array([1, 1], np.int32)], {}, RuntimeError, "must match"),
    ([((4, 5), np.float32)], [np.array([[0, 0]], np.int32), np.array([1, 1], np.int32),
                               np.array([1, 1], np.int32)], {}, RuntimeError, "must be 1-D"),
    ([((4, 5), np.int8, dict(scale=0.5, zero_point=0))], spec([0, 0], [1, 1], [1, 1]), {},
     RuntimeError, "quantized differently"),
    ([((2, 2, 2, 2, 2, 2), np.float32)], spec([0], [1], [1]), {}, RuntimeError, "1D-5D"),
    ([((2, 2, 2, 2, 2), np.float32)], spec([0, 0], [1, 1], [1, 1]), dict(new_axis_mask=1),
     RuntimeError, "at most 5"),
    ([((4, 5), np.float32)], spec([0, 0], [1, 1], [1, 1]), dict(offset=True, ellipsis_mask=1),
     RuntimeError, "offset"),
])
def test_errors(inputs, constants, options, error, match):
    model = build_op_model("STRIDED_SLICE", inputs=inputs, constants=constants, options=options,
                           output_shapes=[[1]], output_quant=dict(scale=0.25, zero_point=0))
    with pytest.raises(error, match=match):
        allocate(model)


def test_runtime_bounds_compile_per_value():
    x = np.arange(20, dtype=np.float32).reshape(4, 5)
    bounds = [([1, 1], [3, 4], [1, 1]), ([0, 4], [4, 0], [2, -1]), ([1, 1], [3, 4], [1, 1])]
    check_value_inputs("STRIDED_SLICE", [[x] + [np.array(v, np.int32) for v in b]
                                         for b in bounds])


@pytest.mark.parametrize("folded", [False, True])
def test_shrink_with_negative_stride_takes_begin(folded):
    # LiteRT writes nothing there (its loop ends at once: garbage output); jitlite takes the
    # element at begin, as TensorFlow does. So this compares with numpy.
    data = const_data((4, 5), np.float32)
    model = build_op_model("STRIDED_SLICE", inputs=[data if folded else ((4, 5), np.float32)],
                           constants=spec([2, 1], [3, 4], [-1, 1]),
                           options=dict(shrink_axis_mask=1), output_shapes=[[3]])
    (out,) = run_model(Interpreter, model, [] if folded else [data])
    np.testing.assert_array_equal(out, data[2, 1:4])


@pytest.mark.parametrize("n", seanet_model_numbers("strided_slice"))
def test_seanet_golden(n):
    check_seanet("strided_slice", n)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    q = dict(scale=0.5, zero_point=0 if dtype == np.int16 else -3 if dtype == np.int8 else 140)
    check_quantized("STRIDED_SLICE", [((4, 6, 5), dtype, q)],
                    [np.array(v, np.int32) for v in ([1, 0, 4], [4, 6, 0], [1, 2, -1])])


# --- STRING tensors (run as interned ids: lib/string_tensors.h) -------------------------------

@pytest.mark.parametrize("shape, begin, end, strides", [((6,), [1], [5], [2]),
                                                        ((3, 4), [2, 0], [0, 4], [-1, 3])])
def test_strings(shape, begin, end, strides):
    check_strings("STRIDED_SLICE", [random_strings(shape, seed=len(shape))],
                  [np.array(v, np.int32) for v in (begin, end, strides)])
