"""The service's endpoints, one module each (an ``APIRouter`` named ``router``), in the order the
app includes them."""

ROUTES = (
    "page",  # GET /, POST /check: the page
    "check",  # POST /api/check
    "annotate",  # POST /api/annotate
    "summary",  # POST /api/summary
    "convert",  # POST /api/convert
    "buttons",  # POST /api/press: every client's buttons (and old templates' xlwings calls)
    "rules",  # GET /api/rules, /rules, /api
    "template",  # GET /template
    "wps",  # GET /wps/…: the WPS add-in served online
    "libreoffice",  # GET /libreoffice/xlgoals.oxt: the LibreOffice extension
    "health",  # GET /healthz
)
