# The two commands a person needs: `make test` and `make demo`. Both install what is missing first.
SHELL := /bin/bash
# The venv the targets use (`make VENV=...`); scripts/debian13.sh puts its own inside the chroot.
VENV := .venv
PY := $(VENV)/bin/python
# xvfb: the virtual X server tests/plugin/test_desktop.py drives the QGIS GUI on (skipped, with the reason, without it).
# qttools5-dev-tools: lrelease, which builds the translations Qt loads (i18n/*.qm) from their sources (i18n/*.ts).
DEBS := qgis qgis-providers python3-qgis python3-rasterio python3-venv xvfb qttools5-dev-tools
# From Debian 13 on, Debian's own torch (2.6, a CPU build) is above the code's floor: taken instead of PyPI's.
DEBS += $(shell [ "$$(cut -d. -f1 /etc/debian_version 2>/dev/null)" -ge 13 ] 2>/dev/null && echo python3-torch)
# dask[distributed]: the optional cluster runs of the `imagette` command (tests/plugin/test_cli.py).
# PyQt6 (with its Qt 6 libraries): tests/plugin/test_qt6.py checks the plugin's code against it, for QGIS 4; never imported
# by the plugin, and by the test only in a subprocess.
# onnx, onnxruntime: ONNX export (imagette:exportmodel) and its tests. ml_dtypes (which onnx needs) pinned to 0.5.4,
# which runs on numpy 1.24: pip would otherwise take 0.7, built for numpy 2, and replace the system numpy with 2.x.
PYTEST_PIN := pytest==9.2.0
ONNX_PINS := onnx==1.23.2 onnxruntime==1.32.0
PIP_PACKAGES := $(PYTEST_PIN) ruff==0.17.6 mypy==2.4.1 "dask[distributed]==2026.8.0" PyQt6==6.11.0 PyQt6-Qt6==6.11.2 \
	$(ONNX_PINS) ml_dtypes==0.5.4
# torch: the pinned release, unless the system Python (seen through the venv) already has torch >= 2.3, the code's
# floor, as Debian 13's python3-torch (2.6) does: then it is used as it is, not replaced by PyPI's 4.7 GB CUDA build.
# Checked in the recipe, after the Debian packages are installed. `make TORCH=...` chooses.
TORCH ?=
TORCH_PIN := torch==2.13.0
TORCH_AT_FLOOR := import sys, torch; sys.exit(tuple(map(int, torch.__version__.split(".")[:2])) < (2, 3))
# A local CPU build of torch lies in /opt/wheels on the project's machines; elsewhere PyPI serves it.
PIP_FIND := $(if $(wildcard /opt/wheels),--find-links /opt/wheels)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM := offscreen
# Qt's translations, built from the .ts sources (git-ignored); Debian 12 and 13 both keep Qt 5's lrelease here.
LRELEASE := /usr/lib/qt5/bin/lrelease
TRANSLATIONS := $(patsubst %.ts,%.qm,$(wildcard i18n/*.ts))

.PHONY: test test-engine test-debian13 test-qgis344 demo lint bench package clean

test: $(STAMP) $(TRANSLATIONS)
	$(PY) -m pytest tests

# The engine's tests (tests/engine) where QGIS is absent, as the `imagette` command and Dask workers run: a venv
# without the system's packages (no qgis, no Debian GDAL bindings) holding only pyproject.toml's dependencies
# (`pip install .` takes the same: numpy, rasterio with its own GDAL, torch), onnx and onnxruntime (the ONNX export and
# ONNX Runtime's classification, tests/engine/test_engine_onnx.py; ml_dtypes as pip chooses, for this venv's numpy 2)
# and pytest. `make test` runs them too.
ENGINE_VENV ?= .build/engine-venv
ENGINE_PYTEST_ARGS ?=
ENGINE_STAMP := $(ENGINE_VENV)/.engine-installed
ENGINE_DEPENDENCIES := import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"])

test-engine: $(ENGINE_STAMP)
	$(ENGINE_VENV)/bin/python -m pytest tests/engine $(ENGINE_PYTEST_ARGS)

$(ENGINE_STAMP): Makefile pyproject.toml
	test -x $(ENGINE_VENV)/bin/python || /usr/bin/python3 -m venv $(ENGINE_VENV)
	@! $(ENGINE_VENV)/bin/python -c 'import qgis' 2>/dev/null || { echo '$(ENGINE_VENV) sees qgis: not a venv of its own'; exit 1; }
	$(ENGINE_VENV)/bin/python -m pip install -q $(PIP_FIND) $$(/usr/bin/python3 -c '$(ENGINE_DEPENDENCIES)') \
		$(TORCH_PIN) $(PYTEST_PIN) $(ONNX_PINS)
	touch $@

# The suite on Debian 13 (QGIS 3.40 LTR, Python 3.13, numpy 2, GDAL 3.10), in a chroot built once with debootstrap at
# DEBIAN13_ROOT and reused (root only; about 3 minutes the first time). `make test-debian13 TARGETS=lint` lints there.
# test-qgis344: the same with QGIS 3.44 LTR from trixie-backports, in a chroot of its own at QGIS344_ROOT.
DEBIAN13_ROOT ?= /var/cache/imagette/debian13
QGIS344_ROOT ?= /var/cache/imagette/debian13-backports
TARGETS ?= test
DEBIAN13 = DEBIAN13_DEBS="make python3-torch $(DEBS)" scripts/debian13.sh $(TARGETS)
test-debian13:
	DEBIAN13_ROOT=$(DEBIAN13_ROOT) $(DEBIAN13)
test-qgis344:
	DEBIAN13_ROOT=$(QGIS344_ROOT) DEBIAN13_RELEASE=trixie-backports $(DEBIAN13)

demo: $(STAMP) $(TRANSLATIONS)
	$(PY) demo/run_demo.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy plugin/engine

bench: $(STAMP)
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

# The installable zip, dist/imagette-<version>.zip; needs only Python's standard library.
package: $(TRANSLATIONS)
	python3 scripts/package.py

# `make package` runs without the venv: lrelease alone is installed when it is missing.
i18n/%.qm: i18n/%.ts
	@test -x $(LRELEASE) || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends qttools5-dev-tools; }
	$(LRELEASE) -silent $< -qm $@.tmp && mv $@.tmp $@  # renamed into place: a running QGIS maps the old file

$(STAMP): Makefile
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	test -x $(PY) || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	torch="$(TORCH)"; [ -n "$$torch" ] || torch=$$($(PY) -c '$(TORCH_AT_FLOOR)' >/dev/null 2>&1 || echo $(TORCH_PIN)); \
	$(PY) -m pip install -q $(PIP_FIND) $$torch $(PIP_PACKAGES)
	touch $@

clean:
	rm -rf .build demo-output dist $(TRANSLATIONS)
