"""Report layer: the audit of every reported number, the verdicts on the paper's claims and the
sentences built from them, the book's label scan. Imports every layer below and the renderer's
cell-option parser."""
