"""The names of the ways a tile is classified, shared by PyTorch's tiles (tiles.py) and ONNX Runtime's (onnx_tiles.py).

Kept apart from both so that inference can check a configuration without importing torch.
"""

METHODS = ("dense", "per_patch")  # order of the METHOD enum of imagette:classifyraster: a public contract
SEGMENTATION = "per_pixel"  # the method of segmentation networks, whatever METHOD says
