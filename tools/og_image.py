"""Draw static/img/og-image.png, the link-preview picture, from og-image.svg beside it.

Platforms will not show an SVG preview, so the SVG (the source, easy to edit) is drawn at
1200 x 630 pixels by Debian's Chromium, the one the browser tests use. Nothing is downloaded.
Run after changing the SVG: ``.venv/bin/python tools/og_image.py``, then commit both files.
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

IMAGES = Path(__file__).resolve().parent.parent / "static" / "img"
WIDTH, HEIGHT = 1200, 630


def main() -> None:
    svg = (IMAGES / "og-image.svg").read_text()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.set_content(f'<body style="margin:0">{svg}</body>')
        page.screenshot(path=str(IMAGES / "og-image.png"), clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT})
        browser.close()


if __name__ == "__main__":
    main()
