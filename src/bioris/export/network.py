"""Write the alliance network for Gephi (GEXF), GraphML tools, and Pajek, UCINET and R.

Three formats, one tie table (:func:`bioris.analytics.tie_table`) in:

``gexf``
    ``{name}.gexf``: one *dynamic* graph over the whole period. Nodes and edges carry
    ``spells`` (the years they are active, merged into runs) and each edge a dynamic
    ``weight`` (its active alliances per year) plus dynamic ``alliances``, ``committed_eur``
    and ``headline_eur``, so Gephi's timeline replays how the network grows and rewires.
``graphml``
    ``{name}.graphml``: the static union over the period, with ``active_years``,
    ``first_year``, ``last_year`` and ``max_alliances`` per tie; and one snapshot per year,
    ``{name}-{year}.graphml``, with that year's ``alliances`` and values.
``pajek``
    ``{name}.net`` (the static union, weight = active years), ``{name}.clu`` (actors by
    location: the study's declared region, else country) and ``{name}-kind.clu`` (by actor
    kind), with their code books as ``%`` comment lines and in ``{name}-clu-codes.csv``.

Every file is UTF-8 and, for given networkx and igraph versions, byte-for-byte
reproducible: vertices are sorted by actor id, edges by their two actor ids, and the GEXF
header carries no date. Only actors that have at least one tie in the table appear. An
empty tie table gives valid, empty graphs (no per-year GraphML files), so a layer that
filters everything out still exports cleanly.

**Time in the GEXF file.** Years are integers (``timeformat="integer"``) and every interval
is *closed*: the spell ``[1995, 1999]`` means active in 1995, 1996, ..., 1999, both ends
included, the reading of GEXF 1.2 (closed unless ``startopen``/``endopen`` is given) and of
GEXF 1.3 (which drops open bounds), and what Gephi does (it warns on open bounds and treats
intervals as closed). A tie that pauses in 1997 therefore has two spells,
``[1995, 1996]`` and ``[1998, 1999]``, and is absent from Gephi's timeline in 1997.
Dynamic values use the same closed intervals, one per run of years with an unchanged value.

networkx writes the GEXF file; four things it cannot express are then set on its XML tree
(see :func:`_gephi_fixups`): the attribute id ``weight`` that Gephi needs to take a dynamic
attribute as the edge weight, a dynamic weight at all (networkx's writer puts ``weight``
into the static XML attribute), ``timeformat="integer"`` (networkx writes ``long``, which
the GEXF schema does not have; Gephi reads it, like any time format other than dates, as
doubles), and a header without today's date. ``networkx.read_gexf`` returns the dynamic
``weight`` flattened to its last value (a reader workaround for Gephi 0.7 keyed on the id
``weight``); read ``alliances``, which holds the same numbers, instead.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement

import igraph as ig
import networkx as nx
import polars as pl
from networkx.readwrite.gexf import GEXFWriter

from bioris.domain import ActorKind
from bioris.errors import BiorisError
from bioris.export.canonical import neutralise

__all__ = [
    "NETWORK_FORMATS",
    "export_network",
    "write_network_gexf",
    "write_network_graphml",
    "write_network_pajek",
]

NETWORK_FORMATS = ("gexf", "graphml", "pajek")
NODE_ATTRIBUTES = ("kind", "country", "region", "location")
GEXF_VERSION = "1.2draft"
UNKNOWN = "unknown"
_REQUIRED_TIE_COLUMNS = ("year", "source", "target", "alliances", "committed_eur")
_DYNAMIC_WEIGHT = "bioris_dynamic_weight"  # renamed to "weight" on the XML tree
_SHOWN_MISSING = 10

Run = tuple[int, int]


def export_network(
    ties: pl.DataFrame,
    actors: pl.DataFrame,
    out_dir: str | Path,
    fmt: str,
    *,
    name: str = "alliance-network",
) -> list[Path]:
    """Write the alliance network in ``fmt`` into ``out_dir``; returns the paths written.

    Parameters
    ----------
    ties : polars.DataFrame
        A tie table, one row per year and actor pair: ``year, source, target, alliances,
        committed_eur`` and, when present, ``headline_eur``
        (:func:`bioris.analytics.tie_table`). Rows repeating a year and pair are summed.
    actors : polars.DataFrame
        An actors frame (:func:`bioris.analytics.actors_frame`): ``actor_id, name, kind,
        country, region, location``. Every actor in ``ties`` must be in it.
    out_dir : path
        Folder to write into (created if needed).
    fmt : {"gexf", "graphml", "pajek"}
        File format; see the module notes for the files each writes.
    name : str
        File name stem.

    Returns
    -------
    list of pathlib.Path
        The files written, main file first.

    Raises
    ------
    BiorisError
        Unknown format, a bad name, missing columns, or actors missing from ``actors``.

    Notes
    -----
    An empty tie table writes valid empty graphs rather than failing.

    References
    ----------
    .. [1] GEXF Working Group, "GEXF 1.2draft Primer" (2009) and the GEXF 1.3 specification,
       https://gexf.net
    .. [2] U. Brandes et al., "GraphML Progress Report", Graph Drawing 2001, LNCS 2265.
    .. [3] V. Batagelj and A. Mrvar, "Pajek: Program for Analysis and Visualization of Large
       Networks", Reference Manual, University of Ljubljana.
    """
    writers: dict[str, Callable[..., list[Path]]] = {
        "gexf": write_network_gexf,
        "graphml": write_network_graphml,
        "pajek": write_network_pajek,
    }
    if fmt not in writers:
        raise BiorisError(f"unknown network format {fmt!r}; use one of {', '.join(writers)}")
    return writers[fmt](ties, actors, out_dir, name=name)


def write_network_gexf(
    ties: pl.DataFrame, actors: pl.DataFrame, out_dir: str | Path, *, name: str = "alliance-network"
) -> list[Path]:
    """Write ``{name}.gexf``: one dynamic graph with yearly spells and dynamic weights.

    Node attributes: ``label`` (the actor's name), ``kind``, ``country``, ``region``,
    ``location`` (empty when none), and ``spells``, the years with at least one active tie
    merged into closed runs. Edges (one per pair over the period): ``spells`` for the years
    the tie is active and dynamic ``weight`` (= ``alliances``, as a double, which Gephi uses
    as the edge weight), ``alliances``, ``committed_eur`` and ``headline_eur``.
    """
    stem = _stem(name)
    table, nodes = _prepare(ties, actors)
    path = _folder(out_dir) / f"{stem}.gexf"
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version=GEXF_VERSION)
    writer.add_graph(_dynamic_graph(table, nodes))
    _gephi_fixups(writer.xml)
    with path.open("wb") as handle:
        writer.write(handle)
    return [path]


def write_network_graphml(
    ties: pl.DataFrame, actors: pl.DataFrame, out_dir: str | Path, *, name: str = "alliance-network"
) -> list[Path]:
    """Write ``{name}.graphml`` (the union) and ``{name}-{year}.graphml`` (yearly snapshots).

    Both carry node attributes ``label``, ``kind``, ``country``, ``region``, ``location``.
    Union edges:
    ``active_years`` (distinct years the tie is active), ``first_year``, ``last_year``,
    ``max_alliances`` (its most alliances in one year) and ``weight`` = ``active_years``
    (the name Gephi and igraph take as the edge weight). Snapshot edges: that year's
    ``alliances``, ``committed_eur``, ``headline_eur`` and ``weight`` = ``alliances``; a
    snapshot holds only the actors tied that year.
    """
    stem = _stem(name)
    table, nodes = _prepare(ties, actors)
    folder = _folder(out_dir)
    union = _graph(nodes, _union_edges(table).with_columns(pl.col("active_years").alias("weight")))
    written = [folder / f"{stem}.graphml"]
    nx.write_graphml(union, written[0], encoding="utf-8")
    for (year,), part in table.partition_by("year", as_dict=True, maintain_order=True).items():
        edges = part.select(
            "source", "target", "alliances", "committed_eur", "headline_eur",
            pl.col("alliances").cast(pl.Float64).alias("weight"),
        )  # fmt: skip
        used = pl.concat([part["source"], part["target"]]).unique()
        snapshot = _graph(nodes.filter(pl.col("actor_id").is_in(used.implode())), edges)
        written.append(folder / f"{stem}-{year}.graphml")
        nx.write_graphml(snapshot, written[-1], encoding="utf-8")
    return written


def write_network_pajek(
    ties: pl.DataFrame, actors: pl.DataFrame, out_dir: str | Path, *, name: str = "alliance-network"
) -> list[Path]:
    """Write ``{name}.net``, ``{name}.clu``, ``{name}-kind.clu`` and ``{name}-clu-codes.csv``.

    The ``.net`` file is the static union: vertices ``1..n`` in actor-id order with quoted
    labels (the actor's name; a name shared by several actors gets `` [actor_id]`` appended,
    since readers such as networkx key vertices by label), undirected edges weighted by
    ``active_years``. igraph writes it; Pajek labels cannot escape ``"``, so igraph writes it
    as ``&#34;``, which readers return as is. The ``.clu`` partitions list one class code per
    vertex in the same order: by location (the study's declared region, else the country,
    else ``unknown``) and by kind. Their code books are ``%`` comment lines (Pajek's comment
    syntax) above ``*Vertices`` and, for tools that do not skip comments, the CSV
    ``partition, code, value``.
    """
    stem = _stem(name)
    table, nodes = _prepare(ties, actors)
    folder = _folder(out_dir)
    index = {actor: i for i, actor in enumerate(nodes["actor_id"].to_list())}
    union = _union_edges(table)
    graph = ig.Graph(
        n=nodes.height,
        edges=[(index[s], index[t]) for s, t in union.select("source", "target").iter_rows()],
    )
    graph.vs["name"] = _pajek_labels(nodes)
    graph.es["weight"] = union["active_years"].to_list()
    net = folder / f"{stem}.net"
    graph.write_pajek(str(net))
    partitions = {
        "location": (folder / f"{stem}.clu", _locations(nodes), _location_order),
        "kind": (folder / f"{stem}-kind.clu", _kinds(nodes), _kind_order),
    }
    book = []
    for partition, (path, values, order) in partitions.items():
        codes = {value: code for code, value in enumerate(order(values), start=1)}
        _write_clu(path, [codes[v] for v in values], codes, f"{partition} of {net.name}")
        book += [(partition, code, value) for value, code in codes.items()]
    codebook = folder / f"{stem}-clu-codes.csv"
    with codebook.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("partition", "code", "value"))
        writer.writerows((p, c, neutralise(v)) for p, c, v in book)
    return [net, *(path for path, _, _ in partitions.values()), codebook]


# ---------------------------------------------------------------- tables


def _prepare(ties: pl.DataFrame, actors: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Canonical ties (``source < target``, summed, sorted) and the tied actors, by id."""
    missing = [c for c in _REQUIRED_TIE_COLUMNS if c not in ties.columns]
    if missing:
        raise BiorisError(f"the tie table lacks column(s): {', '.join(missing)}")
    lacking = [c for c in ("actor_id", "name", *NODE_ATTRIBUTES) if c not in actors.columns]
    if lacking:
        raise BiorisError(f"the actors table lacks column(s): {', '.join(lacking)}")
    headline = pl.col("headline_eur") if "headline_eur" in ties.columns else pl.lit(0.0)
    table = (
        ties.select(
            pl.col("year").cast(pl.Int64),
            pl.min_horizontal("source", "target").cast(pl.String).alias("source"),
            pl.max_horizontal("source", "target").cast(pl.String).alias("target"),
            pl.col("alliances").cast(pl.Int64),
            pl.col("committed_eur").cast(pl.Float64).fill_null(0.0),
            headline.cast(pl.Float64).fill_null(0.0).alias("headline_eur"),
        )
        .group_by("year", "source", "target")
        .agg(pl.col("alliances", "committed_eur", "headline_eur").sum())
        .sort("year", "source", "target")
    )
    tied = pl.concat([table["source"], table["target"]]).unique().sort()
    known = actors.select("actor_id", "name", *NODE_ATTRIBUTES).unique("actor_id", keep="first")
    absent = tied.filter(~tied.is_in(known["actor_id"].implode())).to_list()
    if absent:
        shown = ", ".join(absent[:_SHOWN_MISSING])
        more = f" and {len(absent) - _SHOWN_MISSING} more" if len(absent) > _SHOWN_MISSING else ""
        raise BiorisError(f"{len(absent)} actor(s) in the ties are not in actors: {shown}{more}")
    nodes = (
        known.filter(pl.col("actor_id").is_in(tied.implode()))
        .with_columns(
            pl.when(pl.col("name").str.strip_chars() != "")
            .then("name")
            .otherwise("actor_id")
            .alias("label"),
            *(pl.col(c).cast(pl.String).fill_null("") for c in NODE_ATTRIBUTES),
        )
        .sort("actor_id")
        .select("actor_id", "label", *NODE_ATTRIBUTES)
    )
    return table, nodes


def _union_edges(table: pl.DataFrame) -> pl.DataFrame:
    """One row per pair over the period: ``active_years, first_year, last_year, max_alliances``."""
    return (
        table.group_by("source", "target")
        .agg(
            pl.col("year").n_unique().cast(pl.Int64).alias("active_years"),
            pl.col("year").min().alias("first_year"),
            pl.col("year").max().alias("last_year"),
            pl.col("alliances").max().alias("max_alliances"),
        )
        .sort("source", "target")
    )


def _graph(nodes: pl.DataFrame, edges: pl.DataFrame) -> nx.Graph:
    """A static graph: node attributes from ``nodes``, edge attributes from ``edges``."""
    graph = nx.Graph()
    for row in nodes.iter_rows(named=True):
        graph.add_node(row.pop("actor_id"), **row)
    for row in edges.iter_rows(named=True):
        graph.add_edge(row.pop("source"), row.pop("target"), **row)
    return graph


# ---------------------------------------------------------------- GEXF


def _runs(years: Iterable[int]) -> list[Run]:
    """Merge years into closed runs of consecutive years: 1995-1997, 1999 -> (1995, 1997),
    (1999, 1999)."""
    merged: list[list[int]] = []
    for year in sorted(set(years)):
        if merged and year == merged[-1][1] + 1:
            merged[-1][1] = year
        else:
            merged.append([year, year])
    return [(start, end) for start, end in merged]


def _value_runs(years: Sequence[int], values: Sequence[object]) -> list[tuple[object, int, int]]:
    """``(value, start, end)`` per run of consecutive years with an unchanged value, the form
    networkx writes as a dynamic GEXF attribute. ``years`` must be sorted and distinct."""
    out: list[list] = []
    for year, value in zip(years, values, strict=True):
        if out and out[-1][0] == value and out[-1][2] + 1 == year:
            out[-1][2] = year
        else:
            out.append([value, year, year])
    return [(value, start, end) for value, start, end in out]


def _dynamic_graph(table: pl.DataFrame, nodes: pl.DataFrame) -> nx.Graph:
    graph = nx.Graph(mode="dynamic")
    ends = pl.concat(
        [table.select("year", pl.col(end).alias("actor_id")) for end in ("source", "target")]
    )
    years = dict(ends.group_by("actor_id").agg("year").iter_rows())
    for row in nodes.iter_rows(named=True):
        actor = row.pop("actor_id")
        graph.add_node(actor, **row, spells=_runs(years[actor]))
    pairs = table.group_by("source", "target", maintain_order=True).agg(
        "year", "alliances", "committed_eur", "headline_eur"
    )
    for source, target, active, alliances, committed, headline in pairs.iter_rows():
        graph.add_edge(
            source,
            target,
            spells=_runs(active),
            **{_DYNAMIC_WEIGHT: _value_runs(active, [float(a) for a in alliances])},
            alliances=_value_runs(active, alliances),
            committed_eur=_value_runs(active, committed),
            headline_eur=_value_runs(active, headline),
        )
    return graph


def _gephi_fixups(root: Element) -> None:
    """Set what networkx cannot on its GEXF tree (see the module notes)."""
    meta = root.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)  # reproducible files
        SubElement(meta, "description").text = "bioris alliance network; closed yearly spells"
    graph = root.find("graph")
    if graph is None:  # pragma: no cover - networkx always writes one
        return
    graph.set("mode", "dynamic")
    graph.set("timeformat", "integer")
    for attributes in graph.iter("attributes"):
        if attributes.get("class") != "edge" or attributes.get("mode") != "dynamic":
            continue
        for attribute in attributes.iter("attribute"):
            if attribute.get("title") == _DYNAMIC_WEIGHT:
                old = attribute.get("id")
                attribute.set("id", "weight")
                attribute.set("title", "weight")
                for value in graph.iter("attvalue"):
                    if value.get("for") == old:
                        value.set("for", "weight")


