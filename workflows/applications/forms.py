"""The centre office's form for a service item, and the list page's search form.

The form only shapes input (choices, one material per line); the catalogue rules live in services._check, whose
refusals the page puts back on the field they name.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.applications.models import ServiceItem
from workflows.applications.services import MAX_PROMISED_DAYS, Material, ServiceItemInput
from workflows.org.models import Department, Role


def _role_choices() -> list[tuple[str, str]]:
    """The roles of the org chart (data, workflows.org.roles); an applicant decides nothing."""
    return [(r.code, r.name) for r in Role.objects.exclude(code="applicant").order_by("pk")]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ServiceItemForm(forms.Form):
    name = forms.CharField(label=_("Item name"), max_length=200)
    code = forms.CharField(label=_("Item code"), max_length=40)
    department = forms.ModelChoiceField(label=_("Lead department"), queryset=Department.objects.order_by("name"))
    kind = forms.ChoiceField(label=_("Kind"), choices=ServiceItem.KINDS)
    promised_days = forms.IntegerField(label=_("Promised working days"), min_value=0, max_value=MAX_PROMISED_DAYS,
                                       help_text=_("0 for items done on the spot."))
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 3}))
    main_materials = forms.CharField(label=_("Main documents (one per line)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}),
                                     help_text=_("A case missing a main document is rejected; other missing "
                                                 "materials are asked for in one supplement notice."))
    other_materials = forms.CharField(label=_("Other required materials (one per line)"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 5}))
    co_departments = forms.ModelMultipleChoiceField(label=_("Co-departments (joint items)"), required=False,
                                                    queryset=Department.objects.order_by("name"),
                                                    widget=forms.CheckboxSelectMultiple)
    silent_consent = forms.BooleanField(label=_("A co-department silent at the deadline is deemed to consent"),
                                        required=False)
    reported_to_higher_level = forms.BooleanField(label=_("Approved by a higher authority"), required=False)
    deciding_roles = forms.MultipleChoiceField(label=_("Roles that may decide"), widget=forms.CheckboxSelectMultiple)
    refusing_roles = forms.MultipleChoiceField(label=_("Roles that may refuse"), required=False,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deciding_roles"].choices = self.fields["refusing_roles"].choices = _role_choices()

    @classmethod
    def initial_of(cls, item: ServiceItem) -> dict:
        materials = list(item.materials.all())
        return {
            "name": item.name, "code": item.code, "department": item.department_id, "kind": item.kind,
            "promised_days": item.promised_days, "legal_basis": item.legal_basis,
            "main_materials": "\n".join(m.name for m in materials if m.is_main),
            "other_materials": "\n".join(m.name for m in materials if not m.is_main),
            "co_departments": [d.pk for d in item.co_departments.all()],
            "silent_consent": item.silent_consent, "reported_to_higher_level": item.reported_to_higher_level,
            "deciding_roles": [r.code for r in item.deciding_roles.all()],
            "refusing_roles": [r.code for r in item.refusing_roles.all()],
        }

    def add_refusal(self, field: str | None, message: str) -> None:
        """A service refusal on the field it names; a materials refusal goes under the other-materials box."""
        if field == "materials":
            field = "other_materials"
        self.add_error(field if field in self.fields else None, message)

    def service_input(self) -> ServiceItemInput:
        data = self.cleaned_data
        return ServiceItemInput(
            name=data["name"],
            code=data["code"],
            department_id=data["department"].pk,
            kind=data["kind"],
            promised_days=data["promised_days"],
            legal_basis=data["legal_basis"],
            materials=[Material(n, is_main=True) for n in _lines(data["main_materials"])]
            + [Material(n) for n in _lines(data["other_materials"])],
            co_department_ids=[d.pk for d in data["co_departments"]],
            silent_consent=data["silent_consent"],
            reported_to_higher_level=data["reported_to_higher_level"],
            deciding_roles=data["deciding_roles"],
            refusing_roles=data["refusing_roles"],
        )


class ServiceItemSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.order_by("name"),
                                        required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *ServiceItem.KINDS], required=False)


class RefusalRegisterFilterForm(forms.Form):
    """The 否定报备登记表's filters; an invalid value is dropped rather than refused, as in the other lists."""

    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.order_by("name"),
                                        required=False, empty_label=_("All departments"))
    item = forms.ModelChoiceField(label=_("Service item"), queryset=ServiceItem.objects.order_by("code"),
                                  required=False)

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "department_id": data["department"].pk if data.get("department") else None,
            "item_id": data["item"].pk if data.get("item") else None,
        }


class ReturnMaterialsForm(forms.Form):
    """退还材料: the identity document checked at the counter and the applicant's typed name as their signature."""

    identity_document = forms.CharField(label=_("Identity document checked"), max_length=100,
                                        help_text=_("Kind and number, e.g. 居民身份证 6540…"))
    applicant_confirmation = forms.CharField(label=_("Applicant's confirmation (typed name)"), max_length=200)
