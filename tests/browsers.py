"""The real browser of the browser tests: Debian's chromium, driven by Playwright (sync API).

Playwright downloads no browser here: without /usr/bin/chromium (Debian package ``chromium``,
which ``make test`` installs) the browser tests skip.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--disable-sync"]
NO_CHROMIUM = ("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium; "
               ".ci/run installs it); Playwright's own browser downloads are not used")
