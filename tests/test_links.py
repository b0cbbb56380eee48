"""Quarto-style links to a heading of another page (`../appendices/glossary.qmd#sec-x`) in the fallback."""

import pytest

from analysis.render.crossref import Target
from analysis.render.errors import RenderError
from analysis.render.links import resolve_file_links
from analysis.render.pandoc import markdown_to_ast

TARGETS = {"sec-gl-size": Target("sec-gl-size", "appendices/glossary.qmd", "glossary", "")}


def _links(markdown: str, href) -> list[str]:
    doc = markdown_to_ast(markdown, what="test")
    resolve_file_links(doc["blocks"], TARGETS, href, "chapters/04.ipynb")
    return [n["c"][2][0] for n in doc["blocks"][0]["c"] if n["t"] == "Link"]


def test_file_links_point_at_the_page_or_the_pdf_label_and_others_stay():
    text = "[size](../appendices/glossary.qmd#sec-gl-size) [web](https://x.org/a.qmd#sec-gl-size) [here](#local)"
    assert _links(text, lambda t: f"{t.page}.html#{t.label}") == [
        "glossary.html#sec-gl-size",
        "https://x.org/a.qmd#sec-gl-size",
        "#local",
    ]
    assert _links(text, lambda t: f"#{t.label}")[0] == "#sec-gl-size"


def test_a_link_to_a_missing_heading_names_the_chapter():
    with pytest.raises(RenderError, match="chapters/04.ipynb: link to #sec-gl-nothing"):
        _links("[x](glossary.qmd#sec-gl-nothing)", lambda t: t.label)
