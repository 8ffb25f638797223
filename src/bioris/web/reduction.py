"""Network snapshots too large to send, reduced to the part of the network that fits.

A snapshot whose JSON is over ``max_response_kb`` is not refused: it keeps the actors with
the highest degree that year (the hubs, which hold the giant component's core) and the ties
among them, as many as fit, and says so in its ``reduced`` field (:class:`NetworkReduction`:
the rule and the full counts), which the explorer prints above the map. Degree and
betweenness stay those of the whole network.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np

from bioris.web.records import JsonBody
from bioris.web.safety import escape_json

__all__ = ["REDUCTION_RULE", "fit_snapshot", "top_actors"]

#: how a reduced snapshot chooses its actors (the ``rule`` of ``NetworkReduction``)
REDUCTION_RULE = (
    "the actors with the highest degree that year (ties broken by actor id), as many as fit "
    "in max_response_kb, and the ties among them; degree and betweenness are measured on the "
    "whole network"
)
# what a row adds besides its own JSON: the comma between two rows
_SEPARATOR = 1
# a reduced snapshot aims this far under the limit, then shrinks by _SHRINK until it fits
_MARGIN, _SHRINK = 0.98, 0.9

Render = Callable[[list[dict], list[dict], dict | None], JsonBody]


def _row_bytes(row: dict) -> int:
    text = json.dumps(row, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return len(escape_json(text.encode())) + _SEPARATOR


def top_actors(nodes: list[dict], edges: list[dict], count: int) -> tuple[list[dict], list[dict]]:
    """The ``count`` nodes of highest ``degree`` (ties broken by ``id``), in their given
    order, and the edges between two of them."""
    ranked = sorted(nodes, key=lambda n: (-n["degree"], n["id"]))[: max(count, 0)]
    kept = {n["id"] for n in ranked}
    return (
        [n for n in nodes if n["id"] in kept],
        [e for e in edges if e["source"] in kept and e["target"] in kept],
    )


def _largest_count(nodes: list[dict], edges: list[dict], room: int) -> int:
    """The most top-degree actors whose rows, with the ties among them, take at most
    ``room`` bytes."""
    order = sorted(range(len(nodes)), key=lambda i: (-nodes[i]["degree"], nodes[i]["id"]))
    rank = {nodes[i]["id"]: r for r, i in enumerate(order)}
    node_bytes = np.cumsum([_row_bytes(nodes[i]) for i in order])
    # a tie enters with the later-ranked of its two ends
    entry = [max(rank[e["source"]], rank[e["target"]]) for e in edges]
    sizes = [_row_bytes(e) for e in edges]
    edge_bytes = np.cumsum(np.bincount(entry, weights=sizes, minlength=len(nodes)))
    total = node_bytes + edge_bytes[: len(nodes)]
    return int(np.searchsorted(total, room, side="right"))


def fit_snapshot(
    nodes: list[dict], edges: list[dict], render: Render, max_bytes: int, full: JsonBody
) -> JsonBody:
    """The snapshot of ``nodes`` and ``edges`` whose JSON (``render(nodes, edges,
    reduced)``) is at most ``max_bytes``: ``full`` when it fits, else the top actors that
    fit (:func:`top_actors`), with ``reduced`` saying so.

    Parameters
    ----------
    nodes, edges : list of dict
        The rows of the whole snapshot (``NetworkNode``, ``NetworkEdge``).
    render : callable
        ``render(nodes, edges, reduced)``: the body of those rows, ``reduced`` the
        ``NetworkReduction`` fields or None.
    max_bytes : int
        The largest body the server sends (``max_response_kb``, in bytes).
    full : JsonBody
        The body of every row, already rendered.

    Returns
    -------
    JsonBody
        ``full``, or the reduced snapshot (no actor at all when not even one fits).
    """
    if len(full.plain) <= max_bytes:
        return full

    def reduced(count: int) -> JsonBody:
        kept_nodes, kept_edges = top_actors(nodes, edges, count)
        note = {
            "rule": REDUCTION_RULE,
            "actors": len(nodes),
            "ties": len(edges),
            "actors_shown": len(kept_nodes),
            "ties_shown": len(kept_edges),
            "max_response_kb": max_bytes // 1024,
        }
        return render(kept_nodes, kept_edges, note)

    frame = len(reduced(0).plain)
    count = _largest_count(nodes, edges, int(max_bytes * _MARGIN) - frame)
    body = reduced(count)
    while len(body.plain) > max_bytes and count > 0:
        count = int(count * _SHRINK)
        body = reduced(count)
    return body
