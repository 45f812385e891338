"""Test tooling for jitlite: a .tflite model builder and LiteRT-referenced op checks.

Nothing here needs jitlite's native core; `jitlite.Interpreter` is imported only when a check
actually runs it, so the tools can be tested (LiteRT against LiteRT) on their own.
"""

from .check_op import (
    FLOAT_ATOL_FACTOR,
    FLOAT_ATOL_MIN,
    CheckResult,
    assert_outputs_match,
    build_op_model,
    check_op,
    float_tolerance,
    jitlite_interpreter,
    litert_interpreter,
    random_inputs,
    run_both,
    run_model,
)
from .images import read_gray_png
from .model_builder import OPS, ModelBuilder

__all__ = [
    "FLOAT_ATOL_FACTOR", "FLOAT_ATOL_MIN", "CheckResult", "ModelBuilder", "OPS",
    "assert_outputs_match", "build_op_model", "check_op", "float_tolerance",
    "jitlite_interpreter", "litert_interpreter", "random_inputs", "read_gray_png", "run_both",
    "run_model",
]
