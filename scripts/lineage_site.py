"""Build the kedro-viz lineage site offline, and render it with headless Chromium.

Usage, from the repository root:

    python scripts/lineage_site.py build
    python scripts/lineage_site.py screenshot --output docs/images/lineage.png

``build`` runs ``kedro viz build --include-previews``, which writes the static
site into ``build/`` of the project (kedro-viz 12.5 has no option for another
folder). The site reads its data from JSON files under ``build/api/``, so any
static file server can serve it; ``make viz`` serves it on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

logger = logging.getLogger(__name__)

REPOSITORY = Path(__file__).resolve().parents[1]
SITE_FOLDER = "build"
CHROMIUM = Path("/usr/bin/chromium")

# kedro-viz 12.5 writes its index.html with a stylesheet and two preconnect
# links to Google Fonts. Without them the site uses the browser's sans-serif.
EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*>\s*", re.S)

# Flags for a headless Chromium that connects only to the site on 127.0.0.1.
# Every other host name fails to resolve inside Chromium, so the requests that
# Chromium makes for itself (component updates, sign-in, autofill) fail
# before any packet leaves the machine.
# NOTE: At start-up Chromium 156 still calls connect() on a UDP socket to
# 2001:4860:4860::8888 to learn whether IPv6 is routed (seen with strace).
# A UDP connect() sends no packet.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)
WINDOW_SIZE = "1600,1000"
# Chromium runs the page on virtual time, which skips ahead while the page
# waits, and dumps or screenshots it after 15 virtual seconds. That is enough
# for the flowchart's layout and fade-in, and took about two seconds of wall
# time per page on a 2-core x86_64 machine.
VIRTUAL_TIME_BUDGET_MS = 15_000
CHROMIUM_TIMEOUT_S = 120

# kedro-viz 12.5 reads its UI settings from localStorage["KedroViz"] when it
# starts. The screenshot turns off the feature-hint pop-up and the mini-map,
# which would cover part of the flowchart.
SETTINGS_KEY = "KedroViz"
SCREENSHOT_SETTINGS = {"showFeatureHints": False, "visible": {"miniMap": False}}
# One small pipeline of the registry, so that the labels stay readable when
# a README shows the image at half width. The whole __default__ graph fits
# 1600 x 1000 pixels only at 20 % zoom, where no label can be read.
SCREENSHOT_PIPELINE = "modelling"


class SiteBuildError(RuntimeError):
    """``kedro viz build`` ran but left no complete site behind."""


def build_site(project: Path = REPOSITORY) -> Path:
    """Build the kedro-viz site of ``project`` with dataset previews.

    Removes an earlier ``build/`` first, because kedro-viz exits with status
    0 even when the build fails, and a stale site would then look current.

    Returns:
        The site folder, ``project / "build"``.

    Raises:
        subprocess.CalledProcessError: ``kedro`` itself failed.
        SiteBuildError: kedro-viz reported success but wrote no index.html or
            api/main; its own output above names the cause.
    """
    site = project / SITE_FOLDER
    shutil.rmtree(site, ignore_errors=True)

    env = dict(os.environ)
    env.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
    env.setdefault("DO_NOT_TRACK", "1")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    command = [sys.executable, "-m", "kedro", "viz", "build", "--include-previews"]
    subprocess.run(command, cwd=project, env=env, check=True)

    for required in ("index.html", "api/main"):
        if not (site / required).is_file():
            raise SiteBuildError(
                f"`kedro viz build` wrote no {site / required}; "
                "its output above says why the build failed."
            )

    remove_external_links(site / "index.html")
    logger.info("Built the lineage site in %s", site)
    return site


def remove_external_links(index: Path) -> None:
    """Remove ``<link>`` elements that load from another host out of ``index``."""
    html = index.read_text(encoding="utf-8")
    index.write_text(EXTERNAL_LINK.sub("", html), encoding="utf-8")


class SiteHandler(SimpleHTTPRequestHandler):
    """Static file handler that can add a script to the head of index.html.

    Requests are logged at DEBUG level instead of to stderr.
    """

    def __init__(self, *args, index_head: str = "", **kwargs):
        self.index_head = index_head
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if self.index_head and urlsplit(self.path).path in ("/", "/index.html"):
            self.send_index()
        else:
            super().do_GET()

    def send_index(self) -> None:
        html = (Path(self.directory) / "index.html").read_text(encoding="utf-8")
        body = html.replace("</head>", f"{self.index_head}</head>", 1).encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        logger.debug("%s %s", self.address_string(), format % args)


@contextlib.contextmanager
def serve_site(site: Path, settings: dict | None = None) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 at a free port and yield its base URL.

    Args:
        site: Folder written by ``build_site``.
        settings: kedro-viz UI settings that index.html stores in the
            browser's localStorage before the app starts; None serves the
            files unchanged.
    """
    index_head = ""
    if settings is not None:
        value = json.dumps(json.dumps(settings))
        index_head = f"<script>localStorage.setItem({SETTINGS_KEY!r}, {value})</script>"
    handler = functools.partial(SiteHandler, directory=str(site), index_head=index_head)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def pipeline_url(base_url: str, pipeline: str) -> str:
    """Return the URL that opens the flowchart of one registered pipeline."""
    return f"{base_url}?pid={quote(pipeline)}"


def run_chromium(url: str, profile: Path, *mode_flags: str) -> str:
    """Open ``url`` in headless Chromium with a fresh profile; return stdout.

    Raises:
        subprocess.CalledProcessError: Chromium exited with an error status;
            the exception carries its stderr.
        subprocess.TimeoutExpired: Chromium ran longer than 120 seconds.
    """
    command = [
        str(CHROMIUM),
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        f"--window-size={WINDOW_SIZE}",
        f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}",
        *mode_flags,
        url,
    ]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        timeout=CHROMIUM_TIMEOUT_S,
    )
    return completed.stdout


def screenshot(site: Path, output: Path, pipeline: str = SCREENSHOT_PIPELINE) -> Path:
    """Serve ``site`` and save a PNG of one pipeline's flowchart to ``output``."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.unlink(missing_ok=True)
    with (
        serve_site(site, SCREENSHOT_SETTINGS) as base_url,
        tempfile.TemporaryDirectory() as profile,
    ):
        url = pipeline_url(base_url, pipeline)
        run_chromium(url, Path(profile), f"--screenshot={output.resolve()}")
    if not output.is_file():
        raise SiteBuildError(f"Chromium wrote no screenshot to {output}.")
    logger.info("Saved the flowchart of %s to %s", pipeline, output)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build the site into PROJECT/build")
    build.add_argument("--project", type=Path, default=REPOSITORY)

    shot = commands.add_parser(
        "screenshot", help="save a PNG of the flowchart of an already built site"
    )
    shot.add_argument("--project", type=Path, default=REPOSITORY)
    shot.add_argument("--output", type=Path, required=True, help="PNG file to write")
    shot.add_argument(
        "--pipeline", default=SCREENSHOT_PIPELINE, help="registered pipeline to draw"
    )

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    if args.command == "build":
        build_site(args.project)
        return 0

    site = args.project / SITE_FOLDER
    if not (site / "api" / "main").is_file():
        parser.error(f"no built site in {site}: run `{parser.prog} build` first")
    if not CHROMIUM.exists():
        parser.error(
            f"{CHROMIUM} not found: install it with `apt-get install chromium`"
        )
    screenshot(site, args.output, args.pipeline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
