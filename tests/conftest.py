"""What every layer's tests share, without QGIS: the plugin importable under its installed name.

The repository root is the plugin folder; it is linked as 'imagette' in a plugin folder (.build/plugins) so
that tests import it as QGIS does. Nothing here imports qgis: tests/engine/ runs where QGIS is absent (the
command line's and the Dask workers' case; `make test-engine`), and tests/plugin/conftest.py starts QGIS
for the tests that need it. tests/failures.py, registered below, holds the fixtures both layers' failure tests use.
"""

from __future__ import annotations

import sys

from tests.headless import plugin_dir

sys.path.insert(0, str(plugin_dir()))

pytest_plugins = ["tests.failures"]
