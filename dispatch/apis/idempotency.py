"""`@idempotent` for an API view's post(): honours the Idempotency-Key header (dispatch/services/idempotency.py).

Without the header the view runs as before. With it, the first request runs and its 2xx answer is kept;
a retry with the same key and body gets the same status and body again, marked `Idempotent-Replayed:
true`, and nothing is done twice; the same key with another body is 409 naming the key. The schema
(config/schema.py) documents the header on every POST decorated here.
"""

import functools
import json

from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from dispatch.services.idempotency import Answer, idempotent_call

HEADER = "Idempotency-Key"


def request_body(request) -> object:
    """The parsed body in a stable form: JSON as is; form fields as lists; files by name and size."""
    data = request.data
    if hasattr(data, "getlist"):
        body = {key: data.getlist(key) for key in sorted(data.keys())}
        for name, upload in getattr(request, "FILES", {}).items():
            body[name] = [upload.name, upload.size]
        return body
    return data


def idempotent(view_method):
    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view_method(self, request, *args, **kwargs)
        first: list[Response] = []

        def call() -> Answer:
            response = view_method(self, request, *args, **kwargs)
            first.append(response)
            data = getattr(response, "data", None)
            body = json.loads(JSONRenderer().render(data)) if data is not None else None
            return Answer(response.status_code, body)

        answer = idempotent_call(
            user=request.user,
            key=key,
            method=request.method,
            path=request.path,
            body=request_body(request),
            call=call,
        )
        if answer.replayed:
            return Response(answer.body, status=answer.status, headers={"Idempotent-Replayed": "true"})
        return first[0]

    wrapper.idempotent = True
    return wrapper
