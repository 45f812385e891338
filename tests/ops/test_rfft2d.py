"""RFFT2D against LiteRT: fft_length cropping and zero-padding the input, batch dims up to rank 8,
empty tensors, sizes up to 256x512, the STFT pattern (RFFT2D -> COMPLEX_ABS in one kernel), and
the models jitlite must refuse. Values within the default float tolerance (1e-5 of max|ref|);
both sides compute in double, so in practice they differ in the last float bit at most."""

import numpy as np
import pytest

from complex_cases import C64, assert_chain_matches, chain
from jitlite.testing import assert_outputs_match, build_op_model
from jitlite.testing.check_op import jitlite_interpreter, run_both, run_model
from op_testing import F32, I32, assert_rejected, check_op

CASES = [  # (input shape, fft_length)
    ((4, 4), (4, 4)),
    ((8, 16), (8, 16)),
    ((4, 4), (1, 4)),      # crop rows to one
    ((5, 6), (1, 2)),
    ((3, 5), (8, 8)),      # zero-pad both dims
    ((9, 7), (4, 2)),      # crop both dims
    ((6, 10), (16, 4)),    # pad rows, crop columns
    ((2, 3, 7, 9), (4, 16)),
    ((1, 2, 3, 32, 64), (32, 64)),
    ((1, 1, 1, 1, 1, 1, 4, 4), (4, 4)),
    ((3, 100, 1, 512), (1, 512)),  # an STFT: frames of 512 samples
    ((256, 512), (256, 512)),
]


@pytest.mark.parametrize("shape, fft_length", CASES, ids=str)
def test_shapes(shape, fft_length):
    check_op("RFFT2D", [(shape, F32), np.array(fft_length, I32)], output_dtype=C64)


@pytest.mark.parametrize("shape", [(0, 4, 4), (2, 0, 4), (3, 0), (0, 0)], ids=str)
def test_empty(shape):
    check_op("RFFT2D", [(shape, F32), np.array([4, 4], I32)], output_dtype=C64)


@pytest.mark.parametrize("seed", [1, 2])
def test_wide_range(seed):
    check_op("RFFT2D", [((16, 32), F32), np.array([16, 32], I32)], output_dtype=C64,
             input_range=(-1e4, 1e4), seed=seed)


def test_stft_magnitude_is_one_kernel():
    # tf.signal.stft's magnitude: the spectrum of each frame, then its absolute value.
    model = chain([("RFFT2D", [np.array([1, 256], I32)], C64, (2, 10, 1, 129)),
                   ("COMPLEX_ABS", [], F32, (2, 10, 1, 129))], ((2, 10, 1, 256), F32))
    assert_chain_matches(model, one_kernel=True)


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fft_length", [(3, 4), (4, 6), (0, 4), (4, 0), (-4, 4)], ids=str)
def test_rejects_non_power_of_two(fft_length):
    assert_rejected("RFFT2D", [((4, 4), F32), np.array(fft_length, I32)],
                    output_dtypes=C64, match="not a power of two", litert_rejects=True)


def test_refuses_width_one():
    # TFLite's fft2d returns wrong values for an FFT width of 1; jitlite refuses it.
    assert_rejected("RFFT2D", [((4, 4), F32), np.array([4, 1], I32)], output_dtypes=C64,
                    match="fft_length\\[1\\] = 1")


def test_rejects_rank_1():
    assert_rejected("RFFT2D", [((4,), F32), np.array([4, 4], I32)], output_dtypes=C64,
                    match="has rank 1", litert_rejects=True)


def test_rejects_int32_input():
    assert_rejected("RFFT2D", [((4, 4), I32), np.array([4, 4], I32)], output_dtypes=C64,
                    match="INT32, which TFLite's RFFT2D does not accept", litert_rejects=True)


def test_rejects_int64_fft_length():
    assert_rejected("RFFT2D", [((4, 4), F32), np.array([4, 4], np.int64)], output_dtypes=C64,
                    match="fft_length \\(input 1\\) has type INT64", litert_rejects=True)


def test_rejects_fft_length_of_three_values():
    assert_rejected("RFFT2D", [((4, 4), F32), np.array([4, 4, 4], I32)], output_dtypes=C64,
                    match="expected \\[2\\]", litert_rejects=True)


def test_fft_length_as_graph_input():
    # The output shape follows the value given at run time, as in LiteRT (a dynamic output).
    model = build_op_model("RFFT2D", [((3, 5), F32), ((2,), I32)], output_dtypes=C64)
    x = np.random.default_rng(0).uniform(-1, 1, (3, 5)).astype(F32)
    for fft_length in ([4, 8], [2, 2], [8, 4]):
        actual, expected = run_both(model, [x, np.array(fft_length, I32)])
        assert_outputs_match(actual, expected, context=f"fft_length={fft_length}")
    with pytest.raises(Exception, match="fft_length\\[0\\] = 3 is not a power of two"):
        run_model(jitlite_interpreter(), model, [x, np.array([3, 8], I32)])
