"""Data layer: declared inputs (manifest), verified fetch, readers, transforms, the panel and its schemas,
the paper's reported values and the hand-typed facts of both seeds. Imports only analysis.core."""
