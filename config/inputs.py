"""Request-level input checks, before any view: NUL characters and over-deep JSON are 400, never a 500.

- NUL (`%00`) in the path, the query string or a form field: PostgreSQL cannot store or compare it
  (DataError → 500); no legitimate value holds one.
- The JSON parser refuses bodies nested deeper than common.inputs.MAX_JSON_DEPTH before parsing
  (json.loads raises RecursionError on 10,000 levels).
- A multipart body without a valid boundary is a 400 (Django's parser raises MultiPartParserError).
All answer with the usual error body naming what was wrong.
"""

from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from common.inputs import MAX_JSON_DEPTH, json_depth_exceeds


def _bad_request(request, field: str, message: str):
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({field: [message]}, status=400)
    from django.http import HttpResponseBadRequest

    return HttpResponseBadRequest(f"<!doctype html><meta charset=utf-8><h1>请求有误</h1><p>{message}</p>")


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        message = "含有不允许的空字符（NUL）"
        if "\x00" in request.path:
            return _bad_request(request, "path", f"路径{message}")
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                return _bad_request(request, name.replace("\x00", ""), message)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            try:
                fields = list(request.POST.lists())
            except MultiPartParserError:  # no or a broken boundary (found by schemathesis): a 400, not a 500
                return _bad_request(request, "body", "multipart/form-data 请求体格式错误")
            for name, values in fields:
                if "\x00" in name or any("\x00" in v for v in values):
                    return _bad_request(request, name.replace("\x00", ""), message)
        return self.get_response(request)


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing over-deep bodies with a 400 before json.loads sees them."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        if json_depth_exceeds(raw):
            raise ParseError(f"JSON 嵌套过深（最多 {MAX_JSON_DEPTH} 层）")
        import io

        return super().parse(io.BytesIO(raw), media_type, parser_context)
