"""`python3 -m imagette`: the command line (plugin/cli.py), with the plugin folder's parent on the path."""

import sys

from .plugin.cli import main

sys.exit(main())
