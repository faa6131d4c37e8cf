"""How the emulator marks a resource it did not create the usual way.

The emulator's models put one of these prefixes at the start of the reason of the
resource's stack event; ``deploy.inventory`` reads them back. Kept apart from
``emulator.models`` so that reading a stack does not import moto.
"""

from __future__ import annotations

#: The adapter did in-process what AWS does (e.g. CDK's bucket deployment).
EMULATED = "emulated: "
#: The emulator could not create the resource; the reason follows.
SKIPPED = "skipped: "
