"""The LibreOffice extension (``xlgoals libreoffice-addin``): its sources live in ``macros/libreoffice``."""
