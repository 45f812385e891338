"""The int8 GEMM on AMX tiles (jit/qgemm.h), bit-exact with LiteRT's reference kernels, with AMX
on and off (JITLITE_AMX=0 keeps the VNNI kernel), on 1 and 2 threads. Shapes at the edges of
the AMX tiles: k not a multiple of 64 (the last k tile half zeros) or below 64, columns not a
multiple of the 2-panel groups of 32 or of 16, rows not a multiple of the 32-row tiles, below
and just above 16 (one A tile or two)."""
import functools
from pathlib import Path

import numpy as np
import pytest

from op_testing import check_quantized
from quantized_conv_cases import check_quantized_conv


def _host_has_amx():
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.is_file():
        return False
    flags = cpuinfo.read_text()
    return "amx_int8" in flags and "amx_tile" in flags


needs_amx = pytest.mark.skipif(not _host_has_amx(), reason="the host has no AMX-INT8 tiles")


@pytest.fixture(params=["on", "off"])
def amx(request, monkeypatch):
    # The switch is read when an interpreter's JIT engine is made.
    if request.param == "off":
        monkeypatch.setenv("JITLITE_AMX", "0")
    else:
        monkeypatch.delenv("JITLITE_AMX", raising=False)
    return request.param


def _runner(threads):
    from jitlite import Interpreter
    return functools.partial(Interpreter, num_threads=threads)


CONV_CASES = [
    ((1, 7, 9, 45), (37, 1, 1, 45), dict(padding="VALID")),  # k 45, 3 panels (one partial), m 63
    ((1, 7, 9, 13), (37, 1, 1, 13), dict(padding="VALID")),  # k 13: below kMinAmxDepth, VNNI
    ((2, 6, 6, 64), (144, 1, 1, 64), dict(padding="SAME")),  # k one tile, 9 panels, m 72
    ((1, 5, 4, 40), (16, 1, 1, 40), dict(padding="SAME")),  # m 20: a partial second A tile
    ((1, 4, 4, 200), (33, 1, 1, 200), dict(padding="SAME")),  # m 16: one A tile; k 200
    ((1, 12, 12, 130), (65, 3, 3, 130), dict(padding="VALID")),  # k 1170: 19 tiles, m 100
    ((1, 14, 14, 3), (96, 3, 3, 3), dict(padding="SAME", stride_h=2, stride_w=2)),  # k 27: VNNI
    ((1, 9, 9, 8), (20, 3, 3, 8), dict(padding="SAME")),  # k 72: windows on AMX, m 81
]


@needs_amx
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("input_shape, filter_shape, options", CONV_CASES, ids=str)
def test_conv(amx, threads, input_shape, filter_shape, options):
    check_quantized_conv("CONV_2D", input_shape, filter_shape, 0, "int8", True, options=options,
                         runner=_runner(threads))


@needs_amx
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("input_shape, units", [((17, 100), 37), ((48, 1030), 70), ((40, 64), 32),
                                                ((1, 64), 48), ((16, 36), 20)], ids=str)
def test_fully_connected(amx, threads, input_shape, units):
    check_quantized_conv("FULLY_CONNECTED", input_shape, (units, input_shape[-1]), 0, "int8",
                         True, runner=_runner(threads))


@needs_amx
@pytest.mark.parametrize("shapes", [((2, 40, 70), (70, 33)), ((3, 16, 64), (64, 16)),
                                    ((1, 130, 129), (129, 77))], ids=str)
def test_batch_matmul(amx, shapes):
    quant = [dict(scale=0.03, zero_point=-128), dict(scale=0.02, zero_point=127),
             dict(scale=2.0, zero_point=-9)]
    inputs = [(shapes[0], np.int8, quant[0]), (shapes[1], np.int8, quant[1])]
    check_quantized("BATCH_MATMUL", inputs, output_quant=quant[2], runner=_runner(2))


@needs_amx
@pytest.mark.parametrize("amx_env, target_cpu, expect_tiles", [
    (None, None, True), ("0", None, False), (None, "skylake-avx512", False)])
def test_tiles_only_where_allowed(tmp_path, monkeypatch, amx_env, target_cpu, expect_tiles):
    # The optimized IR of the kernel (JITLITE_DUMP_DIR) holds tdpbusd only with AMX on and a target
    # that has it: a forced lower target or JITLITE_AMX=0 keeps VNNI (and stays bit-exact).
    from jitlite import Interpreter
    monkeypatch.setenv("JITLITE_DUMP_DIR", str(tmp_path))
    monkeypatch.setenv("JITLITE_CACHE_DIR", "off")
    if amx_env is None:
        monkeypatch.delenv("JITLITE_AMX", raising=False)
    else:
        monkeypatch.setenv("JITLITE_AMX", amx_env)
    runner = functools.partial(Interpreter, experimental_target_cpu=target_cpu)
    check_quantized_conv("CONV_2D", (1, 8, 8, 64), (48, 1, 1, 64), 0, "int8", True,
                         options=dict(padding="SAME"), runner=runner)
    dumped = " ".join(p.read_text() for p in tmp_path.glob("*conv_2d*.ll"))
    assert dumped, "no kernel was dumped"
    assert ("llvm.x86.tdpbusd" in dumped) == expect_tiles
