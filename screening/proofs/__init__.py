"""What a rule set must never do, proved for every set of answers (z3) and checked in its wording:
the safeguard proofs, fairness, routes and contacts, and "what would change this recommendation"."""
