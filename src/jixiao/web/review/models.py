"""Audits of outside reports: one upload (a file or a .zip of many) is a batch; each file an item.

A batch of a large zip is worked through by a background job (``jobs.audit_batch``) that claims the
batch with a conditional UPDATE (pending → running) and writes one item per file; the page polls
``done`` / ``total`` for its progress.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

BATCH_STATUS = [("pending", "排队中"), ("running", "审核中"), ("done", "已完成"), ("failed", "失败")]


class AuditBatch(models.Model):
    """One upload of outside reports for audit."""

    name = models.CharField("上传文件", max_length=255)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    status = models.CharField("状态", max_length=8, choices=BATCH_STATUS, default="pending")
    total = models.PositiveIntegerField("文件数", default=0)
    done = models.PositiveIntegerField("已审核", default=0)
    skipped = models.JSONField("忽略的条目", default=list)
    upload_path = models.CharField(max_length=200, blank=True)  # the stored .zip while it is being worked on
    error = models.TextField("错误", blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "报告审核批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.status in ("pending", "running")


class AuditItem(models.Model):
    """The audit of one file of a batch: formats §5 JSON and the counts the summary shows."""

    batch = models.ForeignKey(AuditBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    name = models.CharField("文件", max_length=500)
    result = models.JSONField()
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    infos = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "报告审核结果"
        ordering = ["batch_id", "position"]
        constraints = [models.UniqueConstraint(fields=["batch", "position"], name="audit_item_once")]
