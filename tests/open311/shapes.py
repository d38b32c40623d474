"""The XML documents of GeoReport v2, written down from the specification's text.

Each shape is the "Response" table of a method on wiki.open311.org/GeoReport_v2
(and of wiki.open311.org/Service_Discovery): a list element (⇊) holds items of
one name (↴), a record holds its fields in the table's order. Fields the table
marks "May not be returned" (or that only some attributes have) are optional;
`EXTENSIONS` names the one element this portal adds (documented on /open311/).
Value rules quote the tables too ("Possible values: true, false").
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

# "All date/time fields must be formatted in a common subset of ISO 8601 ... Timezone
# information (either Z meaning UTC, or an HH:MM offset from UTC) must be included."
W3_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
BOOLEAN = {"true", "false"}


@dataclass(frozen=True)
class Leaf:
    name: str
    required: bool = True
    values: frozenset[str] | None = None  # the allowed values, when the table lists them
    pattern: re.Pattern | None = None


@dataclass(frozen=True)
class ListOf:
    name: str
    item: Leaf | Record
    required: bool = True


@dataclass(frozen=True)
class Record:
    name: str
    fields: tuple[Leaf | ListOf | Record, ...] = field(default_factory=tuple)
    required: bool = True


def leaves(*names: str, required: bool = True) -> tuple[Leaf, ...]:
    return tuple(Leaf(name, required=required) for name in names)


# GET Service List: services ⇊ service ↴
SERVICES = ListOf(
    "services",
    Record(
        "service",
        (
            *leaves("service_code", "service_name", "description"),
            Leaf("metadata", values=frozenset(BOOLEAN)),
            Leaf("type", values=frozenset({"realtime", "batch", "blackbox"})),
            *leaves("keywords", "group"),
        ),
    ),
)

# GET Service Definition: service_definition ↴ attributes ⇊ attribute ↴ values ⇊ value ↴
SERVICE_DEFINITION = Record(
    "service_definition",
    (
        Leaf("service_code"),
        ListOf(
            "attributes",
            Record(
                "attribute",
                (
                    Leaf("variable", values=frozenset(BOOLEAN)),
                    Leaf("code"),
                    Leaf(
                        "datatype",
                        values=frozenset({"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}),
                    ),
                    Leaf("required", values=frozenset(BOOLEAN)),
                    Leaf("datatype_description"),
                    Leaf("order", pattern=re.compile(r"^[1-9]\d*$")),
                    Leaf("description"),
                    # Only singlevaluelist and multivaluelist attributes have values.
                    ListOf("values", Record("value", leaves("key", "name")), required=False),
                ),
            ),
        ),
    ),
)

# POST Service Request: service_requests ⇊ request ↴; "service_request_id ... should not be
# returned if token is returned" and the other way round; the rest "May not be returned".
EXTENSIONS = ("ticket_code",)
POST_RESPONSE = ListOf(
    "service_requests",
    Record(
        "request",
        (
            *leaves("service_request_id", "token", "service_notice", "account_id", required=False),
            *leaves(*EXTENSIONS, required=False),
        ),
    ),
)

# GET service_request_id from a token: service_requests ⇊ request ↴
TOKEN = ListOf("service_requests", Record("request", leaves("service_request_id", "token")))

# GET Service Requests and GET Service Request: service_requests ⇊ request ↴
SERVICE_REQUESTS = ListOf(
    "service_requests",
    Record(
        "request",
        (
            Leaf("service_request_id"),
            Leaf("status", values=frozenset({"open", "closed"})),
            Leaf("status_notes", required=False),
            Leaf("service_name"),
            Leaf("service_code"),
            Leaf("description", required=False),
            Leaf("agency_responsible", required=False),
            Leaf("service_notice", required=False),
            Leaf("requested_datetime", pattern=W3_DATETIME),
            Leaf("updated_datetime", pattern=W3_DATETIME),
            Leaf("expected_datetime", required=False),
            *leaves("address", "address_id", "zipcode", "lat", "long", "media_url", required=False),
        ),
    ),
)

# Errors: errors ⇊ error ↴
ERRORS = ListOf("errors", Record("error", leaves("code", "description")))

# Service Discovery: "All fields are required."
DISCOVERY = Record(
    "discovery",
    (
        *leaves("changeset", "contact", "key_service"),
        ListOf(
            "endpoints",
            Record(
                "endpoint",
                (
                    *leaves("specification", "url", "changeset"),
                    Leaf("type", values=frozenset({"production", "test"})),
                    ListOf("formats", Leaf("format")),
                ),
            ),
        ),
    ),
)


def assert_shape(element: ET.Element, shape: Leaf | ListOf | Record, path: str = "") -> None:
    """Fail, naming the place, where `element` differs from `shape`."""
    here = f"{path}/{element.tag}"
    assert element.tag == shape.name, f"{here}: expected <{shape.name}>"
    if isinstance(shape, Leaf):
        assert len(element) == 0, f"{here}: a value, not elements"
        text = element.text or ""
        if shape.values is not None:
            assert text in shape.values, f"{here}: {text!r} is not one of {sorted(shape.values)}"
        if shape.pattern is not None:
            assert shape.pattern.match(text), f"{here}: {text!r} has the wrong form"
    elif isinstance(shape, ListOf):
        for child in element:
            assert_shape(child, shape.item, here)
    else:
        names = [child.tag for child in element]
        allowed = [item.name for item in shape.fields]
        assert len(set(names)) == len(names), f"{here}: repeated elements {names}"
        unknown = [name for name in names if name not in allowed]
        assert not unknown, f"{here}: elements the specification does not define: {unknown}"
        assert names == sorted(names, key=allowed.index), f"{here}: not in the specification's order: {names}"
        missing = [item.name for item in shape.fields if item.required and item.name not in names]
        assert not missing, f"{here}: missing {missing}"
        for child in element:
            assert_shape(child, shape.fields[allowed.index(child.tag)], here)
