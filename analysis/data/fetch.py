"""Obtain a declared raw input as a verified local file.

Order, offline first: the verified cache, then the offline mirror (copied into the cache after
the sha256 check), and only for an input neither holds the pinned URL (a pooch download checked
against the sha256, with a short connect timeout). Every location that fails is reported, so a
user sees why each one was refused.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from analysis.core.errors import DataError
from analysis.core.paths import cache_dir, mirror_dir
from analysis.data.manifest import Source


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes, in hex."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


CONNECT_TIMEOUT = 5.0  # seconds to reach a host; a proxy that never answers fails fast
READ_TIMEOUT = 60.0


def _from_url(src: Source, cache: Path, timeout) -> Path:
    import pooch  # imported here: a build whose inputs are all cached never pays for it

    pooch.get_logger().setLevel("WARNING")
    downloader = pooch.HTTPDownloader(timeout=timeout, progressbar=False)
    path = pooch.retrieve(src.url, known_hash=f"sha256:{src.sha256}", fname=src.file, path=cache, downloader=downloader)
    return Path(path)


def _from_mirror(src: Source, mirror: Path, cache: Path) -> Path:
    if not src.mirror_path:
        raise FileNotFoundError("no mirror_path declared")
    origin = mirror / src.mirror_path
    if not origin.is_file():
        raise FileNotFoundError(f"missing {origin}")
    got = sha256_of(origin)
    if got != src.sha256:
        raise ValueError(f"checksum mismatch for {origin}: sha256 {got}, manifest expects {src.sha256}")
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / src.file
    tmp = target.with_suffix(target.suffix + ".part")
    shutil.copyfile(origin, tmp)
    tmp.replace(target)
    return target


def fetch(
    src: Source,
    *,
    mirror: Path | None = None,
    cache: Path | None = None,
    use_url: bool = True,
    timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
    progress=None,
) -> Path:
    """Return a local path whose bytes match the manifest's sha256, or raise DataError.
    `progress`, if given, is called with one line saying where the input came from."""
    cache = Path(cache or cache_dir())
    mirror = Path(mirror or mirror_dir())
    report = progress or (lambda line: None)
    cached = cache / src.file
    if cached.is_file() and sha256_of(cached) == src.sha256:
        report(f"[data] {src.id}: verified cache")
        return cached
    failures = []
    try:
        path = _from_mirror(src, mirror, cache)
        report(f"[data] {src.id}: offline mirror, verified")
        return path
    except (OSError, ValueError) as exc:
        failures.append(f"mirror: {exc}")
    if use_url and src.url:
        report(f"[data] {src.id}: downloading {src.url} ...")
        try:
            return _from_url(src, cache, timeout)
        except Exception as exc:  # network errors, HTTP errors, pooch's hash mismatch
            failures.append(f"url {src.url}: {type(exc).__name__}: {exc}")
    elif not src.url:
        failures.append("url: none declared (mirror-only input)")
    else:
        failures.append("url: not tried (--offline)")
    if cached.exists():
        failures.append(f"cache: {cached} has sha256 {sha256_of(cached)}, expected {src.sha256}")
    raise DataError(src.id, "could not obtain a verified copy: " + "; ".join(failures), src.file)


def fetch_all(sources: dict[str, Source], **kwargs) -> dict[str, Path]:
    """Fetch every declared input; the first failure stops with its DataError."""
    return {sid: fetch(src, **kwargs) for sid, src in sources.items()}
