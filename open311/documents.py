"""Open311 documents as XML and JSON, and the HTTP answers that carry them.

GeoReport v2 defines XML; its JSON is the "Spark convention" mapping of that XML:
the root element goes, a list element (`services`, `service_requests`, `errors`...)
becomes an array of its items, an empty element becomes null. So every endpoint
builds one plain value (dicts, lists, strings, numbers, booleans, None) and this
module writes it either way: the two formats cannot drift apart.

GET answers carry an ETag (a digest of the body) and, where the rows say when
they last changed, Last-Modified; a client that sends them back gets 304.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

XML = "xml"
JSON = "json"
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'

# A list element and the name of each of its items (GeoReport v2 and Service Discovery).
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 cannot carry at all, not even escaped; a resident's text may hold them.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Public answers may be kept this long by clients and proxies; then they ask again (ETag).
PUBLIC = "public, max-age=60"


@dataclass(frozen=True)
class Document:
    root: str  # the XML root element; JSON has none
    content: list | dict


def w3_datetime(value: datetime | None) -> str | None:
    """ISO 8601 with the offset, in WIB (e.g. 2024-05-20T19:30:00+07:00), as the specification asks."""
    return None if value is None else timezone.localtime(value).isoformat(timespec="seconds")


def render(document: Document, fmt: str) -> bytes:
    if fmt == JSON:
        return json.dumps(document.content, ensure_ascii=False, separators=(",", ":")).encode()
    return XML_DECLARATION + ET.tostring(_element(document.root, document.content), encoding="unicode").encode()


def _element(name: str, value) -> ET.Element:
    element = ET.Element(name)
    if isinstance(value, list):
        element.extend(_element(ITEMS[name], item) for item in value)
    elif isinstance(value, dict):
        element.extend(_element(key, item) for key, item in value.items())
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif isinstance(value, str):
        element.text = _NOT_IN_XML.sub("", value)
    elif isinstance(value, int | float):
        element.text = str(value)
    elif value is not None:
        raise TypeError(f"{name}: cannot write {type(value).__name__} in an Open311 document")
    return element


def answer(document: Document, fmt: str, *, status: int = 200, cache_control: str = PUBLIC) -> HttpResponse:
    response = HttpResponse(render(document, fmt), status=status, content_type=CONTENT_TYPES[fmt])
    response["Cache-Control"] = cache_control
    # The API always writes the portal's language, whatever the visitor chose for the pages.
    response["Content-Language"] = settings.LANGUAGE_CODE
    return response


def errors(fmt: str, status: int, problems: Sequence[str], *, code: int | None = None) -> HttpResponse:
    """The specification's error document: one `error` (code, description) per problem.

    The code is the HTTP status unless `code` says otherwise; errors are never cached.
    """
    listed = [{"code": code or status, "description": str(problem)} for problem in problems]
    return answer(
        Document("errors", listed), fmt if fmt in CONTENT_TYPES else XML, status=status, cache_control="no-store"
    )


def conditional(request: HttpRequest, response: HttpResponse, *, last_modified: datetime | None = None) -> HttpResponse:
    """Add ETag (and Last-Modified), and answer 304 when the client already has this body."""
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    timestamp = None
    if last_modified is not None:
        timestamp = int(last_modified.timestamp())
        response["Last-Modified"] = http_date(timestamp)
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response) or response
