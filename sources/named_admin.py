"""What the source and actor admins share: aliases edited inline (one alias names one record), a search that finds
names and aliases however typed (the autocomplete of every other page uses it too), and the merge screen where a
reviewer picks the record to keep (`incidents.merge_named`)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy

from incidents import aliases, merge_named

MERGE_TEMPLATE = "admin/named_merge_confirm.html"


def merge_url(model, first_pk: int, second_pk: int) -> str:
    """The merge screen for two records of `model` (the dashboard's possible duplicates link here)."""
    opts = model._meta
    return f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_merge')}?ids={first_pk},{second_pk}"


class AliasFormSet(forms.BaseInlineFormSet):
    """An alias must have words, and may not read (normalised) as another record's name or alias, nor twice here."""

    def clean(self):
        super().clean()
        model = type(self.instance)
        seen = {}
        for form in self.forms:
            name = form.cleaned_data.get("name") if hasattr(form, "cleaned_data") else None
            if form.cleaned_data.get("DELETE") if hasattr(form, "cleaned_data") else False:
                if form.instance.former_slug:
                    # A deleted row's own errors are not shown: the formset's are.
                    raise forms.ValidationError(
                        gettext("“%(name)s” keeps the old address /%(slug)s/ of a merged record redirecting here: it "
                                "stays (rename it if the name is wrong).") % {"name": form.instance.name, "slug": form.instance.former_slug})
                continue
            if not name:
                continue
            key = aliases.normalised_name(name)
            if not key:
                form.add_error("name", gettext("An alias needs at least one letter or digit."))
                continue
            if key in seen:
                form.add_error("name", gettext("“%(name)s” reads the same as the alias “%(other)s” above.") % {"name": name, "other": seen[key]})
                continue
            seen[key] = name
            other = aliases.name_taken_by(model, name, record_pk=self.instance.pk, alias_pk=form.instance.pk)
            if other is not None:
                form.add_error("name", gettext("“%(name)s” already names %(kind)s “%(other)s” (as its name or an alias): one name "
                                               "finds one record. Merge the two if they are the same.") % {
                    "name": name, "kind": model._meta.verbose_name, "other": other.name})


class AliasInline(admin.TabularInline):
    formset = AliasFormSet
    fields = ["name", "former_slug", "created_at"]
    readonly_fields = ["former_slug", "created_at"]
    extra = 1
    verbose_name = gettext_lazy("alias")
    verbose_name_plural = gettext_lazy("aliases (other names it is known by; a merged record's name and old address)")


class MergeNamedForm(forms.Form):
    keep = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label=gettext_lazy("Keep"))
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}), required=False, max_length=60,
        help_text=gettext_lazy("Why they are the same; kept in both histories."),
    )

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(record.pk, str(record)) for record in records]


def _two_ids(raw: str) -> list[int] | None:
    try:
        ids = sorted({int(part) for part in raw.split(",") if part.strip()})
    except ValueError:
        return None
    return ids if len(ids) == 2 else None


class NamedRecordAdmin(admin.ModelAdmin):
    """Mixed into SourceAdmin and ActorAdmin."""

    actions = ["merge_selected"]

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found = found | queryset.filter(aliases.search_filter(self.model, search_term))
        return found, may_have_duplicates

    def get_urls(self):
        opts = self.model._meta
        return [
            path("merge/", self.admin_site.admin_view(self.merge_view), name=f"{opts.app_label}_{opts.model_name}_merge"),
            *super().get_urls(),
        ]

    def has_merge_permission(self, request):
        return merge_named.may_merge(request.user, self.model)

    @admin.action(description=gettext_lazy("Merge two selected records…"), permissions=["merge"])
    def merge_selected(self, request, queryset):
        records = list(queryset.order_by("pk").values_list("pk", flat=True)[:3])
        if len(records) != 2:
            self.message_user(request, gettext("Select exactly two records to merge."), messages.ERROR)
            return None
        return HttpResponseRedirect(merge_url(self.model, *records))

    def merge_view(self, request):
        """Two records side by side with what each holds; the reviewer picks the one to keep."""
        if not self.has_merge_permission(request):
            raise PermissionDenied
        ids = _two_ids(request.POST.get("ids") or request.GET.get("ids", ""))
        records = list(self.model.objects.filter(pk__in=ids or []).order_by("pk"))
        if len(records) != 2:
            return HttpResponseBadRequest(f"Choose two existing {self.opts.verbose_name_plural} to merge (ids=first,second).")
        form = MergeNamedForm(request.POST or None, records=records, initial={"keep": records[0].pk})
        if form.is_bound and form.is_valid():
            keep = next(record for record in records if record.pk == form.cleaned_data["keep"])
            other = next(record for record in records if record.pk != keep.pk)
            try:
                merge_named.merge_records(keep=keep, merge=other, user=request.user, reason=form.cleaned_data["reason"])
            except merge_named.NamedMergeRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                self.message_user(request, gettext("“%(other)s” was merged into “%(keep)s”: its name is now an alias and its "
                                                   "old address redirects here.") % {"other": other.name, "keep": keep.name},
                                  messages.SUCCESS)
                return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[keep.pk]))
        return TemplateResponse(request, MERGE_TEMPLATE, {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": gettext("Merge two %(records)s") % {"records": self.opts.verbose_name_plural}, "form": form,
            "records": [(record, merge_named.merge_summary(record)) for record in records],
            "ids": ",".join(str(record.pk) for record in records),
        })
