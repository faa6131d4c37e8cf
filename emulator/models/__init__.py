"""CloudFormation models the emulator adds to moto or puts in place of moto's, one module
per AWS service.

Each module registers its own models with the decorators of ``registry.py``, so adding a
service is adding its module (and its test file): importing this package imports every
module in it, and the adapter (``emulator.adapter``) reads the registry. ``base.py``,
``skipped.py`` and ``registry.py`` are the shared helpers. Every model creates its
resource through the moto backend of its own service (see ``base.py``).
"""

from __future__ import annotations

import importlib
import pkgutil

from emulator.models.base import SandboxModel
from emulator.models.registry import API_ACTIONS, CUSTOM_RESOURCES, OVERRIDES, REGISTERED, all_models
from emulator.models.skipped import SkippedResource

#: The modules that hold no models of their own.
HELPERS = frozenset({"base", "registry", "skipped"})

#: The service modules, sorted by name.
SERVICES = tuple(
    importlib.import_module(f"{__name__}.{module.name}")
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda module: module.name)
    if module.name not in HELPERS
)

__all__ = [
    "API_ACTIONS",
    "CUSTOM_RESOURCES",
    "HELPERS",
    "OVERRIDES",
    "REGISTERED",
    "SERVICES",
    "SandboxModel",
    "SkippedResource",
    "all_models",
]
