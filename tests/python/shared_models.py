"""Where the team's model corpus lives: ../shared/models beside the checkout
(a module of its own, since both test folders have a conftest.py)."""
import pathlib

MODELS_DIR = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "models"
