import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provenance.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, the URL patterns) lives as long as the
# worker: move it out of the collector's generations, so the full collections that
# follow every few requests scan only what the requests made.
gc.freeze()
