"""A small force-directed graph layout, so that drawing a network needs no extra dependency."""

from __future__ import annotations

import numpy as np


def spring_layout(n_nodes: int, edges: list[tuple[int, int, float]], iterations: int = 200,
                  seed: int = 0) -> np.ndarray:
    """Fruchterman–Reingold positions in [-1, 1]² for nodes 0..n-1; `edges` are (i, j, weight).

    Seeded, so the same graph gives the same picture on every run (and the same PNG bytes).
    Heavier edges pull harder; every pair repels, so disconnected nodes spread out too.
    """
    if n_nodes == 0:
        return np.zeros((0, 2))
    if n_nodes == 1:
        return np.zeros((1, 2))
    rng = np.random.default_rng(seed)
    angles = np.linspace(0, 2 * np.pi, n_nodes, endpoint=False)
    pos = np.column_stack([np.cos(angles), np.sin(angles)]) + rng.normal(0, 0.05, (n_nodes, 2))
    weights = np.zeros((n_nodes, n_nodes))
    for i, j, w in edges:
        weights[i, j] = weights[j, i] = w
    if weights.max() > 0:
        weights /= weights.max()
    k = 1.0 / np.sqrt(n_nodes)  # ideal distance between nodes
    temperature = 0.2
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=-1), 1e-3)
        force = k * k / distance - weights * distance * distance / k  # repulsion - attraction
        np.fill_diagonal(force, 0.0)
        displacement = (delta / distance[..., None] * force[..., None]).sum(axis=1)
        length = np.maximum(np.linalg.norm(displacement, axis=-1), 1e-9)
        pos += displacement / length[:, None] * np.minimum(length, temperature)[:, None]
        pos -= pos.mean(axis=0)  # keep the drawing centred
        temperature = max(temperature * 0.97, 0.002)
    return pos / max(np.abs(pos).max(), 1e-9)
