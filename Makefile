# The two commands a person needs: `make test` and `make demo`. Both install what is missing first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# xvfb: the virtual X server tests/test_desktop.py drives the QGIS GUI on (skipped, with the reason, without it).
DEBS := qgis qgis-providers python3-qgis python3-rasterio python3-venv xvfb
# dask[distributed]: the optional cluster runs of the `imagette` command (tests/test_cli.py).
PIP_PACKAGES := torch==2.13.0 pytest==9.2.0 ruff==0.17.6 mypy==2.4.1 "dask[distributed]==2026.8.0"
# A local CPU build of torch lies in /opt/wheels on the project's machines; elsewhere PyPI serves it.
PIP_FIND := $(if $(wildcard /opt/wheels),--find-links /opt/wheels)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM := offscreen

.PHONY: test demo lint bench package clean

test: $(STAMP)
	$(PY) -m pytest tests

demo: $(STAMP)
	$(PY) demo/run_demo.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy plugin/engine

bench: $(STAMP)
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

# The installable zip, dist/imagette-<version>.zip; needs only Python's standard library.
package:
	python3 scripts/package.py

$(STAMP): Makefile
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	test -x $(PY) || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q $(PIP_FIND) $(PIP_PACKAGES)
	touch $@

clean:
	rm -rf .build demo-output dist
