"""The request being served, for audit entries written where no request is passed in.

Account changes are recorded by receivers of the user model's signals
(`patrols.accounts`): the admin's forms, Django's `createsuperuser` and
`changepassword` and a shell session all end in the same `save()`, and none of
them hands a request to the receiver. This middleware keeps the current request in
a context variable for the length of the request, so those entries name who acted
and hash their address. Outside a request (a command, the shell) there is none.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_current_request", default=None)


def current_request() -> HttpRequest | None:
    return _current_request.get()


class AuditContextMiddleware:
    """Listed after AuthenticationMiddleware, so `current_request().user` is the signed-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
