"""Cek Status under load: the one place that knows how a ticket code is looked up.

Three flows, one per kind of code a visitor types: a right one (an existing
aspiration), an unknown one (shaped like a code, check symbol right, no such
aspiration) and a malformed one (not shaped like a code). Each costs a page.

A look-up is a POST of the code that redirects to the bare status page, which
reads the code from a short-lived signed cookie (aspirations/status_links.py): no
code in any URL. The POST only sets that cookie (no query); the page it leads to
is what costs, so that page, with the cookie of each code, is what is measured
(`lookup` in-process, `run_load` under load); `precheck` makes one whole look-up
(POST, redirect, page) through the server. When the look-up changes again, only
this module and `lua/status.lua` change; the scenarios, the report and the
targets stay as they are.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from bench import load
from bench.server import CSRF_INPUT

FLOWS = ("right", "unknown", "malformed")
EXPECT = {"right": 200, "unknown": 200, "malformed": 200}  # HTTP status of one look-up


def codes(flow: str, count: int, *, seed: int = 11) -> list[str]:
    """`count` codes of the kind `flow` names, distinct where the kind allows."""
    from aspirations import tickets
    from aspirations.models import Aspiration

    if flow == "right":
        return list(Aspiration.objects.order_by("?").values_list("code", flat=True)[:count])
    rng = random.Random(seed)
    if flow == "unknown":
        candidates = [tickets.format_code("".join(rng.choices(tickets.ALPHABET, k=8))) for _ in range(count)]
        taken = set(Aspiration.objects.filter(code__in=candidates).values_list("code", flat=True))
        return [code for code in candidates if code not in taken]
    if flow == "malformed":  # one group short: refused by the form before any query for the code
        return [f"{tickets.PREFIX}-{''.join(rng.choices(tickets.ALPHABET, k=4))}" for _ in range(count)]
    raise ValueError(f"unknown status flow {flow!r}")


def _cookie(code: str) -> str:
    """The Cookie header a browser sends to the status page after looking `code` up."""
    from aspirations.status_links import STATUS_COOKIE

    return f"{STATUS_COOKIE.cookie_name()}={STATUS_COOKIE.signed(code)}"


def lookup(client, path: str, code: str):
    """The page a look-up of `code` leads to, with Django's test client (in-process: queries and render time)."""
    return client.get(path, HTTP_COOKIE=_cookie(code))


def precheck(browser, path: str, code: str) -> int:
    """One whole look-up through the server: the form, the POST, the page it redirects to.

    Returns the page's HTTP status (compared with EXPECT); raises if the POST does
    not redirect to the bare page or the page shows no look-up result.
    """
    form = browser.request(path)
    token = CSRF_INPUT.search(form.text)
    answer = browser.request(path, {"kode": code, "csrfmiddlewaretoken": token.group(1) if token else ""})
    if answer.status != 302 or answer.headers.get("Location") != path:
        raise RuntimeError(f"status look-up: HTTP {answer.status} to {answer.headers.get('Location')!r}")
    page = browser.request(path)
    if page.status == 200 and 'id="status-result"' not in page.text:
        raise RuntimeError("status look-up: the page shows no result (is its cookie read?)")
    return page.status


def run_load(base_url: str, path: str, codes: list[str], *, seconds: int, connections: int) -> load.WrkResult:
    """Read the page a look-up of each of `codes` leads to (cycled) for `seconds` over
    `connections` with lua/status.lua. The cookies are signed now: they last 10 minutes."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(_cookie(code) for code in codes) + "\n")
    try:
        return load.run_script("status.lua", base_url, [listing.name, path], seconds=seconds, connections=connections)
    finally:
        Path(listing.name).unlink()
