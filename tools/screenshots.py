"""Retake the README's screenshots from a running `make run` (the demo data, its logins).

    .venv/bin/python tools/screenshots.py http://127.0.0.1:8000

Logs in as each demo role in headless Chromium (Debian's, through Playwright), saves each key page
at 1360 px wide under docs/screenshots/, and renders the weekly meet's PDF pack to PNG (pdftoppm).
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "csops-demo-2026"
WIDTH, HEIGHT = 1360, 900


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page, base, path, name, full_page=True):
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full_page)
    print("saved", name)


def first_link(page, base, path, selector):
    page.goto(base + path)
    links = page.locator(selector)
    return links.first.get_attribute("href") if links.count() else None


def main(base):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        shot(page, base, "/accounts/login/", "login", full_page=False)

        login(page, base, "am")
        shot(page, base, "/clients/", "client-list")
        shot(page, base, "/my-week/", "my-week")
        # a client of the AM's own, so the page shows what they act on (log a call, raise a flag)
        client = first_link(page, base, "/my-week/", "a[href^='/clients/']:text-is('Northwind Outdoor')")
        shot(page, base, client, "client-detail")
        call = first_link(page, base, "/my-week/", "a[href*='/calls/'][href$='/']")
        if call:
            shot(page, base, call, "call-detail")

        login(page, base, "admin")
        shot(page, base, "/reporting/matrix/", "matrix")

        login(page, base, "head")
        shot(page, base, "/reporting/portfolio/", "portfolio")
        shot(page, base, "/reporting/nps/", "nps")
        shot(page, base, "/reporting/satisfaction/", "satisfaction")
        page.goto(base + "/reporting/meetings/")
        if page.locator("form[action$='/meetings/open/'] button").count():
            page.locator("form[action$='/meetings/open/'] button").first.click()
            page.wait_for_load_state("networkidle")
        meeting = (
            page.url if "/meetings/" in page.url and page.url.rstrip("/").split("/")[-1].isdigit() else None
        )
        meeting = meeting or base + first_link(
            page, base, "/reporting/meetings/", "a[href*='/meetings/'][href$='/']"
        )
        shot(page, base, meeting.replace(base, ""), "weekly-meet")
        pdf_url = meeting.rstrip("/") + "/pack.pdf"
        for _ in range(30):  # the worker renders the pack; the page says "preparing" meanwhile
            response = page.request.get(pdf_url)
            if response.headers.get("content-type") == "application/pdf":
                break
            time.sleep(1)
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "pack.pdf"
            pdf.write_bytes(response.body())
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                            str(OUT / "meet-pack")], check=True)  # fmt: skip
            print("saved meet-pack")

        login(page, base, "sponsor")
        shot(page, base, "/reporting/sponsor/", "sponsor-home")
        checkin = first_link(page, base, "/reporting/sponsor/", "a[href*='/checkin/']")
        if checkin:
            shot(page, base, checkin, "nps-checkin")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
