"""Errors the engine raises: their message is written for the person running the tool."""


class ImagetteError(Exception):
    """A problem the user can fix; the message names the problem and the fix."""


class CanceledError(ImagetteError):
    """The user asked to stop."""

    def __init__(self, message: str = "Canceled by the user.") -> None:
        super().__init__(message)