# ---------------------------------------------------------------- Pajek


def _pajek_labels(nodes: pl.DataFrame) -> list[str]:
    """Vertex labels on one line each; shared names made unique with the actor id."""
    labels = [" ".join(label.split()) for label in nodes["label"].to_list()]
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    ids = nodes["actor_id"].to_list()
    return [f"{lab} [{i}]" if counts[lab] > 1 else lab for lab, i in zip(labels, ids, strict=True)]


def _locations(nodes: pl.DataFrame) -> list[str]:
    """The study's location of each actor (declared region, else country), else ``unknown``."""
    return [location or UNKNOWN for location in nodes["location"].to_list()]


def _kinds(nodes: pl.DataFrame) -> list[str]:
    return [kind or UNKNOWN for kind in nodes["kind"].to_list()]


def _location_order(values: Iterable[str]) -> list[str]:
    """Declared regions first (A-Z: longer than a country code), then countries A-Z, then
    unknown."""
    present = set(values) - {UNKNOWN}
    regions = sorted(v for v in present if len(v) > 2)
    countries = sorted(present - set(regions))
    tail = [UNKNOWN] if UNKNOWN in set(values) else []
    return regions + countries + tail


def _kind_order(values: Iterable[str]) -> list[str]:
    """Kinds in vocabulary order (NBFs first), any others A-Z after them."""
    kinds = [k.value for k in ActorKind]
    present = set(values)
    return [k for k in kinds if k in present] + sorted(present - set(kinds))


def _write_clu(path: Path, codes: list[int], book: dict[str, int], title: str) -> None:
    lines = [f"% bioris partition: {title}"]
    lines += [f"% {code} {value}" for value, code in book.items()]
    lines += [f"*Vertices {len(codes)}", *(str(code) for code in codes)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- files


def _folder(out_dir: str | Path) -> Path:
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BiorisError(f"{folder}: cannot create the output folder: {exc}") from None
    return folder


def _stem(name: str) -> str:
    if not name or name in {".", ".."} or Path(name).name != name or "\\" in name:
        raise BiorisError(f"{name!r} is not a plain file name")
    return name
