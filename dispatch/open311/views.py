"""The GeoReport v2 endpoints: thin views over the Open311 selectors and services. No session or token
auth (clients are anonymous for reads; filing needs `api_key`), errors as [{code, description}]."""

import re

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from dispatch.open311 import selectors, serializers
from dispatch.open311.errors import Open311Error
from dispatch.open311.renderers import Open311JSONRenderer, Open311XMLRenderer
from dispatch.open311.services import open311_request_file

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00Z"  # when this face's behaviour last changed
ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


@extend_schema(exclude=True)
class Open311View(APIView):
    authentication_classes = []
    permission_classes = []
    renderer_classes = [Open311JSONRenderer, Open311XMLRenderer]
    parser_classes = [FormParser, MultiPartParser]
    xml_shape = ("service_requests", "request")

    def handle_exception(self, exc):
        if isinstance(exc, Open311Error):
            status, description = exc.status, exc.description
        elif isinstance(exc, Http404):
            status, description = 404, "not found"
        elif isinstance(exc, exceptions.APIException):
            status, description = exc.status_code, str(exc.detail)
        else:
            raise exc
        response = Response([{"code": status, "description": description}], status=status)
        response.exception = True
        return response


class DiscoveryView(Open311View):
    xml_shape = ("discovery", "endpoint")

    def get(self, request, format=None):
        root = request.build_absolute_uri(reverse("open311:discovery", kwargs={"format": "json"})).rsplit("/", 1)[0]
        return Response(
            {
                "changeset": CHANGESET,
                "contact": "郑州市12345政务服务便民热线",
                "key_service": "向热线中心申请 API 密钥（api_key），提交诉求时必填",
                "endpoints": [
                    {
                        "specification": SPEC,
                        "url": root,
                        "changeset": CHANGESET,
                        "type": "production",
                        "formats": ["application/json", "text/xml"],
                    }
                ],
            }
        )


class ServiceListView(Open311View):
    xml_shape = ("services", "service")

    def get(self, request, format=None):
        return Response([serializers.service_data(s) for s in selectors.open311_services()])


class ServiceDefinitionView(Open311View):
    xml_shape = ("service_definition", "attribute")

    def get(self, request, code, format=None):
        return Response(serializers.service_definition_data(selectors.open311_service(code)))


def _attributes(data) -> dict:
    result = {}
    for key in data:
        match = ATTRIBUTE_KEY.match(key)
        if match:
            result[match.group(1)] = ",".join(v for v in data.getlist(key) if v)
    return result


class RequestListView(Open311View):
    def get(self, request, format=None):
        names = selectors.service_names()
        tickets = selectors.open311_request_list(request.query_params)
        return Response([serializers.request_data(t, names) for t in tickets])

    def post(self, request, format=None):
        data = request.data
        key = selectors.open311_key_for(data.get("api_key") or request.query_params.get("api_key"))
        filed = open311_request_file(
            api_key=key,
            service_code=data.get("service_code", ""),
            description=data.get("description", ""),
            address_string=data.get("address_string", ""),
            address_id=data.get("address_id", ""),
            lat=data.get("lat"),
            long=data.get("long"),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            device_id=data.get("device_id", ""),
            account_id=data.get("account_id", ""),
            media_urls=data.getlist("media_url") + data.getlist("media_url[]"),
            attributes=_attributes(data),
        )
        return Response([serializers.created_data(filed)], status=201)


class RequestDetailView(Open311View):
    def get(self, request, number, format=None):
        ticket = selectors.open311_request_get(number)
        return Response([serializers.request_data(ticket, selectors.service_names())])


class TokenView(Open311View):
    def get(self, request, token, format=None):
        ticket = selectors.open311_token_get(token)
        return Response([{"service_request_id": ticket.number, "token": token}])
