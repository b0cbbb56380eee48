"""Sensitivity of the baseline DID: treatment date (`dates`), the two readings of the paper's Table 4
(`table4`), pre-trend bounds in the spirit of Rambachan and Roth (`pretrend`), synthetic DID (`sdid`)
and the specification curve (`curve`). Pure functions on a panel; chapter 06b calls them."""
