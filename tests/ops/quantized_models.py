"""Real quantized models for the op tests, from ../shared/models beside the checkout (skipped,
with the reason, where that corpus is absent):

- `check_reference_model`: jitlite equals LiteRT's reference kernels (BUILTIN_REF) exactly on
  random inputs covering each input type's whole range;
- `check_golden_csvs`: a seanet layer (seanet/<op>/<op>N.tflite) reproduces its golden CSV
  exactly from its _input0/_input1 CSVs (comma-separated, flattened row-major).
"""

import numpy as np
import pytest

from jitlite.testing import jitlite_interpreter, run_model
from op_testing import MODELS_DIR, REFERENCE_KERNELS, check_model_file


def check_reference_model(relative_path, seed=0):
    check_model_file(relative_path, reference=REFERENCE_KERNELS, seed=seed)


def seanet_models(op):
    """The numbers N of seanet/<op>/<op>N.tflite (an empty list without the corpus)."""
    folder = MODELS_DIR / "seanet" / op
    if not folder.is_dir():
        return []
    return sorted(int(p.stem[len(op):]) for p in folder.glob(f"{op}*.tflite"))


def check_golden_csvs(op, n):
    folder = MODELS_DIR / "seanet" / op
    model_path = folder / f"{op}{n}.tflite"
    if not model_path.is_file():
        pytest.skip(f"model corpus not available: {model_path} is missing")
    goldens = sorted(folder.glob(f"{op}{n}_golden_*.csv"))
    inputs = sorted(folder.glob(f"{op}{n}_input*_*.csv"))
    if not goldens or not inputs:
        pytest.skip(f"{model_path.name} has no golden/input CSVs")
    model = model_path.read_bytes()
    interpreter = jitlite_interpreter()(model_content=model)
    details = interpreter.get_input_details()
    assert len(details) == len(inputs), \
        f"{model_path.name}: {len(details)} inputs, {len(inputs)} CSVs"
    values = [_read_csv(path, d["dtype"]).reshape(d["shape"]) for path, d in zip(inputs, details)]
    (actual,) = run_model(jitlite_interpreter(), model, values)
    golden = _read_csv(goldens[0], actual.dtype)
    assert actual.size == golden.size, f"{model_path.name}: {actual.size} outputs vs {golden.size}"
    diff = np.flatnonzero(actual.reshape(-1) != golden)
    assert diff.size == 0, (f"{model_path.name}: {diff.size} of {golden.size} outputs differ from "
                            f"the golden; first at {diff[0]}: got {actual.reshape(-1)[diff[0]]}, "
                            f"expected {golden[diff[0]]}")


def _read_csv(path, dtype):
    text = path.read_text().replace("\n", ",")
    return np.array([int(v) for v in text.split(",") if v.strip()], dtype=dtype)
