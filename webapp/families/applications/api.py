"""The catalogue for any official, read-only: items are public (服务指南, 管理暂行办法 第十三条); the centre office
edits them on the pages."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from rest_framework import mixins

from webapp.api.views import OfficialViewSet
from webapp.families.applications.serializers import ServiceItemSerializer
from workflows.applications.models import ServiceItem
from workflows.applications.selectors import involving, matching, service_items
from workflows.org.models import Department


class ServiceItemFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="_search", label="名称或编码包含")
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), method="_department",
                                                  label="牵头或协办部门")
    kind = django_filters.ChoiceFilter(choices=ServiceItem.KINDS)

    class Meta:
        model = ServiceItem
        fields = ["kind", "silent_consent", "reported_to_higher_level"]

    def _search(self, queryset: QuerySet[ServiceItem], name: str, value: str) -> QuerySet[ServiceItem]:
        return queryset.filter(matching(value))

    def _department(self, queryset: QuerySet[ServiceItem], name: str, value: Department) -> QuerySet[ServiceItem]:
        return queryset.filter(involving(value.pk))


class ServiceItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OfficialViewSet):
    serializer_class = ServiceItemSerializer
    filterset_class = ServiceItemFilter

    def get_queryset(self) -> QuerySet[ServiceItem]:
        return service_items()
