"""Have LibreOffice (headless) open spreadsheets, recalculate every formula and save them.

Used by the tests, and useful to check a generated sheet without opening it:
``recalculate([path], out_dir)`` converts each file to .xlsx in ``out_dir`` with
LibreOffice's "recalculate on load" set to *always* for both .ods and .xlsx, in a fresh
user profile (so no setting of the user's own LibreOffice takes part). The saved .xlsx
holds LibreOffice's own results, readable with ``openpyxl.load_workbook(data_only=True)``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

__all__ = ["soffice", "recalculate"]

# Calc → Formula → "Recalculation on file load": 0 = always (for Excel 2007+ and ODF files)
_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    """The LibreOffice program, or None if it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalculate(paths: Sequence[Path], out_dir: Path, timeout: float = 180) -> list[Path]:
    """Recalculate and save each file as ``out_dir/<stem>.xlsx``; one LibreOffice run."""
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="backprop-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_SETTINGS, encoding="utf-8")
        command = [
            program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
            "--norestore", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
            "--outdir", str(out_dir), *[str(p) for p in paths],
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    outputs = [out_dir / (Path(p).stem + ".xlsx") for p in paths]
    missing = [str(p) for p in outputs if not p.exists()]
    if result.returncode != 0 or missing:
        raise RuntimeError(f"LibreOffice did not convert {missing or paths}: "
                           f"{result.stderr.strip() or result.stdout.strip()}")
    return outputs
