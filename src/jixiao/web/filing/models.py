"""Tasks, submissions, versions, transitions, comments, generated files and publications.

The status column is changed only through ``ops.act`` (a conditional UPDATE on ``lock_version``);
versions, transitions and edit records are append-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ...core.workflow import STATE_ZH, State
from ..accounts.models import Unit

STATUS_CHOICES = [(s.value, STATE_ZH[s]) for s in State]
USER = settings.AUTH_USER_MODEL


class Task(models.Model):
    """A yearly self-evaluation task: a scoring table version, a year, a deadline and its units."""

    name = models.CharField("任务名称", max_length=200)
    year = models.PositiveIntegerField("评价年度")
    framework_id = models.CharField("评分表", max_length=100)
    framework_version = models.PositiveIntegerField("评分表版本", default=1)
    framework_sha256 = models.CharField("评分表哈希", max_length=64, blank=True)
    deadline = models.DateTimeField("填报截止时间")
    head_step = models.BooleanField("需单位负责人审核", default=True)
    instructions = models.TextField("填报说明", blank=True)
    units = models.ManyToManyField(Unit, verbose_name="填报单位", related_name="tasks", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "年度任务"
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """One unit's evaluation for one task: the current draft, its status and its lock version."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="submissions", verbose_name="任务")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions", verbose_name="单位")
    status = models.CharField("状态", max_length=16, choices=STATUS_CHOICES, default=State.NOT_STARTED.value)
    lock_version = models.PositiveIntegerField("版本", default=0)
    evaluation = models.JSONField("评价数据", null=True, blank=True)
    evaluation_sha256 = models.CharField(max_length=64, blank=True)
    total = models.DecimalField("总分", max_digits=7, decimal_places=2, null=True, blank=True)
    grade = models.CharField("等级", max_length=8, blank=True)
    error_count = models.PositiveIntegerField("错误数", default=0)
    extended_until = models.DateTimeField("延期至", null=True, blank=True)
    accepted_version = models.ForeignKey(
        "SubmissionVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    updated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "单位填报"
        ordering = ["task_id", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="submission_one_per_task_unit"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in State]), name="submission_status_valid"),
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "published"]) | Q(accepted_version__isnull=False),
                name="submission_accepted_has_version",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="submission_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.task.year}年度"

    @property
    def state(self) -> State:
        return State(self.status)

    @property
    def deadline(self):  # type: ignore[no-untyped-def]
        return self.extended_until or self.task.deadline


class SubmissionVersion(models.Model):
    """An immutable snapshot made at every submit: data, scorecard, table hash, files and findings."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("第几次报送")
    lock_version = models.PositiveIntegerField()
    evaluation = models.JSONField()
    evaluation_sha256 = models.CharField(max_length=64)
    score = models.JSONField()
    framework_id = models.CharField(max_length=100)
    framework_sha256 = models.CharField(max_length=64)
    files = models.JSONField(default=dict)  # name -> sha256
    findings = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "报送版本"
        constraints = [models.UniqueConstraint(fields=["submission", "number"], name="version_number_unique")]
        ordering = ["submission_id", "number"]


class Transition(models.Model):
    """Append-only: who moved a submission from which state to which, when and why."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)
    lock_version = models.PositiveIntegerField()

    class Meta:
        verbose_name = verbose_name_plural = "流转记录"
        ordering = ["at", "id"]


class EditRecord(models.Model):
    """Append-only: each saved change of a draft — who, when, which paths changed."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="edits")
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    lock_version = models.PositiveIntegerField()
    changed = models.JSONField(default=list)
    source = models.CharField(max_length=16, default="form")  # form | api | import | last_year

    class Meta:
        verbose_name = verbose_name_plural = "修改记录"
        ordering = ["at", "id"]


class ReviewComment(models.Model):
    """A comment on a submission (on one indicator, or general when ``indicator`` is empty)."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="comments")
    version = models.ForeignKey(SubmissionVersion, null=True, blank=True, on_delete=models.PROTECT)
    indicator = models.CharField("指标", max_length=200, blank=True)
    text = models.TextField("意见")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审核意见"
        ordering = ["at", "id"]


class GeneratedFile(models.Model):
    """A document generated for one evaluation content on one table; stored by its own sha256."""

    evaluation_sha256 = models.CharField(max_length=64)
    framework_sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=16)  # report.docx | report.pdf | tables.xlsx
    framework_id = models.CharField(max_length=100, blank=True)
    evaluation = models.JSONField(null=True, blank=True)  # what a background job builds from
    status = models.CharField(max_length=8, default="pending")  # pending | done | failed
    sha256 = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "生成的文件"
        constraints = [
            models.UniqueConstraint(fields=["evaluation_sha256", "framework_sha256", "kind"], name="generated_once")
        ]


class Publication(models.Model):
    """An accepted version made public: its files with their hashes; withdrawal keeps the row."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="publications")
    version = models.ForeignKey(SubmissionVersion, on_delete=models.PROTECT, related_name="publications")
    unit_name = models.CharField(max_length=200)
    year = models.PositiveIntegerField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "公开记录"
        ordering = ["-published_at"]


class PublishedFile(models.Model):
    """One file of a publication, found by its sha256 on the public verify page."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16)
    sha256 = models.CharField(max_length=64, db_index=True)
    path = models.CharField(max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "公开文件"
        ordering = ["id"]


class Notice(models.Model):
    """An in-app notice on a unit's 待办 (催报, returned, approved …)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="notices")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.CASCADE)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息"
        ordering = ["-created_at"]


class StoredTable(models.Model):
    """A scoring table the bureau uploaded (YAML, or converted from its .xlsx); immutable once stored.

    A changed table is stored under a new id (e.g. ``city-2025-2``), so a task's table never changes
    under it; its sha256 is stamped on every score.
    """

    table_id = models.CharField("评分表编号", max_length=100, unique=True)
    name = models.CharField("名称", max_length=200)
    version = models.PositiveIntegerField("版本", default=1)
    yaml_text = models.TextField("内容（YAML）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    # for a table converted from .xlsx: sheet, leaves, read, unread and every warning (sheet, row, wording)
    import_report = models.JSONField("导入情况", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "上传的评分表"
        ordering = ["table_id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.table_id}）"
