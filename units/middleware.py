"""Enters the unit scope of the signed-in user for the whole request (after authentication)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse

from .scoping import user_scope


class UnitScopeMiddleware:
    """Every query of unit data in a request sees the user's subtree, or fails (units.scoping).

    A streamed response (a CSV export) reads its rows after the view has returned,
    while the server iterates the body: the scope is entered again around that.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        with user_scope(user):
            response = self.get_response(request)
        if response.streaming and getattr(response, "file_to_stream", None) is None:
            response.streaming_content = _scoped(response.streaming_content, user)  # type: ignore[attr-defined]
        return response


def _scoped(chunks: Any, user: Any) -> Iterator[Any]:
    with user_scope(user):
        yield from chunks
