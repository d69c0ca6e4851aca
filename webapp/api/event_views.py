"""POST /api/messages/ and /api/signals/: messages and signals from outside systems (a higher authority's
reply, an applicant's 补正 materials). Thin: validate, call workflows.runtime.services.messages, answer."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from webapp.api import event_serializers as s
from webapp.api.errors import EngineErrorsMixin
from webapp.api.permissions import CanDeliverEvents
from workflows.org.selectors import official_of
from workflows.runtime.services.messages import Delivery, broadcast_signal, deliver_message

ERRORS = {400: s.DeliveryErrorSerializer, 403: s.DeliveryErrorSerializer}


def _answer(delivery: Delivery) -> Response:
    body = s.DeliverySerializer({"instances": [i.pk for i in delivery.instances], "started": delivery.started})
    return Response(body.data, status=status.HTTP_201_CREATED if delivery.started else status.HTTP_200_OK)


class MessageViewSet(EngineErrorsMixin, viewsets.GenericViewSet):
    permission_classes = [CanDeliverEvents]
    serializer_class = s.MessageSerializer

    @extend_schema(request=s.MessageSerializer,
                   responses={200: s.DeliverySerializer, 201: s.DeliverySerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        """Deliver a message to the instance waiting for it with these correlation values (200), or start an
        instance at a message start event (201); nobody waiting, or two instances matching, is a 400."""
        body = s.MessageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return _answer(deliver_message(data["name"], data["correlation"], data["payload"],
                                       actor=official_of(request.user), caller=request.user.get_username()))


class SignalViewSet(EngineErrorsMixin, viewsets.GenericViewSet):
    permission_classes = [CanDeliverEvents]
    serializer_class = s.SignalSerializer

    @extend_schema(request=s.SignalSerializer, responses={200: s.DeliverySerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        """Broadcast a signal to every instance waiting for it; none waiting is a 400."""
        body = s.SignalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return _answer(broadcast_signal(data["name"], data["payload"], actor=official_of(request.user),
                                        caller=request.user.get_username()))
