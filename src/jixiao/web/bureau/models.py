"""The bureau's own records: a task's 填报说明 attachments and the per-unit extensions it granted.

Both are append-only in practice: an attachment's file is stored once by its sha256; an
extension row records who moved a unit's deadline, to when and why (``Submission.extended_until``
holds the deadline in force).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..filing.models import Submission, Task

USER = settings.AUTH_USER_MODEL
KIND_CHOICES = [("pdf", "PDF"), ("docx", "Word"), ("xlsx", "Excel"), ("zip", "压缩包")]


class Attachment(models.Model):
    """A file of a task's 填报说明 (policy, template …), downloadable by the task's units and the bureau."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attachments", verbose_name="任务")
    name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=8, choices=KIND_CHOICES)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "填报说明附件"
        ordering = ["task_id", "id"]

    def __str__(self) -> str:
        return self.name


class Extension(models.Model):
    """A 延期 granted to one unit for one task: the new deadline, the previous one, who and why."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="extensions", verbose_name="单位填报"
    )
    until = models.DateTimeField("延期至")
    previous = models.DateTimeField("原截止时间")
    reason = models.TextField("延期原因")
    granted_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField("批准时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "延期记录"
        ordering = ["submission_id", "granted_at", "id"]
