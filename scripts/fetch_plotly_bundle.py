"""Fetch plotly.js's cartesian bundle from the npm registry for the report (run by ``make``).

The report embeds plotly.js once. The plotly package from PyPI ships the full bundle (every
trace type, 4.7 MB); the report draws only cartesian traces (scatter, bar, heatmap, ...), which
plotly's own partial bundle ``plotly.js-cartesian-dist-min`` holds in a third of the size. This
script takes that bundle, of exactly the plotly.js version the installed plotly package ships,
from the npm registry (``npm pack``: the published tarball, no install scripts run), checks its
version header, and writes it to ``src/bioris/reporting/vendor/``. The report uses it when every
figure's traces are in it, else the full bundle; without npm, the report still works with the
full bundle (a larger file).

    python scripts/fetch_plotly_bundle.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import plotly

PACKAGE = "plotly.js-cartesian-dist-min"
BUNDLE = "plotly-cartesian.min.js"
TARGET = Path(__file__).resolve().parent.parent / "src" / "bioris" / "reporting" / "vendor"
_VERSION = re.compile(r"plotly\.js(?: \([^)]*\))? v(\d+\.\d+\.\d+)")


def bundled_version() -> str:
    """The plotly.js version inside the installed plotly package."""
    head = (Path(plotly.__path__[0]) / "package_data" / "plotly.min.js").read_text()[:300]
    match = _VERSION.search(head)
    if match is None:
        raise SystemExit("cannot read the plotly.js version of the plotly package")
    return match.group(1)


def main() -> int:
    version = bundled_version()
    target = TARGET / BUNDLE
    if target.exists() and version in target.read_text(encoding="utf-8")[:300]:
        return 0
    npm = shutil.which("npm")
    if npm is None:
        print("note: npm not found; the report embeds plotly's full bundle (a larger file)")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            [npm, "pack", f"{PACKAGE}@{version}", "--silent"],
            cwd=folder, capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        tarballs = list(Path(folder).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            print(f"note: npm pack {PACKAGE}@{version} failed ({done.stderr.strip()[-300:]});"
                  " the report embeds plotly's full bundle")  # fmt: skip
            return 0
        with tarfile.open(tarballs[0]) as archive:
            member = archive.extractfile(f"package/{BUNDLE}")
            if member is None:
                raise SystemExit(f"{tarballs[0].name} holds no {BUNDLE}")
            text = member.read().decode("utf-8")
    found = _VERSION.search(text[:300])
    if found is None or found.group(1) != version:
        raise SystemExit(f"{PACKAGE} is not plotly.js {version}")
    TARGET.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)
    print(
        f"fetched {PACKAGE} {version} into {target.relative_to(TARGET.parent.parent.parent.parent)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
