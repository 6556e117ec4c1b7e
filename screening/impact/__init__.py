"""Many screenings at once: the vectorised batch engine, reference corpora, and the impact of a rule
change (whose route it changes)."""
