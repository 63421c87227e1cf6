"""Settings for the test suite: production settings with test-only overrides.

The suite runs against the database named by DATABASE_URL (SQLite by default,
PostgreSQL in CI), exactly as production would.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-not-secret")
os.environ.setdefault("TESTING", "1")

from provenance.settings import *  # noqa: E402,F403

# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
# Hashing passwords with PBKDF2 dominates the run time of view tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Serve static files from the app folders without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
