"""Cek Status under load: the one place that knows how a ticket code is looked up.

Three flows, one per kind of code a visitor types: a right one (an existing
aspiration), an unknown one (shaped like a code, check symbol right, no such
aspiration) and a malformed one (not shaped like a code). Each costs a page.

Today a look-up is `GET <status page>?kode=<code>`. When it changes (for
example to a POST that redirects to a page without the code in its URL), only
this module (`lookup`, `precheck`, `run_load`, `EXPECT`) and `lua/status.lua`
change; the scenarios, the report and the targets stay as they are.
"""

from __future__ import annotations

import random
import tempfile
import urllib.parse
from pathlib import Path

from bench import load

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


def _url(path: str, code: str) -> str:
    return f"{path}?{urllib.parse.urlencode({'kode': code})}"


def lookup(client, path: str, code: str):
    """One look-up with Django's test client (in-process: queries and render time)."""
    return client.get(_url(path, code))


def precheck(browser, path: str, code: str) -> int:
    """One look-up through the server; returns the HTTP status (compared with EXPECT)."""
    return browser.request(_url(path, code)).status


def run_load(base_url: str, path: str, codes: list[str], *, seconds: int, connections: int) -> load.WrkResult:
    """Look up `codes` (cycled) for `seconds` over `connections` with lua/status.lua."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(codes) + "\n")
    try:
        return load.run_script("status.lua", base_url, [listing.name, path], seconds=seconds, connections=connections)
    finally:
        Path(listing.name).unlink()
