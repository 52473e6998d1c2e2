"""Charts of the dataset: what each shows is selected in `data` (cheap, hashed to decide
whether to draw again), and drawn in `charts` (matplotlib: import it only to draw)."""
