"""Quarto callouts in the fallback renderer: folded <details> in HTML, an open titled box in the PDF."""

from analysis.render.callouts import callouts_to_html, callouts_to_typst
from analysis.render.pandoc import ast_to, markdown_to_ast

SOURCE = """Question?

::: {.callout-tip collapse="true" title="Solution 1"}
The *answer*.

```python
print(1 + 1)
```
:::

::: {.callout-note}
## A note
Open text.
:::
"""


def test_collapsed_callout_is_details_in_html_and_the_other_a_titled_div():
    doc = markdown_to_ast(SOURCE, what="test")
    callouts_to_html(doc["blocks"])
    out, _ = ast_to(doc, "html5", [], what="test")
    assert '<details class="callout callout-tip"><summary class="callout-title">Solution 1</summary>' in out
    assert out.index("<em>answer</em>") < out.index("</details>") and "print" in out
    assert '<div class="callout callout-note"><div class="callout-title">A note</div>' in out
    assert "<h2" not in out  # the heading became the title, not a section


def test_every_callout_is_an_open_box_in_the_pdf():
    doc = markdown_to_ast(SOURCE, what="test")
    callouts_to_typst(doc["blocks"])
    out, _ = ast_to(doc, "typst", [], what="test")
    assert out.count("#callout[") == 2
    assert "#strong[Solution 1]" in out and "#strong[A note]" in out and "print(1 + 1)" in out
