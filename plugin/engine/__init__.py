"""Imagette's engine: sampling, training and inference with numpy, rasterio and torch only.

It never imports qgis, so it runs in plain Python, a notebook or a cluster job.
"""
