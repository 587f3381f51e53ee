"""The service's endpoints, one module each (an ``APIRouter`` named ``router``), in the order the
app includes them."""

ROUTES = (
    "page",  # GET /, POST /check: the page
    "check",  # POST /api/check
    "annotate",  # POST /api/annotate
    "summary",  # POST /api/summary
    "convert",  # POST /api/convert
    "buttons",  # POST /xlwings/custom-scripts-call/{script}: the Excel and WPS buttons
    "rules",  # GET /api/rules, /rules, /api
    "template",  # GET /template
    "wps",  # GET /wps/…: the WPS add-in served online
    "health",  # GET /healthz
)
