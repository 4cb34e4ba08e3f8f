"""``reap_stalled``: mark documents stuck in "running" past a time limit as failed (run from a timer)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from ...ops import reap_stalled


class Command(BaseCommand):
    help = "把超时仍在“生成中”的文件标记为失败，页面即可重试（由定时器运行）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--minutes", type=float, default=15, help="超过多少分钟算中断（默认 15）")

    def handle(self, *args: Any, **options: Any) -> None:
        count = reap_stalled(timedelta(minutes=options["minutes"]))
        self.stdout.write(f"标记为失败：{count} 个")
