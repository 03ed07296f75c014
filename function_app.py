"""The function app: builds the app and registers the blueprints. Nothing else happens at import."""

import azure.functions as func

from functions.alignment import bp as alignment_bp
from functions.api import bp as api_bp
from functions.drift import bp as drift_bp
from functions.events import bp as events_bp
from functions.scan import bp as scan_bp
from functions.ui import bp as ui_bp

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
app.register_functions(scan_bp)
app.register_functions(api_bp)
app.register_functions(drift_bp)
app.register_functions(events_bp)
app.register_functions(ui_bp)
app.register_functions(alignment_bp)
