"""Django admin for tasks, submissions and their records; records are read-only (append-only in the product)."""

from django import forms
from django.contrib import admin

from .models import Publication, ReviewComment, Submission, SubmissionVersion, Task, Transition


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = "__all__"

    def clean_framework_id(self) -> str:
        from ...core.errors import JixiaoError
        from .ops import framework_for

        value = str(self.cleaned_data["framework_id"]).strip()
        try:
            framework_for(value)
        except JixiaoError as error:
            raise forms.ValidationError(error.message) from error
        return value


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    form = TaskForm
    list_display = ("name", "year", "framework_id", "deadline", "head_step")
    list_filter = ("year", "framework_id")
    search_fields = ("name",)
    filter_horizontal = ("units",)
    readonly_fields = ("framework_version", "framework_sha256")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        """The table is stamped (version, hash) when the task is saved; the form checked that it exists."""
        from .ops import framework_for

        framework = framework_for(obj.framework_id)
        obj.framework_version, obj.framework_sha256 = framework.version, framework.sha256
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        """Every unit of the task gets its (not started) submission."""
        super().save_related(request, form, formsets, change)
        for unit in form.instance.units.all():
            Submission.objects.get_or_create(task=form.instance, unit=unit)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnly):
    list_display = ("unit", "task", "status", "total", "grade", "lock_version", "updated_at")
    list_filter = ("status", "task")
    search_fields = ("unit__name", "unit__code")


@admin.register(SubmissionVersion)
class VersionAdmin(ReadOnly):
    list_display = ("submission", "number", "evaluation_sha256", "created_at", "created_by")


@admin.register(Transition)
class TransitionAdmin(ReadOnly):
    list_display = ("at", "submission", "action", "from_status", "to_status", "actor", "comment")
    list_filter = ("action",)
    search_fields = ("submission__unit__name", "actor__username", "comment")


@admin.register(ReviewComment)
class CommentAdmin(ReadOnly):
    list_display = ("at", "submission", "indicator", "author", "text")


@admin.register(Publication)
class PublicationAdmin(ReadOnly):
    list_display = ("unit_name", "year", "published_at", "withdrawn_at")
    list_filter = ("year",)
