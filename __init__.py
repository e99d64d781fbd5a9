"""QGIS entry point. Kept light: QGIS imports this at start-up, so nothing heavy is imported here."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin.plugin import ImagettePlugin

    return ImagettePlugin(iface)
