"""Read-only shapes of the catalogue for the API."""

from __future__ import annotations

from rest_framework import serializers

from workflows.applications.models import RequiredMaterial, ServiceItem
from workflows.org.models import Department


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name"]


class MaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequiredMaterial
        fields = ["position", "name", "is_main"]


class ServiceItemSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    materials = MaterialSerializer(many=True, read_only=True)
    co_departments = DepartmentRefSerializer(many=True, read_only=True)
    deciding_roles = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    refusing_roles = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = ServiceItem
        fields = ["id", "code", "name", "department", "kind", "kind_label", "promised_days", "legal_basis",
                  "materials", "co_departments", "silent_consent", "reported_to_higher_level", "deciding_roles",
                  "refusing_roles"]
