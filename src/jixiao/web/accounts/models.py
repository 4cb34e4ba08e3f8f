"""Units, profiles (role, unit, reviewer scope) and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from ...core.workflow import ROLE_ZH, Role

ROLE_CHOICES = [(r.value, ROLE_ZH[r]) for r in Role]
LEVEL_CHOICES = [(v, v) for v in ("省级", "市级", "县级", "区级", "乡镇")]


class Unit(models.Model):
    """A budget unit; ``department`` is its 主管部门 (empty when the unit is a 主管部门 itself)."""

    code = models.CharField("单位编码", max_length=64, unique=True)
    name = models.CharField("单位名称", max_length=200)
    level = models.CharField("单位级次", max_length=8, choices=LEVEL_CHOICES, blank=True)
    department = models.ForeignKey(
        "self", verbose_name="主管部门", null=True, blank=True, on_delete=models.PROTECT, related_name="subunits"
    )

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def department_or_self(self) -> Unit:
        return self.department or self


class Profile(models.Model):
    """A user's role; unit users belong to one unit, reviewers see the units of their 主管部门."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField("角色", max_length=16, choices=ROLE_CHOICES)
    unit = models.ForeignKey(Unit, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT)
    scope = models.ManyToManyField(Unit, verbose_name="审核范围（主管部门）", blank=True, related_name="reviewers")
    scope_all = models.BooleanField("审核全部单位", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "用户角色"
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=[r.value for r in Role]), name="profile_role_valid"),
            models.CheckConstraint(
                condition=~models.Q(role__in=["filler", "head"]) | models.Q(unit__isnull=False),
                name="profile_unit_users_have_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.get_role_display()}）"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A personal API token; only its sha256 is stored, the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    label = models.CharField("用途", max_length=100, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    @classmethod
    def issue(cls, user: object, label: str = "") -> str:
        token = "jx_" + secrets.token_urlsafe(32)
        cls.objects.create(user=user, digest=token_digest(token), label=label)
        return token
