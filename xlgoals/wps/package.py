"""Build the WPS add-in for one service address: ``xlgoals wps-addin --url URL -o FILE.zip``.

The add-in's sources (``macros/wps/``) are plain files; only ``js/config.js`` is written here, with the
service address (and, for an offline package, optionally the access token — otherwise the add-in asks
for it). The forms WPS reads (wpsjs 2.2.3, Kingsoft's add-in tool: ``debug_xmlplugin.js``,
``build.js``, ``publish.js``; docs/服务.md §9):

* online — the service itself serves the add-in: ``/wps/jsplugins.xml`` lists it as
  ``<jspluginonline name type url="…/wps/xlgoals_VERSION/"/>`` and WPS fetches its files from there;
* offline — ``xlgoals.7z`` holds the folder ``xlgoals_VERSION/`` (what ``wpsjs build`` makes), and a
  ``jsplugins.xml`` lists it as ``<jsplugin name type url="…/xlgoals.7z" version/>``; the package also
  carries the folder unpacked, as WPS unpacks it into its ``jsaddons`` folder.

Builds are byte-for-byte reproducible: fixed order, fixed timestamps.
"""

from __future__ import annotations

import io
import json
import zipfile
from xml.sax.saxutils import quoteattr

from xlgoals import __version__
from xlgoals.clientcode import macros
from xlgoals.errors import XlgoalsInputError
from xlgoals.wps import sevenzip

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


ARCHIVE = f"{NAME}.7z"


def plugins_xml(url: str, *, online: bool) -> bytes:
    """jsplugins.xml: the online add-in the service serves, or the offline archive."""
    base = f"{check_url(url)}/wps/"
    if online:
        entry = f'<jspluginonline name="{NAME}" type="et" url={quoteattr(base + FOLDER + "/")}/>'
    else:
        entry = f'<jsplugin name="{NAME}" type="et" url={quoteattr(base + ARCHIVE)} version="{__version__}"/>'
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<jsplugins>\n  {entry}\n</jsplugins>\n'.encode()


def archive(url: str, token: str | None = None) -> bytes:
    """The offline add-in as WPS installs it: ``xlgoals.7z`` holding ``xlgoals_VERSION/``."""
    return sevenzip.build({f"{FOLDER}/{k}": v for k, v in addin_files(url, token).items()})


def build_package(url: str, token: str | None = None) -> bytes:
    buf = io.BytesIO()
    entries = {f"jsaddons/{FOLDER}/{k}": v for k, v in addin_files(url, token).items()}
    entries["jsaddons/jsplugins.xml"] = plugins_xml(url, online=False)
    entries[ARCHIVE] = archive(url, token)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as package:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            package.writestr(info, entries[name])
    return buf.getvalue()
