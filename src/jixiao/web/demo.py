"""Demo data (formats §6): one bureau, the units of the three examples, one task per example.

Loaded by ``jixiao serve --demo`` only into an empty database. Every account's password is
``DEMO_PASSWORD``; every submission starts ``not_started``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

DEMO_PASSWORD = "demo-pass-2025"


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    level: str
    table: str
    year: int


UNITS = (
    DemoUnit("lechang", "乐昌市人民政府办公室", "县级", "lechang-2023", 2023),
    DemoUnit("lianjiang", "廉江市人民政府办公室", "县级", "zhanjiang-city", 2024),
    DemoUnit("zhanjiang", "中共湛江市委办公室", "市级", "zhanjiang-city", 2020),
)
INSTRUCTIONS = (
    "1. 按评分表逐项填写数据表和各指标的评判，页面右侧实时显示得分与等级；\n"
    "2. 定性指标须写明评分依据，不适用的指标须说明原因；\n"
    "3. 改正全部错误后提交，经单位负责人审核同意后报送财政局；\n"
    "4. 报送后可在财政局开始审核前撤回。"
)


def _user(username: str, role: str, unit: object = None, staff: bool = False) -> object:
    from .accounts.models import Profile

    user = get_user_model().objects.create_user(username, password=DEMO_PASSWORD)
    if staff:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    Profile.objects.create(user=user, role=role, unit=unit)
    return user


@transaction.atomic
def load_demo(force: bool = False) -> list[tuple[str, str]]:
    """Create the demo bureau, units, tasks and accounts when the database has no users."""
    from .accounts.models import Unit
    from .filing.models import Submission, Task
    from .filing.ops import framework_for

    accounts = [("admin", "管理员"), ("bureau", "财政局绩效科审核人员")]
    for u in UNITS:
        accounts += [(f"{u.code}-filler", f"{u.name} 填报人"), (f"{u.code}-head", f"{u.name} 单位负责人")]
    if get_user_model().objects.exists() and not force:
        return accounts
    _user("admin", "admin", staff=True)
    bureau = _user("bureau", "reviewer")
    deadline = timezone.localtime().replace(hour=23, minute=59, second=59, microsecond=0) + timedelta(days=30)
    for u in UNITS:
        unit = Unit.objects.create(code=u.code, name=u.name, level=u.level)
        bureau.profile.scope.add(unit)  # type: ignore[attr-defined]
        framework = framework_for(u.table)
        task = Task.objects.create(
            name=f"{u.year}年度部门整体支出绩效自评（{unit.name}）",
            year=u.year,
            framework_id=framework.id,
            framework_version=framework.version,
            framework_sha256=framework.sha256,
            deadline=deadline,
            head_step=True,
            instructions=INSTRUCTIONS,
        )
        task.units.add(unit)
        Submission.objects.create(task=task, unit=unit)
        _user(f"{u.code}-filler", "filler", unit)
        _user(f"{u.code}-head", "head", unit)
    return accounts
