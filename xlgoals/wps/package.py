"""Build the WPS add-in for one service address: ``xlgoals wps-addin --url URL -o FILE.zip``.

The add-in's sources (``macros/wps/``) are plain files; only ``js/config.js`` is written here, with the
service address (and, for an offline package, optionally the access token). The package has the
layout of WPS's ``jsaddons`` folder: the add-in in ``xlgoals_<version>/``, ``jsplugins.xml`` for an
offline install and ``publish.xml`` naming the service's online copy. The same files are served by
the service itself under ``/wps/`` (online mode: WPS fetches ``/wps/jsplugins.xml``). Builds are
byte-for-byte reproducible: fixed order, fixed timestamps.
"""

from __future__ import annotations

import io
import json
import zipfile
from xml.sax.saxutils import quoteattr

from xlgoals import __version__
from xlgoals.clientcode import macros
from xlgoals.errors import XlgoalsInputError

SOURCES = macros("wps")
NAME = "xlgoals"
FOLDER = f"{NAME}_{__version__}"
STAMP = (2024, 1, 1, 0, 0, 0)


def check_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or any(c in url for c in "\"'<> \n"):
        raise XlgoalsInputError("服务地址应以 http:// 或 https:// 开头，如 http://10.1.2.3:8000。", file=url)
    return url


def addin_files(url: str, token: str | None = None) -> dict[str, bytes]:
    """The add-in's files (paths inside its folder) for the service at ``url``."""
    files = {
        p.relative_to(SOURCES).as_posix(): p.read_bytes()
        for p in sorted(SOURCES.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
    config = {"url": check_url(url), "version": __version__}
    if token:
        config["token"] = token
    files["js/config.js"] = (
        "/* Written by xlgoals wps-addin: the service this add-in calls. */\n"
        f"window.XLGOALS_CONFIG = {json.dumps(config, ensure_ascii=False)};\n"
    ).encode()
    return dict(sorted(files.items()))


def plugins_xml(url: str, *, online: bool) -> bytes:
    """jsplugins.xml (offline: the add-in's folder beside it) or publish.xml (the service's copy)."""
    where = f"{check_url(url)}/wps/{FOLDER}/" if online else f"{FOLDER}/"
    extra = ' enable="enable" install="null"' if online else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<jsplugins>\n'
        f'  <jsplugin name="{NAME}" type="et" url={quoteattr(where)} version="{__version__}"{extra}/>\n'
        "</jsplugins>\n"
    ).encode()


def build_package(url: str, token: str | None = None) -> bytes:
    buf = io.BytesIO()
    entries = {f"jsaddons/{FOLDER}/{k}": v for k, v in addin_files(url, token).items()}
    entries["jsaddons/jsplugins.xml"] = plugins_xml(url, online=False)
    entries["jsaddons/publish.xml"] = plugins_xml(url, online=True)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name])
    return buf.getvalue()
