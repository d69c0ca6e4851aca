"""Input and answer shapes of the message and signal endpoints (the services do the work)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


def _without_nul(value: Any) -> Any:
    """PostgreSQL's JSON and text columns cannot hold NUL: refuse it here instead of failing in the database."""
    if isinstance(value, str) and "\x00" in value:
        raise serializers.ValidationError(_("Text may not contain NUL characters."))
    if isinstance(value, dict):
        for key, item in value.items():
            _without_nul(key)
            _without_nul(item)
    elif isinstance(value, list):
        for item in value:
            _without_nul(item)
    return value


class MessageSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="the BPMN message's name, e.g. 上级答复")
    correlation = serializers.DictField(
        child=serializers.CharField(max_length=200), required=False, default=dict,
        help_text='the correlation property values naming the waiting instance, e.g. {"case_number": "2026-001"}',
    )
    payload = serializers.DictField(required=False, default=dict,
                                    help_text="the message's content, with the correlation values added")

    def validate_correlation(self, correlation: dict[str, str]) -> dict[str, str]:
        return _without_nul(correlation)

    def validate_payload(self, payload: dict[str, Any]) -> dict[str, Any]:
        return _without_nul(payload)


class SignalSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="the BPMN signal's name, e.g. 政策调整")
    payload = serializers.DictField(required=False, default=dict)

    def validate_payload(self, payload: dict[str, Any]) -> dict[str, Any]:
        return _without_nul(payload)


class DeliverySerializer(serializers.Serializer):
    instances = serializers.ListField(child=serializers.IntegerField(), help_text="the instances it reached")
    started = serializers.BooleanField(help_text="a message start event started the instance")


class DeliveryErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    field = serializers.CharField(required=False, help_text="the input the refusal is about")
