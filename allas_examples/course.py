"""The example scripts in course order, and a way to load their functions."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from allas_examples.errors import ConfigurationError


def _examples_dir() -> Path:
    """Where the scripts are: ``allas_examples/examples/`` in an installed wheel,
    ``examples/`` at the top of a clone (also with ``pip install -e``)."""
    package = Path(__file__).resolve().parent
    clone = package.parent
    if not (package / "examples").is_dir() and (clone / "pyproject.toml").is_file():
        return clone / "examples"
    return package / "examples"


EXAMPLES_DIR = _examples_dir()

# Course order: the order of CSC's pages, with the large upload after the small one and
# the examples beyond the pages before the final clean-up.
EXAMPLES = (
    "create_connection",
    "log_in",
    "create_bucket",
    "upload_object",
    "upload_large_object",
    "list_buckets_and_objects",
    "download_object",
    "list_pseudo_folders",
    "object_metadata",
    "copy_and_move",
    "share_bucket",
    "make_temp_url",
    "upload_with_expiry",
    "upload_folder",
    "download_folder",
    "download_large_object",
    "check_integrity",
    "remove_buckets_and_objects",
)


def example_path(name: str) -> Path:
    """The script ``NAME.py``; ``ConfigurationError`` when the installation lacks it."""
    path = EXAMPLES_DIR / f"{name}.py"
    if not path.is_file():
        raise ConfigurationError("example_missing", path=path)
    return path


def load_example(name: str) -> ModuleType:
    """Import ``examples/NAME.py`` as a module (its ``__main__`` block does not run)."""
    module_name = f"allas_examples._examples.{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, example_path(name))
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
