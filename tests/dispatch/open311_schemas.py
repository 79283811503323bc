"""JSON schemas written from the GeoReport v2 spec (wiki.open311.org/GeoReport_v2), one per response.

Stricter than the spec where the product promises more: datetimes end in `Z`, and request objects allow
no other fields (so no caller name, phone or e-mail can slip into a GET)."""

import jsonschema

UTC_Z = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"}
NULLABLE_UTC_Z = {"anyOf": [UTC_Z, {"type": "null"}]}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}

DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": UTC_Z,
        "contact": TEXT,
        "key_service": TEXT,
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": {"const": "http://wiki.open311.org/GeoReport_v2"},
                    "url": {"type": "string", "pattern": "^https?://"},
                    "changeset": UTC_Z,
                    "type": {"enum": ["production", "test"]},
                    "formats": {"type": "array", "items": {"enum": ["application/json", "text/xml"]}},
                },
            },
        },
    },
}

SERVICES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_code", "service_name", "metadata", "type"],
        "properties": {
            "service_code": {"type": "string", "minLength": 1},
            "service_name": {"type": "string", "minLength": 1},
            "description": TEXT,
            "metadata": {"type": "boolean"},
            "type": {"enum": ["realtime", "batch", "blackbox"]},
            "keywords": TEXT,
            "group": TEXT,
        },
        "additionalProperties": False,
    },
}

SERVICE_DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": {"type": "string", "minLength": 1},
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["variable", "code", "datatype", "required", "order", "description"],
                "properties": {
                    "variable": {"type": "boolean"},
                    "code": {"type": "string", "minLength": 1},
                    "datatype": {"enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]},
                    "required": {"type": "boolean"},
                    "datatype_description": NULLABLE_TEXT,
                    "order": {"type": "integer", "minimum": 0},
                    "description": TEXT,
                    "values": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "name"],
                            "properties": {"key": TEXT, "name": TEXT},
                        },
                    },
                },
                # Lists need their values.
                "if": {"properties": {"datatype": {"enum": ["singlevaluelist", "multivaluelist"]}}},
                "then": {"required": ["values"], "properties": {"values": {"minItems": 1}}},
            },
        },
    },
}

CREATED = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
        "type": "object",
        "anyOf": [{"required": ["service_request_id"]}, {"required": ["token"]}],
        "properties": {
            "service_request_id": TEXT,
            "token": TEXT,
            "service_notice": NULLABLE_TEXT,
            "account_id": NULLABLE_TEXT,
        },
    },
}

REQUEST = {
    "type": "object",
    "required": ["service_request_id", "status", "service_code", "requested_datetime"],
    "properties": {
        "service_request_id": {"type": "string", "minLength": 1},
        "status": {"enum": ["open", "closed"]},
        "status_notes": NULLABLE_TEXT,
        "service_name": NULLABLE_TEXT,
        "service_code": TEXT,
        "description": NULLABLE_TEXT,
        "agency_responsible": NULLABLE_TEXT,
        "service_notice": NULLABLE_TEXT,
        "requested_datetime": UTC_Z,
        "updated_datetime": NULLABLE_UTC_Z,
        "expected_datetime": NULLABLE_UTC_Z,
        "address": NULLABLE_TEXT,
        "address_id": NULLABLE_TEXT,
        "zipcode": NULLABLE_TEXT,
        "lat": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
        "long": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
        "media_url": NULLABLE_TEXT,
    },
    "additionalProperties": False,
}
REQUESTS = {"type": "array", "items": REQUEST}
ONE_REQUEST = {"type": "array", "minItems": 1, "maxItems": 1, "items": REQUEST}

TOKENS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["token", "service_request_id"],
        "properties": {"token": TEXT, "service_request_id": NULLABLE_TEXT},
        "additionalProperties": False,
    },
}

ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer", "minimum": 400, "maximum": 499}, "description": TEXT},
        "additionalProperties": False,
    },
}


def check(instance, schema) -> None:
    jsonschema.validate(instance, schema, cls=jsonschema.Draft202012Validator)
