"""Lowest layer: errors, paths and the one configuration of the book's knobs. Imports nothing from analysis."""
