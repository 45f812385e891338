"""Shared pieces of the unary elementwise op tests (ABS, NEG, SQUARE, FLOOR, CEIL, ROUND, SIGN,
LOG, SIN, COS, ELU, RELU_0_TO_1, GELU, ZEROS_LIKE):

- `check_special` compares given inputs with LiteRT like op_testing.check_values, and also the
  sign of every zero (assert_outputs_match treats -0 == +0; ROUND, NEG, ABS... differ there);
- `chain_model` / `assert_one_kernel` build a chain of unary ops and check that jitlite fuses it
  into one kernel that matches LiteRT;
- `check_real_model` runs a converter-made model from ../shared/models/ops (skipped when the
  folder is absent);
- `check_every_byte` runs an 8-bit quantized op on all 256 input values against LiteRT's
  reference kernels by default (bit-exact; for the table-driven ops).
"""


import numpy as np
import pytest

import jitlite
from jitlite.testing import (ModelBuilder, assert_outputs_match, build_op_model,
                             jitlite_interpreter, litert_interpreter, random_inputs, run_model)
from op_testing import F32, REFERENCE_KERNELS, TFLITE_KERNELS, check_model_file

def check_special(op, values, options=None, *, reference=TFLITE_KERNELS):
    """Runs `op` on one given input array in jitlite and `reference`; values, NaN/inf positions
    and the signs of zeros must match. TFLite's own kernels are the default reference: LiteRT's
    XNNPACK path flushes subnormals to zero (and so gives other signs of zero and other results
    for tiny inputs), which jitlite does not do."""
    values = np.asarray(values)
    model = build_op_model(op, [(values.shape, values.dtype)], options=options,
                           output_shapes=[list(values.shape)])
    (expected,) = run_model(reference, model, [values])
    (actual,) = run_model(jitlite_interpreter(), model, [values])
    assert_outputs_match([actual], [expected], context=f"{op} options={options or {}}")
    if np.issubdtype(expected.dtype, np.floating):
        zeros = expected == 0
        np.testing.assert_array_equal(np.signbit(actual[zeros]), np.signbit(expected[zeros]),
                                      err_msg=f"{op}: signs of zeros differ for inputs "
                                              f"{values[zeros]}")


def chain_model(ops, shape, dtype=F32):
    """x -> ops[0] -> ops[1] -> ...: a model of unary nodes ((name, options) or a name)."""
    mb = ModelBuilder(description="unary chain")
    t = mb.add_input("x", dtype, shape)
    for i, op in enumerate(ops):
        name, options = op if isinstance(op, tuple) else (op, None)
        out = mb.add_tensor(f"t{i}_{name.lower()}", dtype, shape)
        mb.add_op(name, [t], [out], options)
        t = out
    mb.mark_output(t)
    return mb.build()


def assert_one_kernel(ops, shape=(2, 5, 7), input_range=(-2.0, 2.0), reference=TFLITE_KERNELS):
    """The chain of `ops` compiles to one kernel covering every node and matches `reference`."""
    model = chain_model(ops, shape)
    interpreter = jitlite.Interpreter(model_content=model)
    interpreter.allocate_tensors()
    (kernel,) = interpreter.get_jit_details()["kernels"]
    assert kernel["op_indices"] == list(range(len(ops)))
    values = random_inputs(model, input_range=input_range)
    assert_outputs_match(run_model(jitlite_interpreter(), model, values),
                         run_model(reference, model, values))


def check_real_model(file_name, input_range=(-5.0, 5.0), seed=0):
    """A converter-made model of the shared corpus's ops/ folder in jitlite against LiteRT."""
    check_model_file("ops/" + file_name, seed=seed, input_range=input_range)


def assert_close_to_tflite(op, values, *, atol, rtol=0.0, options=None):
    """Stricter than check_op's range-relative tolerance: jitlite's inline polynomial against
    TFLite's kernels (libm) elementwise, within atol + rtol * |expected|."""
    values = np.asarray(values)
    model = build_op_model(op, [(values.shape, values.dtype)], options=options,
                           output_shapes=[list(values.shape)])
    (expected,) = run_model(TFLITE_KERNELS, model, [values])
    (actual,) = run_model(jitlite_interpreter(), model, [values])
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol,
                               err_msg=f"{op} options={options or {}}")


def check_every_byte(op, dtype, in_quant, out_quant, options=None, *,
                     reference=REFERENCE_KERNELS):
    """All 256 stored values of `dtype` (INT8/UINT8) through `op`; bit-exact vs `reference`
    (BUILTIN_REF unless the op is missing there)."""
    info = np.iinfo(dtype)
    x = np.arange(info.min, info.max + 1).astype(dtype).reshape(16, 16)
    model = build_op_model(op, [(x.shape, dtype, in_quant)], options=options,
                           output_quant=out_quant, output_shapes=[list(x.shape)])
    expected = run_model(reference, model, [x])
    actual = run_model(jitlite_interpreter(), model, [x])
    assert_outputs_match(actual, expected, context=f"{op} {dtype.__name__} {in_quant} -> "
                                                   f"{out_quant} options={options or {}}")

