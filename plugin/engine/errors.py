"""Errors the engine raises: their message is written for the person running the tool."""

from .i18n import tr


class ImagetteError(Exception):
    """A problem the user can fix; the message names the problem and the fix."""


class CanceledError(ImagetteError):
    """The user asked to stop."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(tr("Canceled by the user.") if message is None else message)


def sentence(text: object) -> str:
    """text (an error, or its message) as a sentence that ends with exactly one full stop, for a message that goes on
    after it: '…: {problem} Run again.' with problem=sentence(error). GDAL's and some Python messages end with their
    own full stop, others do not; a '?' or '!' at the end stays as it is."""
    text = str(text).rstrip()
    return text if text.endswith(("?", "!")) else text.rstrip(".") + "."
