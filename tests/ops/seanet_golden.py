"""Real-model checks against the golden outputs of ../shared/models/seanet (int16 layers from
tflite-micro, goldens produced by TFLite's reference kernels): jitlite must reproduce every
golden exactly.

Layout (../shared/models/README.md): seanet/<op>/<op>N.tflite, inputs <op>N_input<k>_<type>.csv
and the golden <op>N_golden_<type>.csv, comma-separated values flattened in row-major order.
"""

import pathlib

import numpy as np
import pytest

from jitlite.testing import jitlite_interpreter, run_model
from op_testing import MODELS_DIR

SEANET_DIR = MODELS_DIR / "seanet"

_DTYPES = {"int8": np.int8, "uint8": np.uint8, "int16": np.int16, "int32": np.int32}


def _read_csv(path):
    """The values of one CSV file (flattened), as int64."""
    text = path.read_text().replace("\n", ",")
    return np.array([int(v) for v in text.split(",") if v.strip()], np.int64)


def _one(directory, pattern):
    matches = sorted(directory.glob(pattern))
    return matches[0] if len(matches) == 1 else None


def _dtype_of(path):
    return _DTYPES[path.stem.rsplit("_", 1)[1]]


def seanet_model_numbers(op_dir):
    """The model numbers N of seanet/<op_dir>/<op_dir>N.tflite (0.. when the corpus is absent,
    so the parametrized tests still exist and skip)."""
    directory = SEANET_DIR / op_dir
    if not directory.is_dir():
        return list(range(1))
    numbers = [int(p.stem[len(op_dir):]) for p in directory.glob(f"{op_dir}*.tflite")]
    return sorted(numbers)


def check_seanet(op_dir, n):
    """Runs seanet/<op_dir>/<op_dir><n>.tflite in jitlite on its input CSVs and asserts that
    the output equals the golden CSV exactly (skips where the corpus or the CSVs are absent)."""
    directory = SEANET_DIR / op_dir
    stem = f"{op_dir}{n}"
    model_path = directory / f"{stem}.tflite"
    if not model_path.is_file():
        pytest.skip(f"model corpus not available: {model_path} is missing")
    golden_path = _one(directory, f"{stem}_golden_*.csv")
    if golden_path is None:
        pytest.skip(f"{stem} has no golden CSV")
    model = model_path.read_bytes()
    interpreter = jitlite_interpreter()(model_content=model)
    details = interpreter.get_input_details()
    inputs = []
    for k, detail in enumerate(details):
        input_path = _one(directory, f"{stem}_input{k}_*.csv")
        if input_path is None:
            pytest.skip(f"{stem} has no CSV for input {k}")
        values = _read_csv(input_path)
        shape = tuple(detail["shape"])
        assert values.size == int(np.prod(shape)), f"{input_path.name}: {values.size} values " \
                                                   f"for input shape {shape}"
        assert np.dtype(detail["dtype"]) == np.dtype(_dtype_of(input_path)), input_path.name
        inputs.append(values.astype(detail["dtype"]).reshape(shape))
    (actual,) = run_model(jitlite_interpreter(), model, inputs)
    golden = _read_csv(golden_path)
    assert actual.dtype == np.dtype(_dtype_of(golden_path)), f"{stem}: output type {actual.dtype}"
    assert actual.size == golden.size, f"{stem}: {actual.size} outputs, golden has {golden.size}"
    diff = np.abs(actual.reshape(-1).astype(np.int64) - golden)
    bad = np.flatnonzero(diff)
    assert bad.size == 0, (f"{stem}: {bad.size} of {golden.size} outputs differ from the golden, "
                           f"max by {diff.max()}; first at flat index {bad[0]}: "
                           f"{actual.reshape(-1)[bad[0]]} vs {golden[bad[0]]}")
