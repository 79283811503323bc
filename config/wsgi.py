import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 — after the app is set up

# Django refuses an empty SECRET_KEY when it is read (DEBUG off and none set): fail at start, not at the
# first login.
settings.SECRET_KEY  # noqa: B018
