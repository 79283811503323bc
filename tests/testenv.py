"""Loaded with `-p tests.testenv` (pyproject addopts) before pytest-django reads the settings.

Settings refuse to start without SECRET_KEY when DEBUG is off (the default); tests run with DEBUG off.
Worker and scenario subprocesses inherit the variable.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
