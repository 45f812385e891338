"""Shared pieces of the COMPLEX64 op tests (MUL, REAL, IMAG, COMPLEX_ABS, RFFT2D, copies)."""

import numpy as np
import pytest

import jitlite
from jitlite.testing import ModelBuilder, assert_outputs_match, build_op_model, random_inputs
from jitlite.testing.check_op import jitlite_interpreter, litert_interpreter, run_model
from op_testing import F32, UNARY_SHAPES, assert_rejected, check_op, shape_id

C64 = np.complex64

# Parts combined into complex specials: NaN, infinities, signed zeros, subnormals, values whose
# products overflow, ordinary values.
SPECIAL_PARTS = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, 1e30, -1e-30, 1.0, -3.5],
                         np.float32)


def special_grid():
    """Every (real, imag) pair of SPECIAL_PARTS."""
    re, im = np.meshgrid(SPECIAL_PARTS, SPECIAL_PARTS)
    grid = np.empty(re.size, C64)  # set part by part: re + 1j * im would turn inf into NaN
    grid.real, grid.imag = re.reshape(-1), im.reshape(-1)
    return grid


def assert_bit_exact(actual, expected, what):
    """Same bits, except that any NaN matches any NaN (payloads may differ)."""
    a = np.asarray(actual)
    e = np.asarray(expected)
    assert a.dtype == e.dtype and a.shape == e.shape, f"{what}: {a.dtype}{a.shape} vs {e.dtype}{e.shape}"
    parts = (lambda v: [v.real, v.imag]) if np.iscomplexobj(e) else (lambda v: [v])
    for p, q in zip(parts(a), parts(e)):
        same = (p.view(np.uint32) == q.view(np.uint32)) | (np.isnan(p) & np.isnan(q))
        bad = np.nonzero(~same.reshape(-1))[0]
        assert bad.size == 0, (f"{what}: {bad.size} elements differ, first at {bad[0]}: "
                               f"got {a.reshape(-1)[bad[0]]}, expected {e.reshape(-1)[bad[0]]}")


def check_exact(op, inputs, output_dtype):
    """Runs `op` on given arrays in jitlite and LiteRT; results must be bit-identical."""
    model = build_op_model(op, [(v.shape, v.dtype) for v in inputs], output_dtypes=output_dtype,
                           output_shapes=[list(np.broadcast_shapes(*[v.shape for v in inputs]))])
    (expected,) = run_model(litert_interpreter(), model, inputs)
    (actual,) = run_model(jitlite_interpreter(), model, inputs)
    assert_bit_exact(actual, expected, op)


def chain(nodes, input_spec):
    """x -> nodes...: each node (op, extra constant inputs, output dtype, output shape)."""
    mb = ModelBuilder(description="complex chain")
    t = mb.add_input("x", input_spec[1], list(input_spec[0]))
    for i, (op, constants, dtype, shape) in enumerate(nodes):
        operands = [t] + [mb.add_constant(f"c{i}_{k}", c) for k, c in enumerate(constants)]
        out = mb.add_tensor(f"t{i}", dtype, list(shape))
        mb.add_op(op, operands, [out])
        t = out
    mb.mark_output(t)
    return mb.build()


def assert_chain_matches(model, one_kernel):
    """The chain matches LiteRT; with one_kernel, jitlite compiled it into a single kernel."""
    interpreter = jitlite.Interpreter(model_content=model)
    interpreter.allocate_tensors()
    if one_kernel:
        assert len(interpreter.get_jit_details()["kernels"]) == 1
    values = random_inputs(model)
    assert_outputs_match(run_model(jitlite_interpreter(), model, values),
                         run_model(litert_interpreter(), model, values))


class ComplexToFloatCases:
    """REAL / IMAG / COMPLEX_ABS (COMPLEX64 -> FLOAT32, elementwise): shapes from scalars to rank 8
    and empty ones, bit-exact special values, fusion after a complex MUL, and the refusals. The
    op's test file subclasses this as Test<Op> and sets OP."""
    OP = None

    @pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
    def test_shapes(self, shape):
        check_op(self.OP, [(shape, C64)], output_dtype=F32, input_range=(-100, 100))

    def test_special_values(self):
        check_exact(self.OP, [special_grid()], F32)

    def test_fuses_with_complex_mul(self):
        y = (np.arange(6) - 2j * np.arange(6)).astype(C64).reshape(2, 3)
        model = chain([("MUL", [y], C64, (2, 3)), (self.OP, [], F32, (2, 3))], ((2, 3), C64))
        assert_chain_matches(model, one_kernel=True)

    def test_rejects_float32(self):
        assert_rejected(self.OP, [((3,), F32)], output_dtypes=F32,
                        match=f"FLOAT32, which TFLite's {self.OP} does not accept",
                        litert_rejects=True)

    def test_rejects_float64(self):
        assert_rejected(self.OP, [((3,), np.float64)], output_dtypes=F32,
                        match=f"FLOAT64, which TFLite's {self.OP} does not accept")

    def test_rejects_two_inputs(self):
        assert_rejected(self.OP, [((3,), C64), ((3,), C64)], output_dtypes=F32,
                        match="expected 1 inputs, got 2")
