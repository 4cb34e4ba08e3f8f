"""Forms of the bureau's pages: the task (table, deadline, units, attachments), table upload, imports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from ...core.errors import JixiaoError
from . import access
from .ops import TaskInput, Upload, units_from_xlsx
from .tables import table_choices

OUTLINES = [("zhanjiang", "湛江提纲"), ("lechang", "乐昌提纲")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class TaskForm(forms.Form):
    name = forms.CharField(label="任务名称", max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    year = forms.IntegerField(
        label="评价年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs={"class": "form-control"})
    )
    framework_id = forms.ChoiceField(label="评分表", widget=forms.Select(attrs={"class": "form-select"}))
    deadline = forms.DateField(label="填报截止日期（当日 23:59:59 截止）", widget=_date_widget())
    head_step = forms.BooleanField(
        label="需单位负责人审核后报送",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    instructions = forms.CharField(
        label="填报说明", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 5})
    )
    units = forms.ModelMultipleChoiceField(label="填报单位", queryset=None, required=False)  # type: ignore[arg-type]
    unit_list = forms.FileField(
        label="或导入单位名单（.xlsx，列：单位编码、单位名称）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )
    attachments = MultipleFileField(label="附件（PDF、Word、Excel、zip，每个不超过 20 MB）", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["units"].queryset = access.visible_units(user)
        self.fields["framework_id"].choices = table_choices()
        if not self.is_bound and "year" not in self.initial:
            self.initial["year"] = timezone.localdate().year - 1

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        units = list(data.get("units") or [])
        upload = data.get("unit_list")
        if upload:
            try:
                for unit in units_from_xlsx(self.user, upload.read()):
                    if unit not in units:
                        units.append(unit)
            except JixiaoError as error:
                self.add_error("unit_list", error.message)
                for issue in error.issues:
                    self.add_error("unit_list", issue.message)
        if not units and not self.errors:
            self.add_error("units", "请至少选择一个填报单位，或导入单位名单")
        data["all_units"] = units
        return data

    def task_input(self) -> TaskInput:
        d = self.cleaned_data
        return TaskInput(
            name=d["name"],
            year=d["year"],
            framework_id=d["framework_id"],
            deadline=d["deadline"],
            head_step=d["head_step"],
            instructions=d["instructions"],
            units=d["all_units"],
        )

    def uploads(self) -> list[Upload]:
        return [Upload(f.name, f.read()) for f in self.cleaned_data.get("attachments") or []]


class TableUploadForm(forms.Form):
    file = forms.FileField(
        label="评分表文件（.yaml 或 .xlsx）",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".yaml,.yml,.xlsx"}),
    )
    table_id = forms.RegexField(
        label="评分表编号（如 city-2025）",
        regex=r"^[a-z0-9-]+$",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"invalid": "编号只能由小写字母、数字和连字符组成"},
    )
    name = forms.CharField(
        label="评分表名称",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    issuer = forms.CharField(
        label="发布机关",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    region = forms.CharField(
        label="地区",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    year = forms.IntegerField(
        label="适用年度",
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    outline = forms.ChoiceField(
        label="报告提纲",
        choices=OUTLINES,
        initial="zhanjiang",
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    official = forms.BooleanField(
        label="本局正式印发的评分表（不勾选则标为“由 Excel 导入”，须核对后方为正式）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        suffix = upload.name.lower().rsplit(".", 1)[-1]
        if suffix not in ("yaml", "yml", "xlsx"):
            self.add_error("file", "只接受 .yaml/.yml（评分表 YAML）或 .xlsx（财政局评分表工作簿）")
        elif suffix == "xlsx":
            if not data.get("table_id"):
                self.add_error("table_id", "导入 .xlsx 评分表须填写评分表编号")
            if not data.get("name"):
                self.add_error("name", "导入 .xlsx 评分表须填写评分表名称")
        data["kind"] = "xlsx" if suffix == "xlsx" else "yaml"
        return data

    def meta(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "id": d["table_id"],
            "name": d["name"],
            "issuer": d.get("issuer") or "",
            "region": d.get("region") or "",
            "years": [d["year"]] if d.get("year") else [],
            "outline": d.get("outline") or "zhanjiang",
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label="名单（.xlsx）", widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"})
    )


class ExemptForm(forms.Form):
    reason = forms.CharField(label="免报原因", max_length=500, widget=forms.TextInput(attrs={"class": "form-control"}))


class ExtendForm(forms.Form):
    until = forms.DateField(label="延期至", widget=_date_widget())
    reason = forms.CharField(label="延期原因", max_length=500, widget=forms.TextInput(attrs={"class": "form-control"}))
