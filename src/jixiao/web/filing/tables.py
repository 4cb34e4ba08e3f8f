"""The table source of the web: built-in tables, and those the bureau stored (``StoredTable``), by id."""

from __future__ import annotations

from ...frameworks import loader
from ...services import evaluations as ev
from .models import StoredTable

_CACHE: dict[tuple[str, str], loader.Loaded] = {}


class DatabaseTables(ev.BuiltinTables):
    """Built-ins first (a stored table can never replace one), then the stored tables, each parsed once."""

    def load(self, table_id: str) -> loader.Loaded:
        if loader.builtin_path(table_id) is not None:
            return super().load(table_id)
        row = StoredTable.objects.filter(table_id=table_id).values_list("sha256", "yaml_text").first()
        if row is None:
            return super().load(table_id)
        key = (table_id, row[0])
        if key not in _CACHE:
            _CACHE[key] = ev.StoredTables({table_id: row[1]}).load(table_id)
        return _CACHE[key]

    def known_ids(self) -> list[str]:
        return sorted({*super().known_ids(), *StoredTable.objects.values_list("table_id", flat=True)})


TABLES = DatabaseTables()
