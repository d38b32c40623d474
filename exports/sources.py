"""What can be exported in the background, by name: each source builds the export as its owner.

The lists that export (patrols, aspirations) live above this app, so they register
their builders here when Django starts (their AppConfig.ready), the way models are
registered with the admin. A builder takes the owner and the list's filters, applies
the owner's scope and permissions itself (raising PermissionDenied when they no longer
hold) and returns a core.exports.ExportFile with its `count` set.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import QueryDict

from core.exports import ExportFile

Builder = Callable[..., ExportFile]
SOURCES: dict[str, Builder] = {}


def register(name: str, builder: Builder) -> None:
    SOURCES[name] = builder


def export_for(source: str, *, owner, query: str) -> ExportFile:
    return SOURCES[source](owner=owner, query=QueryDict(query))
