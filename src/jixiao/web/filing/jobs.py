"""Background jobs (Django Tasks API; the database backend runs them in ``db_worker`` processes)."""

from django_tasks import task

from . import ops


@task(queue_name="pdf")
def make_pdf(file_id: int) -> None:
    """Convert one evaluation's report to PDF with LibreOffice; idempotent, takes only an id."""
    ops.build_pdf(file_id)
