"""The WSGI entry point. The URLconf (and with it every view module, ~80 of the project's modules) is loaded
here, when the server starts a worker, rather than by the worker's first request: that request (an
export measured in a fresh process, say) otherwise pays ~150 ms of imports, more without bytecode files."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_tracker.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 -- imports the views now
