"""Design-based inference for a DID with one treated unit: randomization over units and policy years,
Conley–Taber / Ferman–Pinto, the enumerated wild cluster bootstrap, confidence sets by inversion, and
the size and power of every test on the actual design (`simulate`)."""
