"""JSON and XML as GeoReport v2 writes them. XML: a root element and one element per list item
(<services><service>…</service></services>); lists inside an item are named by their plural
(<attributes><attribute>, <values><value>, <endpoints><endpoint>, <formats><format>)."""

from xml.etree import ElementTree as ET

from rest_framework.renderers import BaseRenderer, JSONRenderer

ITEM_OF = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


class Open311JSONRenderer(JSONRenderer):
    format = "json"


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        tag = ITEM_OF.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, tag), child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


class Open311XMLRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        response = context.get("response")
        if response is not None and response.status_code >= 400:
            root_tag, item_tag = "errors", "error"
        else:
            root_tag, item_tag = getattr(context.get("view"), "xml_shape", ("response", "item"))
        root = ET.Element(root_tag)
        if isinstance(data, list):
            for item in data:
                _fill(ET.SubElement(root, item_tag), item)
        else:
            _fill(root, data)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)
