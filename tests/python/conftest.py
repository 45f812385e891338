"""pytest setup for the Python tests: makes the in-tree `jitlite` package importable.

The package lives in python/ and is not installed during development, so put that directory
first on sys.path (an installed copy would otherwise shadow the tree being tested).
"""

import pathlib
import sys

_PYTHON_DIR = pathlib.Path(__file__).resolve().parents[2] / "python"
if str(_PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(_PYTHON_DIR))


# ---- shared fixtures for the API tests --------------------------------------

import types  # noqa: E402

import pytest  # noqa: E402

from shared_models import MODELS_DIR  # noqa: E402,F401


@pytest.fixture
def model_file():
    """model_file('api/add.bin') -> path to a model of ../shared/models,
    skipping the test where the corpus is absent (a user's fresh clone)."""
    def find(relative_path):
        path = MODELS_DIR / relative_path
        if not path.is_file():
            pytest.skip(f"model corpus not available: {path} is missing")
        return path
    return find


def _api(module_name):
    module = pytest.importorskip(module_name)
    return types.SimpleNamespace(
        name=module_name.split(".")[0], Interpreter=module.Interpreter,
        SignatureRunner=module.SignatureRunner,
        OpResolverType=module.OpResolverType, load_delegate=module.load_delegate)


@pytest.fixture
def jitlite_api():
    """jitlite's interpreter module, as a namespace of its public names."""
    return _api("jitlite.interpreter")


@pytest.fixture
def litert_api():
    """The reference: ai_edge_litert's interpreter module (skips if absent)."""
    return _api("ai_edge_litert.interpreter")


@pytest.fixture
def both_apis(jitlite_api, litert_api):
    """(jitlite, litert): run the same steps on each and compare."""
    return jitlite_api, litert_api
