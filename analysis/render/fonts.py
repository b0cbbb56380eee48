"""Check that the fonts the PDF needs are installed, and where their files are."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .errors import RenderError

CJK_FALLBACK = "Noto Serif CJK SC"
FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts"]


def _fc_list() -> list[tuple[list[str], str]] | None:
    """(families, file) of every installed font, or None without fontconfig."""
    if not shutil.which("fc-list"):
        return None
    out = subprocess.run(["fc-list", "-f", "%{family}\t%{file}\n"], capture_output=True, text=True).stdout
    fonts = []
    for line in out.splitlines():
        families, _, file = line.partition("\t")
        fonts.append(([f.strip() for f in families.split(",")], file))
    return fonts


def font_files(family: str) -> list[Path]:
    """Files of an installed font family (exact family name, case-insensitive)."""
    fonts = _fc_list()
    if fonts is not None:
        want = family.lower()
        return sorted({Path(file) for families, file in fonts if want in (f.lower() for f in families)})
    squashed = family.replace(" ", "").lower()  # no fontconfig: match file names, e.g. NotoSerifCJK
    squashed = squashed.removesuffix("sc").removesuffix("tc").removesuffix("jp").removesuffix("kr")
    return sorted(
        p
        for d in FONT_DIRS
        if d.is_dir()
        for p in d.rglob("*")
        if p.suffix.lower() in {".ttf", ".otf", ".ttc", ".otc"} and squashed in p.name.lower()
    )


# Fonts compiled into the typst package itself: usable without any installed file.
TYPST_EMBEDDED = {"libertinus serif", "new computer modern", "new computer modern math", "dejavu sans mono"}


def require_fonts(families: list[str]) -> list[Path]:
    """Directories holding `families`; RenderError naming the first missing font."""
    dirs: list[Path] = []
    for family in families:
        if family.lower() in TYPST_EMBEDDED:
            continue
        files = font_files(family)
        if not files:
            hint = " (Debian/Ubuntu: `apt-get install fonts-noto-cjk` provides it)" if "CJK" in family else ""
            raise RenderError(
                f"PDF: font {family!r} is not installed{hint}; it is needed for the PDF "
                "(format.typst.mainfont in _quarto.yml or the CJK fallback)"
            )
        dirs += [f.parent for f in files if f.parent not in dirs]
    return dirs
