"""Rule files: the typed model, the safe YAML reader, loading and compiling, the stable-id contract,
approvals, the register of published rule sets and the policy team's scenarios."""
