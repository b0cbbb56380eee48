"""Display layer: number formatting, regression and descriptive tables, figures and diagrams.
Imports core, data and estimation; never report or pipeline."""
