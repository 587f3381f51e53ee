"""One LibreOffice for a whole test run, driven over UNO (run with Debian's python3, which has ``uno``).

    /usr/bin/python3 tests/uno_worker.py PROFILE_DIR

Starts ``soffice --headless`` on the given profile (tests/soffice.py writes it: recalculate on load),
then answers requests, one JSON object per line on stdin, with one JSON line on stdout:

* ``{"convert": [IN…], "filter": NAME, "suffix": ".pdf", "outdir": DIR}`` — load each file (formulas
  recalculated), store it with the export filter NAME as DIR/<stem><suffix>;
* ``{"values": [IN…]}`` — load each file (formulas recalculated) and answer every sheet's name and
  the values of its used area, row by row: numbers, text, "" for an empty cell, and "#ERROR" where a
  formula gives an error (what a test reads of a recalculated file, without storing and reading a copy);
* ``{"edit": IN, "out": OUT, "steps": [...]}`` — a clerk's edits (tests/uno_edit.py), stored as .xlsx;
* ``{"basic": IN, "stub": [MODULE…], "replace": {MODULE: SOURCE}, "calls": [{"module", "function",
  "args"}]}`` — open a workbook with its VBA project (LibreOffice runs VBA as Basic in its VBA mode),
  empty the modules ``stub`` names (those that cannot compile here, such as xlwings' with its DLL
  declarations), put SOURCE in place of a module, call the functions in order; their results;
* ``{"install": OXT}`` — add an extension to the profile (the Extension Manager, as Tools → Extension
  Manager does), then start LibreOffice again so it is loaded;
* ``{"session": IN, "steps": [...]}`` — open IN where it is (a clerk's saved workbook) and apply the
  steps in order: ``{"dispatch": URL}`` (a toolbar button or menu item: what the click dispatches),
  ``{"set": SHEET, "cells": {...}}`` (typing), ``{"store": OUT}`` (a copy as .xlsx), ``{"save": true}``,
  ``{"toolbar": NAME}`` (the titles of an add-on toolbar's items, in the UI's language).

Answers are ``{"ok": true, ...}`` or ``{"error": "..."}``. If soffice dies (it has dropped the bridge
once on a brand-new profile) it is started again and the request retried once. Every document is
opened from a private copy, so LibreOffice's lock files never land beside the caller's files.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

import uno  # type: ignore[import-not-found]
import unohelper  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.task import XInteractionHandler  # type: ignore[import-not-found]
from com.sun.star.ucb import XCommandEnvironment  # type: ignore[import-not-found]

sys.path.insert(0, str(Path(__file__).resolve().parent))
import uno_edit


def props(**kw: object) -> tuple[object, ...]:
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


class Office:
    def __init__(self, profile: Path) -> None:
        self.profile = profile
        self.process: subprocess.Popen[bytes] | None = None
        self.desktop: object = None
        self.ctx: object = None

    def start(self) -> None:
        pipe = f"xlgoals-tests-{os.getpid()}-{time.monotonic_ns()}"
        self.process = subprocess.Popen(
            [
                "soffice",
                f"-env:UserInstallation={self.profile.as_uri()}",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                "--nodefault",
                f"--accept=pipe,name={pipe};urp;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(240):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                self.desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
                self.ctx = ctx
                return
            except Exception:
                if self.process.poll() is not None:
                    break
                time.sleep(0.25)
        raise RuntimeError("LibreOffice did not start")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(Exception):  # it may be gone already
            self.desktop.terminate()  # type: ignore[attr-defined]
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def load(self, path: Path) -> object:
        return self.desktop.loadComponentFromURL(path.as_uri(), "_blank", 0, props(Hidden=True))  # type: ignore[attr-defined]


@contextlib.contextmanager
def recalculated(office: Office, src: Path, scratch: Path) -> Iterator[object]:
    """``src`` opened from a private copy, its formulas recalculated; closed and the copy removed after.
    The profile's OOXMLRecalcMode/ODFRecalcMode 0 recalculates every formula as the file loads (the
    saved values are not trusted); a calculateAll() after it computed the same values again, at a
    fifth of the parity run (test_parity's mutant, saved without values, proves the recalculation)."""
    work = scratch / f"in{src.suffix}"
    shutil.copy(src, work)
    doc = office.load(work)
    try:
        yield doc
    finally:
        doc.close(True)
        work.unlink(missing_ok=True)


def convert(office: Office, request: dict, scratch: Path) -> dict:
    outdir = Path(request["outdir"])
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in request["convert"]:
        src = Path(name)
        with recalculated(office, src, scratch) as doc:
            target = outdir / f"{src.stem}{request['suffix']}"
            doc.storeToURL(target.as_uri(), props(FilterName=request["filter"]))
            written.append(str(target))
    return {"ok": True, "written": written}


ERROR_RESULT = 4  # com.sun.star.sheet.FormulaResult.ERROR


def values(office: Office, request: dict, scratch: Path) -> dict:
    books = []
    for name in request["values"]:
        with recalculated(office, Path(name), scratch) as doc:
            sheets = []
            for k in range(doc.Sheets.Count):
                sheet = doc.Sheets.getByIndex(k)
                cursor = sheet.createCursor()
                cursor.gotoEndOfUsedArea(False)
                end = cursor.RangeAddress
                area = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
                rows = [list(r) for r in area.getDataArray()]
                errors = area.queryFormulaCells(ERROR_RESULT)
                for a in errors.RangeAddresses:
                    for r in range(a.StartRow, a.EndRow + 1):
                        for c in range(a.StartColumn, a.EndColumn + 1):
                            rows[r][c] = "#ERROR"
                sheets.append([sheet.Name, rows])
            books.append(sheets)
    return {"ok": True, "books": books}


def edit(office: Office, request: dict, scratch: Path) -> dict:
    src, out = Path(request["edit"]), Path(request["out"])
    work = scratch / f"edit{src.suffix}"
    shutil.copy(src, work)
    doc = office.load(work)
    try:
        uno_edit.apply(doc, request["steps"])
        doc.calculateAll()
        doc.storeToURL(out.as_uri(), props(FilterName="Calc MS Excel 2007 XML"))
    finally:
        doc.close(True)
        work.unlink(missing_ok=True)
    return {"ok": True}


_HEADER = "Rem Attribute VBA_ModuleType=VBAModule\nOption VBASupport 1\n"


def _basic_source(text: str) -> str:
    """A VBA module's text as LibreOffice keeps it: VBA mode on, the export header gone."""
    body = [ln for ln in text.replace("\r\n", "\n").split("\n") if not ln.startswith("Attribute VB_")]
    return _HEADER + "\n".join(body)


def basic(office: Office, request: dict, scratch: Path) -> dict:
    src = Path(request["basic"])
    work = scratch / f"basic{src.suffix}"
    shutil.copy(src, work)
    doc = office.desktop.loadComponentFromURL(  # type: ignore[attr-defined]
        work.as_uri(), "_blank", 0, props(Hidden=True, MacroExecutionMode=4)
    )
    try:
        doc.getCurrentController().getFrame().activate()  # ActiveWorkbook and scripts need it
        libs = doc.BasicLibraries
        libs.loadLibrary("VBAProject")
        lib = libs.getByName("VBAProject")
        for name in request.get("stub", []):
            lib.replaceByName(name, _HEADER)
        for name, source in request.get("replace", {}).items():
            lib.replaceByName(name, _basic_source(source))
        provider = doc.getScriptProvider()
        results = []
        for call in request["calls"]:
            url = f"vnd.sun.star.script:VBAProject.{call['module']}.{call['function']}?language=Basic&location=document"
            value, _out, _ = provider.getScript(url).invoke(tuple(call.get("args", [])), (), ())
            results.append(value)
        return {"ok": True, "results": results}
    finally:
        doc.close(True)
        work.unlink(missing_ok=True)


class _Approve(unohelper.Base, XInteractionHandler):  # type: ignore[misc]
    """Say yes to whatever the Extension Manager asks (a licence, a replacement)."""

    def handle(self, request: object) -> None:
        for choice in request.getContinuations():  # type: ignore[attr-defined]
            if choice.queryInterface(uno.getTypeByName("com.sun.star.task.XInteractionApprove")):
                choice.select()


class _Commands(unohelper.Base, XCommandEnvironment):  # type: ignore[misc]
    def getInteractionHandler(self) -> object:
        return _Approve()

    def getProgressHandler(self) -> None:
        return None


def install(office: Office, request: dict, scratch: Path) -> dict:
    manager = office.ctx.getValueByName("/singletons/com.sun.star.deployment.ExtensionManager")  # type: ignore[attr-defined]
    url = Path(request["install"]).resolve().as_uri()
    manager.addExtension(url, (), "user", manager.createAbortChannel(), _Commands())
    office.stop()
    office.start()
    return {"ok": True}


def session(office: Office, request: dict, scratch: Path) -> dict:
    path = Path(request["session"])
    doc = office.load(path)
    results: list[object] = []
    try:
        frame = doc.getCurrentController().getFrame()
        frame.activate()
        helper = office.ctx.ServiceManager.createInstanceWithContext(  # type: ignore[attr-defined]
            "com.sun.star.frame.DispatchHelper", office.ctx
        )
        for step in request["steps"]:
            if "dispatch" in step:
                helper.executeDispatch(frame, step["dispatch"], "", 0, ())
                results.append(None)
            elif "set" in step:
                uno_edit.apply(doc, [step])
                results.append(None)
            elif "store" in step:
                doc.storeToURL(
                    Path(step["store"]).resolve().as_uri(), props(FilterName="Calc MS Excel 2007 XML")
                )
                results.append(step["store"])
            elif "save" in step:
                doc.store()
                results.append(None)
            elif "toolbar" in step:  # the toolbar exists in the frame; its items, titled in Chinese
                bar = frame.LayoutManager.getElement(f"private:resource/toolbar/addon_{step['toolbar']}")
                provider = office.ctx.ServiceManager.createInstanceWithContext(  # type: ignore[attr-defined]
                    "com.sun.star.configuration.ConfigurationProvider", office.ctx
                )
                node = f"/org.openoffice.Office.Addons/AddonUI/OfficeToolBar/{step['toolbar']}"
                access = provider.createInstanceWithArguments(
                    "com.sun.star.configuration.ConfigurationAccess", props(nodepath=node, Locale="zh-CN")
                )
                items = [access.getByName(n) for n in sorted(access.ElementNames)]
                states = provider.createInstanceWithArguments(
                    "com.sun.star.configuration.ConfigurationAccess",
                    props(
                        nodepath="/org.openoffice.Office.UI.CalcWindowState/UIElements/States", Locale="zh-CN"
                    ),
                )
                resource = f"private:resource/toolbar/addon_{step['toolbar']}"
                state = states.getByName(resource) if states.hasByName(resource) else None
                results.append(
                    {
                        "exists": bar is not None,
                        "items": [[i.URL, i.Title] for i in items],
                        "name": state.UIName if state is not None else None,
                        "docked": bool(state.Docked) if state is not None else None,
                    }
                )
    finally:
        doc.close(True)
    return {"ok": True, "results": results}


def main() -> None:
    office = Office(Path(sys.argv[1]))
    office.start()
    scratch = Path(tempfile.mkdtemp(prefix="xlgoals-uno-scratch-"))
    sys.stdout.write(json.dumps({"ready": True}) + "\n")
    sys.stdout.flush()
    try:
        for line in sys.stdin:
            request = json.loads(line)
            kinds = {
                "convert": convert,
                "values": values,
                "basic": basic,
                "install": install,
                "session": session,
            }
            handler = next((h for k, h in kinds.items() if k in request), edit)
            try:
                try:
                    answer = handler(office, request, scratch)
                except Exception as exc:
                    if "Disposed" not in type(exc).__name__ and (
                        office.process and office.process.poll() is None
                    ):
                        raise
                    office.stop()  # LibreOffice went away: once more on a new one
                    office.start()
                    answer = handler(office, request, scratch)
            except Exception:
                answer = {"error": traceback.format_exc()}
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()
    finally:
        office.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
