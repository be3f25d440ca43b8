"""Headless Chromium for the report: screenshots of its pages, offline, through Playwright.

Playwright (Python) drives the system's Chromium (Debian's ``chromium`` by default, or
``$ORGNET_CHROMIUM``); Playwright's own browser downloads are never needed. Every request that
is not a local file is aborted, so a page that tried to reach the network fails visibly.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM_ARGS", "BrowserMissing", "chromium", "find_chromium", "offline_page", "screenshot_report"]

#: Flags for a quiet, sandbox-free, offline headless Chromium (containers have no user namespaces).
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")


class BrowserMissing(RuntimeError):
    """No Chromium executable or no Playwright package to drive it."""


def find_chromium() -> str | None:
    """The Chromium executable: ``$ORGNET_CHROMIUM``, else ``/usr/bin/chromium`` or one on ``PATH``."""
    env = os.environ.get("ORGNET_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for candidate in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        path = candidate if Path(candidate).is_absolute() and Path(candidate).exists() else shutil.which(candidate)
        if path:
            return path
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """A running headless Chromium (a Playwright ``Browser``), closed on exit.

    Raises
    ------
    BrowserMissing
        Chromium or the ``playwright`` package is not installed.
    """
    path = find_chromium()
    if path is None:
        raise BrowserMissing("Chromium not found: install it (Debian: apt-get install chromium) or set ORGNET_CHROMIUM")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserMissing("the playwright package is needed: pip install 'orgnet[test]'") from exc
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def _local(url: str) -> bool:
    return url.startswith(("file:", "data:", "blob:", "about:"))


@contextmanager
def offline_page(browser: Any, *, width: int = 1280, height: int = 860) -> Iterator[tuple[Any, dict[str, list[str]]]]:
    """A page in a fresh context where every non-local request is aborted and recorded.

    Yields the page and a record with ``requests`` (non-local URLs attempted), ``console``
    (console errors) and ``errors`` (uncaught page errors) and ``dialogs`` (alerts shown).
    """
    context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
    record: dict[str, list[str]] = {"requests": [], "console": [], "errors": [], "dialogs": []}

    def route(r: Any) -> None:
        if _local(r.request.url):
            r.continue_()
        else:
            record["requests"].append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda req: None if _local(req.url) else record["requests"].append(req.url))
    page.on("console", lambda msg: record["console"].append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: record["errors"].append(str(exc)))

    def dialog(d: Any) -> None:
        record["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    try:
        yield page, record
    finally:
        context.close()


def screenshot_report(report: str | Path, out: str | Path, *, width: int = 1280, height: int = 860) -> list[Path]:
    """PNG screenshots of a report's ``index.html`` (whole page) and ``map.html``.

    Parameters
    ----------
    report : str or Path
        A report folder written by :func:`orgnet.report.write_report`.
    out : str or Path
        Folder for ``index.png`` and ``map.png`` (created).
    width, height : int
        Viewport in CSS pixels.

    Returns
    -------
    list of Path
        The screenshots written.

    Raises
    ------
    FileNotFoundError
        The folder has no ``index.html``.
    BrowserMissing
        No Chromium or Playwright.
    """
    report, out = Path(report).resolve(), Path(out)
    if not (report / "index.html").exists():
        raise FileNotFoundError(f"{report}: no index.html here; give a report folder written by orgnet analyze")
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with chromium() as browser:
        for page_name, full in (("index", True), ("map", False)):
            with offline_page(browser, width=width, height=height) as (page, _):
                page.goto((report / f"{page_name}.html").as_uri(), wait_until="load")
                if page_name == "map":
                    page.wait_for_function("window.orgnetMap !== undefined")
                    page.wait_for_timeout(300)
                target = out / f"{page_name}.png"
                page.screenshot(path=str(target), full_page=full)
                shots.append(target)
    return shots
