"""Background jobs of the exports (Django Tasks API); they take an id only and are idempotent."""

from django_tasks import task

from . import exports


@task(queue_name="default")
def make_export(export_id: int) -> None:
    """Build one export (zip of reports or 汇总表); a second run of the same id does nothing."""
    exports.build_export(export_id)
