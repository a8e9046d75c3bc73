"""Draw static/img/icon-192.png and icon-512.png, the installed site's icons, from favicon.svg.

The web app manifest (``/manifest.webmanifest``) names PNG icons of 192 and 512 pixels, which
every browser that installs sites accepts. As for the link-preview picture (tools/og_image.py),
Debian's Chromium draws the SVG; nothing is downloaded. Run after changing favicon.svg:
``.venv/bin/python tools/app_icons.py``, then commit the PNGs.
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

IMAGES = Path(__file__).resolve().parent.parent / "static" / "img"
SIZES = (192, 512)


def main() -> None:
    svg = (IMAGES / "favicon.svg").read_text()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for size in SIZES:
            page = browser.new_page(viewport={"width": size, "height": size})
            sized = svg.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
            page.set_content(f'<body style="margin:0;background:transparent">{sized}</body>')
            page.screenshot(path=str(IMAGES / f"icon-{size}.png"), omit_background=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
