"""Background jobs of review (Django Tasks API): auditing a large zip of outside reports."""

from django_tasks import task

from . import audits


@task()
def audit_batch(batch_id: int) -> None:
    """Audit every file of a stored zip; idempotent (claims the batch), takes only an id."""
    audits.run(batch_id)
