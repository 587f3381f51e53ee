"""The client-side code of xlgoals, in one place: what runs inside Excel, WPS and LibreOffice.

* ``excel/`` — the VBA of the macro-enabled template (``Module1.bas``; ``udf_wrappers.bas`` and
  ``vbaProject.bin`` are built from it by ``./dev vba``);
* ``wps/`` — the WPS add-in (``xlgoals wps-addin``);
* ``libreoffice/`` — the LibreOffice extension (``xlgoals libreoffice-addin``).

Installed as the package ``xlgoals.macros`` (setup.py maps this folder there), so an installed
xlgoals carries the same files a checkout has; ``xlgoals.clients`` finds them. Nothing here is
imported as Python by xlgoals itself.
"""
