import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "delegation_crm.settings")
application = get_wsgi_application()

# What start-up loaded (Django, the apps, their modules) lives as long as the process: moved out of
# the collector's reach, a full garbage collection walks only what requests create. Measured by
# bench/run.py, which freezes at the same point: a full collection during a request cost ~70-130 ms
# at full size, ~25 ms once frozen.
gc.freeze()
