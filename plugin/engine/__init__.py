"""Imagette's engine: sampling, training and inference with numpy, rasterio and torch only.

It never imports qgis, so it runs in plain Python, a notebook or a cluster job.
"""

import os

# PyTorch's OpenMP threads spin while they wait for work by default; inside QGIS, which runs its own
# threads, or on a busy machine, spinning threads starve everything else (training steps measured
# 15x slower under load). Passive waiting costs up to a third of the speed on an idle machine; a
# value set by the user is kept. It must be set before torch is first imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
