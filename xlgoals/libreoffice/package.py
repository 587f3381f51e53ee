"""Build the LibreOffice extension for one service address: ``xlgoals libreoffice-addin --url URL -o
xlgoals.oxt``.

The extension's sources are plain files (``macros/libreoffice/``: the UNO component, the toolbar and
menu, the protocol handler, the description); the build adds the protocol's Python client
(``macros/python/xlgoals_client.py``) beside the component and ``settings.json`` with the service
address (and, optionally, the access token), and writes the version into ``description.xml``. The
.oxt is a zip: reproducible, fixed order and timestamps. Install it with Tools → Extension Manager (or
by opening the file), or for every user with ``unopkg add --shared xlgoals.oxt``.
"""

from __future__ import annotations

import io
import json
import zipfile

from xlgoals import __version__
from xlgoals.clientcode import macros
from xlgoals.wps.package import check_url

NAME = "xlgoals.oxt"
STAMP = (2024, 1, 1, 0, 0, 0)


def extension_files(url: str, token: str | None = None) -> dict[str, bytes]:
    """The extension's files (paths inside the .oxt) for the service at ``url``."""
    address = check_url(url)
    sources = macros("libreoffice")
    files = {
        p.relative_to(sources).as_posix(): p.read_bytes()
        for p in sorted(sources.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
    files["description.xml"] = (
        files["description.xml"].decode("utf-8").replace("@VERSION@", __version__).replace("@URL@", address)
    ).encode("utf-8")
    files["xlgoals_client.py"] = macros("python", "xlgoals_client.py").read_bytes()
    config = {"url": address, "version": __version__, **({"token": token} if token else {})}
    files["settings.json"] = (json.dumps(config, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return dict(sorted(files.items()))


def build_extension(url: str, token: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as oxt:
        for name, data in extension_files(url, token).items():
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            oxt.writestr(info, data)
    return buf.getvalue()
