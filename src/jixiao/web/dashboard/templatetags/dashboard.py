"""``compact_json_script``: Django's ``json_script`` without spaces and without escaping CJK.

The dashboard passes each chart's ECharts option to ``charts.js`` in a ``<script
type="application/json">`` element, as ``json_script`` does, with the same escaping of ``<``, ``>``
and ``&``; the compact form keeps the 5,000-unit scatter about a third smaller (JSON separators
without spaces, Chinese as UTF-8 rather than ``\\uXXXX``).
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def compact_json_script(value: Any, element_id: str) -> SafeString:
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).translate(ESCAPES)
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, mark_safe(text))
