"""The law as plain Python: no Qt, no SQL, nothing from the rest of the project."""
