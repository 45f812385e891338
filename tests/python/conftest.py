"""pytest setup for the Python tests: makes the in-tree `jitlite` package importable.

The package lives in python/ and is not installed during development, so put that directory
first on sys.path (an installed copy would otherwise shadow the tree being tested).
"""

import pathlib
import sys

_PYTHON_DIR = pathlib.Path(__file__).resolve().parents[2] / "python"
if str(_PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(_PYTHON_DIR))
