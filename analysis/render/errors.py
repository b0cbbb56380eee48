"""The one exception type the renderer raises."""

from ..errors import ReplicationError


class RenderError(ReplicationError):
    """Rendering failed; the message names the chapter file (and label or cell) at fault."""
