"""Every product setting is in config/settings.py, read from its environment variable, with a README line."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
APPS = ("dispatch", "classifier", "governance", "common")
PRODUCT = re.compile(r"^(DISPATCH|CLASSIFIER)_[A-Z_]+$")


def test_no_setting_is_read_with_a_default_of_its_own_in_the_apps():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "getattr(settings" in line
    ]

    assert offenders == []


def test_every_product_setting_reads_its_environment_variable_and_has_a_readme_line():
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = [name for name in dir(settings) if PRODUCT.match(name)]

    assert "DISPATCH_MAX_RETURNS" in names and "CLASSIFIER_TRAIN_JOBS" in names
    assert [n for n in names if f'os.environ.get("{n}"' not in source] == []
    assert [n for n in names if f"`{n}`" not in readme] == []
