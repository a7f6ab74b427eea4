"""Settings for the test suite: the production settings on the real PostgreSQL
and Redis, with what tests must not depend on turned off."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-for-the-check-0123456789")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/delegation_crm")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
os.environ["DEBUG"] = "0"

from .settings import *  # noqa: E402,F403
from .settings import STATIC_ROOT, STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
