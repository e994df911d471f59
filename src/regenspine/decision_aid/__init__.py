"""Pure decision-aid rules: screening, options, costs, recovery, values, claims, FAQ, summary."""
