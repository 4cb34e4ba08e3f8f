"""The dashboard's own rows: a compact digest of each accepted version, and the batch exports.

A ``VersionDigest`` is derived once from an immutable ``SubmissionVersion`` (its score JSON,
evaluation figures and auditor findings), so the dashboard and the 汇总表 read a few hundred bytes
per unit instead of the whole scorecard. An ``Export`` is a background job's row: claimed with a
conditional UPDATE (pending → running), its progress, its file or its error in Chinese.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..filing.models import SubmissionVersion, Task

STATUSES = [("pending", "排队中"), ("running", "生成中"), ("done", "已完成"), ("failed", "失败")]
KINDS = [("reports", "自评报告压缩包"), ("summary", "汇总表")]


class VersionDigest(models.Model):
    """What the dashboard needs of one accepted version; computed once (versions never change)."""

    version = models.OneToOneField(
        SubmissionVersion, primary_key=True, on_delete=models.CASCADE, related_name="dashboard_digest"
    )
    framework_id = models.CharField(max_length=100)
    total = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    grade = models.CharField(max_length=8, blank=True)
    bonus = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    penalty = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    execution_rate = models.DecimalField(max_digits=9, decimal_places=2, null=True)  # 支出执行率 %
    error_findings = models.PositiveIntegerField(default=0)
    losses = models.JSONField(default=dict)  # leaf id -> points lost (effective weight − score), only > 0
    scores = models.JSONField(default=dict)  # every indicator id -> score, null when not applicable

    class Meta:
        verbose_name = verbose_name_plural = "版本统计摘要"


class Export(models.Model):
    """A batch export built in the background: the zip of reports or the 汇总表 workbook."""

    kind = models.CharField("类型", max_length=16, choices=KINDS)
    year = models.PositiveIntegerField("年度")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField("状态", max_length=8, choices=STATUSES, default="pending")
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    error = models.TextField("错误", blank=True)
    name = models.CharField("文件名", max_length=200, blank=True)
    path = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "批量导出"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=[s for s, _ in STATUSES]), name="export_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=[k for k, _ in KINDS]), name="export_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def active(self) -> bool:
        return self.status in ("pending", "running")
