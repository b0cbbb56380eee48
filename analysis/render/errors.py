"""The one exception type the renderer raises."""


class RenderError(RuntimeError):
    """Rendering failed; the message names the chapter file (and label or cell) at fault."""
