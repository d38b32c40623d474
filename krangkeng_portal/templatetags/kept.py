"""`{% kept value … %}…{% endkept %}`: a fragment of base.html rendered once per process.

Every page renders base.html, and most of it (the navigation links, the footer,
the language buttons) comes out the same for every visitor with the same role,
language and current page: rendering it node by node was most of base.html's
cost (bench/FINDINGS.md). This tag renders its fragment once for each
combination of the values it names and keeps the HTML.

Only for fragments whose output depends on nothing but the named values and
settings: never put a CSRF token, the request's path or query, the user's name
or anything typed inside one. The kept HTML is dropped when a setting changes
(tests) and bounded in number.
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver

register = template.Library()

MAX_FRAGMENTS = 1024
_kept: dict[tuple, str] = {}


class KeptNode(template.Node):
    def __init__(self, nodelist: template.NodeList, vary_on: list[template.base.FilterExpression]) -> None:
        self.nodelist = nodelist
        self.vary_on = vary_on

    def render(self, context: template.Context) -> str:
        # The node itself is in the key: a template reloaded in development is new nodes.
        key = (self, *(value.resolve(context) for value in self.vary_on))
        html = _kept.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(_kept) >= MAX_FRAGMENTS:
                _kept.clear()
            _kept[key] = html
        return html


@register.tag
def kept(parser, token) -> KeptNode:
    """`{% kept value … %}…{% endkept %}`: rendered once per distinct values (hashable)."""
    vary_on = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, vary_on)


@receiver(setting_changed)
def _forget_fragments(**kwargs) -> None:
    # Unit names, languages and URLs come from settings; tests change them.
    _kept.clear()
