"""The one exception type the renderer raises (the renderer imports nothing from the rest of analysis)."""


class RenderError(Exception):
    """Rendering failed; the message names the chapter file (and label or cell) at fault."""
