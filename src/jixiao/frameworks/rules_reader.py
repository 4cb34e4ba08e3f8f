"""Read and validate one leaf's `rule:` mapping (formats §1 rule types and their keys).

Each rule kind reads its own keys (``core.kinds``, the registry of rule kinds); this module is
the table reader's entry to it.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..core.kinds import KINDS, check_bands, read_rule

RULE_KEYS: Mapping[str, tuple[str, ...]] = {kind.type: kind.keys for kind in KINDS.values()}

__all__ = ["RULE_KEYS", "check_bands", "read_rule"]
