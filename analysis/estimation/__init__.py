"""Estimation layer: the TWFE estimator, the paper's specifications, event study, placebo and
inference, mechanisms, oxides and the estimates store. Imports analysis.core and analysis.data."""
