"""What a first visit to a public page downloads, compressed, and whether it asks a third party.

The HTML is parsed for everything a browser would fetch (stylesheets, scripts,
icons, images, frames, media) and the CSS for url(...) and @import (fonts,
images). Same-origin assets are fetched with `Accept-Encoding: gzip` and
counted as WhiteNoise sends them. Django itself does not compress HTML (the
front proxy does), so the HTML is counted gzipped at level 6, as nginx would.
Any fetch that would go to another origin is a third-party request.
"""

from __future__ import annotations

import gzip
import re
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .server import Browser

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
# <link rel=...> values a browser fetches on load.
FETCHED_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload", "manifest"}


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_styles = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "style" in values:
            self.inline_styles += 1
        if tag == "link" and set(values.get("rel", "").lower().split()) & FETCHED_RELS:
            self.urls.append(values.get("href", ""))
        elif values.get("src") and (
            tag in {"script", "img", "iframe", "audio", "video", "source", "embed", "track"}
            or (tag == "input" and values.get("type") == "image")
        ):
            self.urls.append(values["src"])
        elif tag == "object" and values.get("data"):
            self.urls.append(values["data"])
        if values.get("srcset"):
            self.urls.extend(part.strip().split()[0] for part in values["srcset"].split(",") if part.strip())


@dataclass
class PageWeight:
    path: str
    html_bytes: int = 0
    html_gzip_bytes: int = 0
    assets: dict[str, int] = field(default_factory=dict)  # url -> bytes as sent (gzip where offered)
    third_party: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return self.html_gzip_bytes + sum(self.assets.values())


def _is_external(url: str, origin: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in {"data", ""} and not url.startswith("//"):
        return False
    return f"{parts.scheme or 'http'}://{parts.netloc}" != origin


def measure(browser: Browser, path: str) -> PageWeight:
    weight = PageWeight(path)
    origin = browser.base_url
    page = browser.request(path)
    if page.status != 200:
        weight.problems.append(f"HTTP {page.status}")
        return weight
    weight.html_bytes = len(page.body)
    weight.html_gzip_bytes = len(gzip.compress(page.body, compresslevel=6))
    parser = _Resources()
    parser.feed(page.text)
    if parser.inline_styles:
        weight.problems.append(f"{parser.inline_styles} style attributes")
    queue = [urllib.parse.urljoin(origin + path, url) for url in parser.urls if url]
    seen: set[str] = set()
    while queue:
        url = queue.pop(0)
        if url in seen or url.startswith("data:"):
            continue
        seen.add(url)
        if _is_external(url, origin):
            weight.third_party.append(url)
            continue
        asset = browser.request(url.removeprefix(origin), headers={"Accept-Encoding": "gzip"})
        if asset.status != 200:
            weight.problems.append(f"{url}: HTTP {asset.status}")
            continue
        weight.assets[url.removeprefix(origin)] = len(asset.body)
        if "css" in asset.headers.get("Content-Type", ""):
            css = gzip.decompress(asset.body) if asset.headers.get("Content-Encoding") == "gzip" else asset.body
            for match in CSS_URL.finditer(css.decode("utf-8", "replace")):
                found = match.group(1) or match.group(2)
                if found and not found.startswith(("data:", "#")):
                    queue.append(urllib.parse.urljoin(url, found))
    return weight
