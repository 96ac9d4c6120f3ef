"""Values: the target-value grammar, its typed values, units and the lexicons they are read with."""
