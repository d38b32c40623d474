"""`{% static %}` that works out each file's URL once per process.

Django's tag asks the storage on every render; with the manifest storage that is
a manifest lookup, URL quoting and joining each time, about a tenth of base.html's
render time for its five files (bench/FINDINGS.md). The manifest does not change
while the process runs, so the answer is kept. Load it instead of `static`:
`{% load portal_static %}`; the tag is used exactly like Django's.
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import StaticNode

register = template.Library()

# Paths come from templates, but a variable could name many: bounded all the same.
MAX_URLS = 1024
_urls: dict[str, str] = {}


class CachedStaticNode(StaticNode):
    @classmethod
    def handle_simple(cls, path: str) -> str:
        try:
            return _urls[path]
        except KeyError:
            pass
        url = super().handle_simple(path)
        if len(_urls) >= MAX_URLS:
            _urls.clear()
        _urls[path] = url
        return url


@register.tag("static")
def do_static(parser, token) -> CachedStaticNode:
    """`{% static "path" [as name] %}`, as Django's."""
    return CachedStaticNode.handle_token(parser, token)


@receiver(setting_changed)
def _forget_urls(*, setting: str, **kwargs) -> None:
    # Tests swap the storage (plain files instead of the manifest) or the static URL.
    if setting in {"STORAGES", "STATIC_URL", "STATIC_ROOT", "INSTALLED_APPS"}:
        _urls.clear()
