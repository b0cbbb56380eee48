"""Errors the pipeline raises; each names the input, file, column or chapter at fault."""


class ReplicationError(Exception):
    """Base class: a problem a user can act on, reported without a traceback by the CLI."""


class DataError(ReplicationError):
    """A raw input or a panel failed to download, verify, parse or validate."""

    def __init__(self, input_id: str, message: str, path=None):
        self.input_id = input_id
        self.path = path
        where = f" ({path})" if path else ""
        super().__init__(f"input '{input_id}'{where}: {message}")


class ChapterError(ReplicationError):
    """A chapter notebook failed to execute."""

    def __init__(self, chapter: str, message: str, cell=None):
        self.chapter = chapter
        self.cell = cell
        at = f", cell {cell}" if cell is not None else ""
        super().__init__(f"chapter {chapter}{at}: {message}")


class FileProblems(ReplicationError):
    """Every problem found in one user file, one line each (file, row, column, value)."""

    def __init__(self, what: str, lines: list[str]):
        self.what = what
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))
