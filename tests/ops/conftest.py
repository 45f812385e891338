"""pytest setup for the per-op tests: makes the in-tree `jitlite` package and the shared op-test
helpers (tests/ops/op_testing.py) importable without an installed copy or PYTHONPATH."""

import pathlib
import sys

_OPS_DIR = pathlib.Path(__file__).resolve().parent
_PYTHON_DIR = _OPS_DIR.parents[1] / "python"
for path in (_PYTHON_DIR, _OPS_DIR):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
