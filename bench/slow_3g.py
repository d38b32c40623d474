"""A resident on slow 3G sends a report with a 2.5 MB phone photo (issue 13).

Measures, in the system Chromium with the DevTools protocol's throttling (400 ms
latency, 400 kbit/s down, 200 kbit/s up, CPU 4x slower), the time from the tap on
"Kirim Aspirasi" to the ticket page and the request bytes the phone sent for it (the
photo's background upload included). Targets: under 10 s and under 500 KB.

    .venv/bin/python bench/slow_3g.py [--runs 3] [--no-js]

The portal runs in this process on a fresh SQLite database in a temporary folder; the
request bodies are counted as they reach it (Chromium does not report the size of a
multipart body with files).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parent.parent
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 200_000 / 8}
TARGET_SECONDS = 10
TARGET_BYTES = 500_000


def phone_photo(path: Path) -> None:
    """About 2.5 MB: 12 megapixels of gradient under grain (as tests/photos.py makes it)."""
    from PIL import Image

    base = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    grain = Image.effect_noise((4000, 3000), 40).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(base, grain, 0.3).save(buffer, format="JPEG", quality=74)
    path.write_bytes(buffer.getvalue())


class Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve() -> tuple[str, list[int]]:
    """The portal on a free port, counting the bytes of every POST body it receives."""
    import django
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0)
    application = StaticFilesHandler(get_wsgi_application())
    received: list[int] = []

    def counting(environ, start_response):
        if environ["REQUEST_METHOD"] == "POST":
            received.append(int(environ.get("CONTENT_LENGTH") or 0))
        return application(environ, start_response)

    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIServer

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    server = make_server("127.0.0.1", 0, counting, server_class=Server, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", received


def one_run(browser, url: str, photo: Path, received: list[int], *, javascript: bool) -> tuple[float, float, int]:
    """(final tap -> ticket page, photo picked -> ticket page, request bytes) of one report."""
    context = browser.new_context(base_url=url, locale="id-ID", java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto("/aspirasi/kirim/")
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        received.clear()
        page.get_by_label("Keluhan").check()
        page.get_by_label("Kategori").select_option(index=1)
        page.get_by_label("Judul").fill("Balap liar tiap malam Minggu")
        page.get_by_label("Apa yang terjadi?").fill("Setiap malam Minggu ada balap liar di jalan Pantura dekat SPBU.")
        page.get_by_label("Desa").select_option(index=1)
        picked = time.perf_counter()
        page.locator("#id_photos").set_input_files(photo)
        if javascript:
            # The resident reads the form over before tapping; the photo goes up meanwhile.
            page.locator("[data-krk-upload] input[name=uploads]").wait_for(state="attached", timeout=120_000)
        started = time.perf_counter()
        page.get_by_role("button", name="Kirim Aspirasi").click()
        page.locator("#ticket-code").wait_for(timeout=180_000)
        done = time.perf_counter()
        return done - started, done - picked, sum(received)
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-js", action="store_true", help="measure the form without JavaScript (today's path)")
    options = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    folder = Path(tempfile.mkdtemp(prefix="krk-slow3g-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "krangkeng_portal.settings",
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "KRK_MIN_FILL_SECONDS": "0",
            "KRK_RATELIMIT_EXEMPT_IPS": "127.0.0.1",
        }
    )
    photo = folder / "IMG_20261202_0915.jpg"
    phone_photo(photo)
    url, received = serve()

    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    args = ["--headless", "--disable-gpu", "--no-first-run"] + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=args)
        runs = [one_run(browser, url, photo, received, javascript=not options.no_js) for _ in range(options.runs)]
        browser.close()

    seconds = [run[0] for run in runs]
    from_pick = [run[1] for run in runs]
    sent = [run[2] for run in runs]
    print(f"photo picked: {photo.stat().st_size / 1e6:.2f} MB; slow 3G, CPU 4x slower; {options.runs} runs")
    print(
        f"final tap -> ticket page: median {statistics.median(seconds):.1f} s "
        f"(runs: {', '.join(f'{value:.1f}' for value in seconds)}; target < {TARGET_SECONDS} s)"
    )
    print(f"photo picked -> ticket page: median {statistics.median(from_pick):.1f} s")
    print(f"bytes sent: median {statistics.median(sent) / 1000:.0f} KB (target < {TARGET_BYTES // 1000} KB)")
    ok = statistics.median(seconds) < TARGET_SECONDS and statistics.median(sent) < TARGET_BYTES
    print("within targets" if ok else "OUTSIDE the targets")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
