"""Pure rules of Wellspring: no I/O, no frameworks, only the standard library."""
