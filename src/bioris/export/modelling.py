"""Write the yearly alliance network for longitudinal modellers: RSiena, statnet and UCINET.

Both formats start from one :class:`YearlyNetworks`: a fixed, ordered actor set, the years of the
period (one network, or *wave*, per year) and who is present in which year.

**The actor set** is every actor with a tie in some year of the period, plus every panel firm
that is present in at least one year of it (a panel firm without any alliance is a meaningful
row of zeros). Rows are sorted by actor id; ``actors.csv`` gives row, id, name, kind, region,
country, location, panel membership, entry and exit year. Every wave has all of them, as
RSiena requires ("the data matrices must contain all actors who are part of the network at
any observation time", RSiena manual, section on composition change).

**Presence.** An actor is present in a year from its entry year (founding, else its first
dated deal; when neither is known, its first tie of the period) through its exit year
(acquisition, merger or closure; else the end of the period), the rule of the panel's years
(:func:`bioris.analytics.panel.panel_years`), *and* in every year in which it has a tie: a
firm that goes on signing deals as a subsidiary after its exit, or a partner that appears
before its recorded founding, is present in those years, so that no observed tie involves an
absent actor. Presence can therefore have gaps.

``siena`` (RSiena, statnet's networkDynamic)
    ``wave_YYYY.dat``: one whitespace-separated ``n x n`` matrix per year, 1 for a tie active
    that year, 0 for none, ``NA`` in the rows and columns of actors absent that year (the
    coding RSiena's manual advises with a composition change object; it also keeps
    ``sienaGOF`` working); the diagonal is 0. ``composition.txt``: one line per actor, the
    closed intervals of waves (1 = first year) in which it is present, the format of
    ``sienaCompositionChangeFromFile`` (Huisman and Snijders' joiners and leavers).
    ``covariates.dat``: constant covariates with a header line (``region``, ``location``,
    ``kind``, ``in_panel``), integer codes explained in ``covariate_codes.csv``.
    ``edge_spells.csv`` (``onset, terminus, tail, head``) and ``vertex_spells.csv``
    (``onset, terminus, vertex_id``): networkDynamic's spell lists, vertex ids being rows of
    ``actors.csv``, spells half-open: a tie is active in year ``y`` iff ``onset <= y <
    terminus``. ``tie_events.csv`` (``actor_a, actor_b, year, event``): each observed
    formation (``formed``: active in ``year``, not in the year before) and dissolution
    (``dissolved``: active the year before, not in ``year``); ties already active in the first
    year have no formation, ties still active in the last year no dissolution (censored).
    ``README.txt``: the R code that loads all of it.
``ucinet`` (UCINET 6 DL)
    ``{name}.dl``: every year in one DL file, ``dl n=N nm=T``, ``format = fullmatrix``, the
    actors' names under ``labels:`` (quoted when they hold a space or a character with a
    meaning in DL: ``,`` ``=`` ``:`` ``!``), the years under ``matrix labels:``, then after
    ``data:`` the ``T`` matrices one after another; a cell holds the number of alliances
    active between the pair that year (UCINET dichotomises on request). ``{name}-edgelist.dl``:
    the same in ``format = edgelist1`` (``i j value`` per line, both directions, matrices
    separated by a line ``!``, as statnet's ``sna::write.dl`` writes them), for networks too
    large for full matrices. ``actors.csv`` maps rows to ids. Absent actors are isolates.

Full matrices are written for at most :data:`MAX_MATRIX_ACTORS` actors: above it ``siena`` is
an error (RSiena is not made for such networks) and ``ucinet`` writes the edge list only.
Every file is UTF-8 with ``\\n`` line ends and byte-for-byte reproducible.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from bioris.domain import ActorKind
from bioris.errors import BiorisError
from bioris.export.canonical import neutralise
from bioris.export.network import Run, _folder, _runs, _stem

__all__ = [
    "ACTOR_FILE_COLUMNS",
    "MAX_MATRIX_ACTORS",
    "MODELLING_FORMATS",
    "YearlyNetworks",
    "export_modelling",
    "write_siena",
    "write_ucinet",
    "yearly_networks",
]

MODELLING_FORMATS = ("siena", "ucinet")
#: the largest actor set written as full matrices (2,000 actors: 4 million cells a year)
MAX_MATRIX_ACTORS = 2000
ACTOR_FILE_COLUMNS = ("row", "actor_id", "name", "kind", "region", "country", "location",
                      "in_panel", "entry_year", "exit_year")  # fmt: skip
_ACTOR_INPUT = ("actor_id", "name", "kind", "country", "location", "in_panel", "entry_year",
                "exit_year")  # fmt: skip
_TIE_INPUT = ("year", "source", "target", "alliances")
_DL_SPECIAL = set(",=:!")
_UNKNOWN = "unknown"


@dataclass(frozen=True)
class YearlyNetworks:
    """The yearly networks over a fixed actor set.

    Attributes
    ----------
    actors : polars.DataFrame
        :data:`ACTOR_FILE_COLUMNS`, one row per actor in matrix order (``row`` from 1).
    years : tuple of int
        The waves, first to last year of the period.
    present : numpy.ndarray
        Boolean, actors x years: who is present in which year (see the module notes).
    ties : polars.DataFrame
        ``year, row_a, row_b, alliances`` with ``row_a < row_b`` (rows from 1).
    regions : tuple of str
        The study's declared regions, in declaration order.
    """

    actors: pl.DataFrame
    years: tuple[int, ...]
    present: np.ndarray
    ties: pl.DataFrame
    regions: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return self.actors.height

    def adjacency(self, year: int, *, valued: bool = False) -> np.ndarray:
        """The symmetric ``n x n`` matrix of ``year``: 1 per tie, or its alliances if
        ``valued``; zero diagonal."""
        matrix = np.zeros((self.size, self.size), dtype=np.int64)
        part = self.ties.filter(pl.col("year") == year)
        a, b = part["row_a"].to_numpy() - 1, part["row_b"].to_numpy() - 1
        values = part["alliances"].to_numpy() if valued else 1
        matrix[a, b] = values
        matrix[b, a] = values
        return matrix

    def presence_runs(self) -> list[list[Run]]:
        """Per actor, its runs of present years (closed)."""
        return [_runs(y for y, here in zip(self.years, row, strict=True) if here)
                for row in self.present]  # fmt: skip

    def tie_runs(self) -> list[tuple[int, int, Run]]:
        """``(row_a, row_b, (first, last))`` per run of consecutive active years of a tie."""
        pairs = self.ties.group_by("row_a", "row_b").agg("year").sort("row_a", "row_b")
        return [(a, b, run) for a, b, years in pairs.iter_rows() for run in _runs(years)]


def yearly_networks(
    ties: pl.DataFrame,
    actors: pl.DataFrame,
    *,
    start: int,
    end: int,
    regions: Sequence[str] = (),
) -> YearlyNetworks:
    """The fixed actor set, its presence and its ties in ``start``-``end``.

    Parameters
    ----------
    ties : polars.DataFrame
        A tie table (:func:`bioris.analytics.tie_table`): ``year, source, target,
        alliances``. Rows outside the period are left out; a pair repeated in a year is summed.
    actors : polars.DataFrame
        ``actor_id, name, kind, country, location, in_panel, entry_year, exit_year``: the
        study's placed actors with their lifespans and panel membership.
    start, end : int
        The period (inclusive): one wave per year.
    regions : sequence of str
        The study's declared regions, in declaration order (``region`` and its codes).

    Returns
    -------
    YearlyNetworks
    """
    if start > end:
        raise BiorisError(f"the period {start}-{end} is empty")
    _require(ties, _TIE_INPUT, "tie table")
    _require(actors, _ACTOR_INPUT, "actors table")
    table = _canonical_ties(ties, start, end)
    frame = _actor_set(table, actors, start, end, regions)
    rows = frame.select("actor_id", "row")
    pairs = (
        table.join(rows.rename({"actor_id": "source", "row": "row_a"}), on="source")
        .join(rows.rename({"actor_id": "target", "row": "row_b"}), on="target")
        .select("year", "row_a", "row_b", "alliances")
        .sort("year", "row_a", "row_b")
    )
    years = tuple(range(start, end + 1))
    present = np.zeros((frame.height, len(years)), dtype=bool)
    for index, (first, last) in enumerate(frame.select("_first", "_last").iter_rows()):
        if first is not None and first <= last:
            present[index, first - start : last - start + 1] = True
    for end_column in ("row_a", "row_b"):
        present[pairs[end_column].to_numpy() - 1, pairs["year"].to_numpy() - start] = True
    frame = frame.select(ACTOR_FILE_COLUMNS).with_columns(pl.col("in_panel").cast(pl.Int64))
    return YearlyNetworks(frame, years, present, pairs, tuple(regions))


def export_modelling(
    ties: pl.DataFrame,
    actors: pl.DataFrame,
    out_dir: str | Path,
    fmt: str,
    *,
    start: int,
    end: int,
    regions: Sequence[str] = (),
    name: str = "alliance-network",
) -> list[Path]:
    """Write the yearly network of ``start``-``end`` for RSiena/statnet (``siena``) or UCINET
    (``ucinet``) into ``out_dir``; returns the paths written, the main file first.

    See the module notes for the files, the actor set and the coding of absent actors;
    :func:`yearly_networks` for the parameters.

    References
    ----------
    .. [1] M. Huisman and T. A. B. Snijders, "Statistical analysis of longitudinal network
       data with changing composition", Sociological Methods & Research 32 (2003) 253-287.
    .. [2] R. M. Ripley, T. A. B. Snijders et al., "Manual for RSiena", University of Oxford
       (sections on composition change and structural zeros).
    .. [3] C. T. Butts, A. Leslie-Cook, P. N. Krivitsky and S. Bender-deMoll,
       "networkDynamic: Dynamic Extensions for Network Objects", R package (edge.spells,
       vertex.spells).
    .. [4] S. P. Borgatti, M. G. Everett and L. C. Freeman, "UCINET 6 for Windows: Software
       for Social Network Analysis", User's Guide, Analytic Technologies (2002), the DL format.
    """
    if fmt not in MODELLING_FORMATS:
        raise BiorisError(f"unknown modelling format {fmt!r}; use one of "
                          f"{', '.join(MODELLING_FORMATS)}")  # fmt: skip
    networks = yearly_networks(ties, actors, start=start, end=end, regions=regions)
    if fmt == "siena":
        return write_siena(networks, out_dir)
    return write_ucinet(networks, out_dir, name=name)


# ---------------------------------------------------------------- the actor set


def _require(frame: pl.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise BiorisError(f"the {what} lacks column(s): {', '.join(missing)}")


def _canonical_ties(ties: pl.DataFrame, start: int, end: int) -> pl.DataFrame:
    return (
        ties.select(
            pl.col("year").cast(pl.Int64),
            pl.min_horizontal("source", "target").cast(pl.String).alias("source"),
            pl.max_horizontal("source", "target").cast(pl.String).alias("target"),
            pl.col("alliances").cast(pl.Int64),
        )
        .filter(pl.col("year").is_between(start, end) & (pl.col("source") != pl.col("target")))
        .group_by("year", "source", "target")
        .agg(pl.col("alliances").sum())
        .sort("year", "source", "target")
    )


def _actor_set(
    table: pl.DataFrame, actors: pl.DataFrame, start: int, end: int, regions: Sequence[str]
) -> pl.DataFrame:
    """The actors in matrix order, with ``_first``/``_last``: their lifespan in the period."""
    ends = pl.concat([table.select("year", pl.col(c).alias("actor_id"))
                      for c in ("source", "target")])  # fmt: skip
    tied = ends.group_by("actor_id").agg(pl.col("year").min().alias("_first_tie"))
    known = actors.unique("actor_id", keep="first")
    absent = tied.filter(~pl.col("actor_id").is_in(known["actor_id"].implode()))["actor_id"]
    if absent.len():
        shown = ", ".join(sorted(absent.to_list())[:10])
        raise BiorisError(f"{absent.len()} actor(s) in the ties are not in actors: {shown}")
    entry = pl.coalesce(pl.col("entry_year").cast(pl.Int64), "_first_tie")
    spans = known.join(tied, on="actor_id", how="left").with_columns(
        pl.when(entry.is_not_null()).then(pl.max_horizontal(entry, pl.lit(start)))
        .alias("_first"),
        pl.min_horizontal(pl.col("exit_year").cast(pl.Int64).fill_null(end), pl.lit(end))
        .alias("_last"),
    )  # fmt: skip
    panel_here = pl.col("in_panel").fill_null(False) & (pl.col("_first") <= pl.col("_last"))
    chosen = spans.filter(pl.col("_first_tie").is_not_null() | panel_here).sort("actor_id")
    declared = list(regions)
    location = pl.col("location").cast(pl.String)
    return chosen.with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("row"),
        pl.when(location.is_in(declared)).then(location).otherwise(None).alias("region"),
        pl.col("in_panel").fill_null(False),
        pl.col("entry_year").cast(pl.Int64),
        pl.col("exit_year").cast(pl.Int64),
    )


# ---------------------------------------------------------------- siena


def write_siena(networks: YearlyNetworks, out_dir: str | Path) -> list[Path]:
    """Write the RSiena and networkDynamic files of ``networks`` (see the module notes)."""
    years = networks.years
    if len(years) < 2:
        raise BiorisError(f"RSiena needs at least two waves: the period {years[0]} has one "
                          "year (use --from and --to)")  # fmt: skip
    if networks.size < 2:
        raise BiorisError("RSiena needs at least two actors: the network has "
                          f"{networks.size} in {years[0]}-{years[-1]}")  # fmt: skip
    if networks.size > MAX_MATRIX_ACTORS:
        raise BiorisError(
            f"the network has {networks.size} actors, more than the {MAX_MATRIX_ACTORS} written "
            "as RSiena matrices: narrow it (--layer, --from, --to) or export --format ucinet, "
            "whose edge list has no such limit"
        )
    folder = _folder(out_dir)
    written = [folder / "README.txt", _write_actors(networks, folder)]
    written.append(_write_lines(folder / "composition.txt", _composition_lines(networks)))
    written += _write_covariates(networks, folder)
    cells = np.array(["0", "1", "NA"])
    for index, year in enumerate(years):
        codes = networks.adjacency(year)
        absent = ~networks.present[:, index]
        codes[absent, :] = 2
        codes[:, absent] = 2
        np.fill_diagonal(codes, 0)
        lines = (" ".join(row) for row in cells[codes])
        written.append(_write_lines(folder / f"wave_{year}.dat", lines))
    written += _write_spells(networks, folder)
    written[0].write_text(_siena_readme(networks), encoding="utf-8")
    return written


def _composition_lines(networks: YearlyNetworks) -> list[str]:
    """Per actor, its presence as closed wave intervals (wave 1 = the first year)."""
    first = networks.years[0]
    return [" ".join(f"{a - first + 1} {b - first + 1}" for a, b in runs)
            for runs in networks.presence_runs()]  # fmt: skip


def _write_covariates(networks: YearlyNetworks, folder: Path) -> list[Path]:
    """``covariates.dat`` (integer codes, header line, NA when unknown) and
    ``covariate_codes.csv`` (``covariate, code, value``)."""
    frame = networks.actors
    regions = list(networks.regions)
    books = {
        "region": {"(none)": 0, **{r: code for code, r in enumerate(regions, start=1)}},
        "location": _location_codes(frame, regions),
        "kind": _kind_codes(frame["kind"].to_list()),
        "in_panel": {"no": 0, "yes": 1},
    }
    columns = {
        "region": [books["region"].get(r, 0) for r in frame["region"].to_list()],
        "location": [books["location"].get(v) for v in _locations(frame)],
        "kind": [books["kind"].get(k) for k in frame["kind"].to_list()],
        "in_panel": [int(bool(p)) for p in frame["in_panel"].to_list()],
    }
    lines = [" ".join(columns)]
    lines += [" ".join("NA" if v is None else str(v) for v in row)
              for row in zip(*columns.values(), strict=True)]  # fmt: skip
    data = _write_lines(folder / "covariates.dat", lines)
    codes = folder / "covariate_codes.csv"
    rows = [(name, code, value) for name, book in books.items() for value, code in book.items()]
    _write_csv(codes, ("covariate", "code", "value"), rows)
    return [data, codes]


def _locations(frame: pl.DataFrame) -> list[str | None]:
    return [None if not v or v == _UNKNOWN else v for v in frame["location"].to_list()]


def _location_codes(frame: pl.DataFrame, regions: list[str]) -> dict[str, int]:
    """Declared regions first (same codes as ``region``), then the other locations A-Z."""
    others = sorted({v for v in _locations(frame) if v is not None} - set(regions))
    return {value: code for code, value in enumerate([*regions, *others], start=1)}


def _kind_codes(kinds: Sequence[str | None]) -> dict[str, int]:
    """Kinds in vocabulary order (NBFs first), any others A-Z after them."""
    present = {k for k in kinds if k}
    vocabulary = [k.value for k in ActorKind]
    order = [k for k in vocabulary if k in present] + sorted(present - set(vocabulary))
    return {kind: code for code, kind in enumerate(order, start=1)}


def _write_spells(networks: YearlyNetworks, folder: Path) -> list[Path]:
    """networkDynamic's ``edge_spells.csv`` and ``vertex_spells.csv``, and ``tie_events.csv``."""
    first, last = networks.years[0], networks.years[-1]
    runs = networks.tie_runs()
    edges = [(a_first, a_last + 1, a, b) for a, b, (a_first, a_last) in runs]
    vertices = [(lo, hi + 1, row) for row, spells in enumerate(networks.presence_runs(), start=1)
                for lo, hi in spells]  # fmt: skip
    ids = networks.actors["actor_id"].to_list()
    events = []
    for a, b, (lo, hi) in runs:
        if lo > first:
            events.append((lo, "formed", ids[a - 1], ids[b - 1]))
        if hi < last:
            events.append((hi + 1, "dissolved", ids[a - 1], ids[b - 1]))
    events.sort()
    paths = [folder / "edge_spells.csv", folder / "vertex_spells.csv", folder / "tie_events.csv"]
    edges.sort(key=lambda e: (e[2], e[3], e[0]))  # by tail, head, onset
    vertices.sort(key=lambda v: (v[2], v[0]))  # by vertex, onset
    _write_csv(paths[0], ("onset", "terminus", "tail", "head"), edges)
    _write_csv(paths[1], ("onset", "terminus", "vertex_id"), vertices)
    _write_csv(paths[2], ("actor_a", "actor_b", "year", "event"),
               [(neutralise(a), neutralise(b), y, e) for y, e, a, b in events])  # fmt: skip
    return paths


def _siena_readme(networks: YearlyNetworks) -> str:
    first, last = networks.years[0], networks.years[-1]
    return f"""\
bioris export for RSiena and statnet: {networks.size} actors (rows of actors.csv), one wave per
year {first}-{last} ({len(networks.years)} waves). Ties are undirected: every wave is symmetric.
A cell is NA when either actor is absent that year (not yet entered, or exited);
composition.txt says when each actor is present (sienaCompositionChangeFromFile). For
maximum-likelihood estimation, which does not take composition change, recode NA as 10
(structural zero) instead. covariate_codes.csv explains the codes of covariates.dat.

# --- RSiena -------------------------------------------------------------------------------
library(RSiena)
years <- {first}:{last}
actors <- read.csv("actors.csv", stringsAsFactors = FALSE)
n <- nrow(actors)
waves <- lapply(years, function(y) as.matrix(read.table(sprintf("wave_%d.dat", y))))
alliances <- sienaDependent(array(unlist(waves), dim = c(n, n, length(years))),
                           type = "oneMode")
changes <- sienaCompositionChangeFromFile("composition.txt")
covariates <- read.table("covariates.dat", header = TRUE)
location <- coCovar(covariates$location)
kind <- coCovar(covariates$kind)
panel <- coCovar(covariates$in_panel)
data <- sienaDataCreate(alliances, changes, location, kind, panel)
effects <- getEffects(data)
effects <- includeEffects(effects, sameX, interaction1 = "location")
# undirected ties need a model type, e.g. 3: unilateral initiative, reciprocal confirmation
algorithm <- sienaAlgorithmCreate(projname = "alliances", modelType = c(alliances = 3))
# fit <- siena07(algorithm, data = data, effects = effects)

# --- statnet: networkDynamic, tsna, tergm ------------------------------------------------
library(networkDynamic)
actors <- read.csv("actors.csv", stringsAsFactors = FALSE)
base <- network.initialize(nrow(actors), directed = FALSE)
network.vertex.names(base) <- actors$name
alliances_dyn <- networkDynamic(
  base.net = base,
  edge.spells = read.csv("edge_spells.csv"),
  vertex.spells = read.csv("vertex_spells.csv"),
  net.obs.period = list(observations = list(c({first}, {last + 1})), mode = "discrete",
                        time.increment = 1, time.unit = "year"))
# spells are [onset, terminus): a tie is active in year y iff onset <= y < terminus;
# tie_events.csv lists the same formations and dissolutions by actor id.
"""


# ---------------------------------------------------------------- ucinet


def write_ucinet(
    networks: YearlyNetworks, out_dir: str | Path, *, name: str = "alliance-network"
) -> list[Path]:
    """Write ``{name}.dl`` (full matrices; at most :data:`MAX_MATRIX_ACTORS` actors),
    ``{name}-edgelist.dl`` and ``actors.csv`` (see the module notes)."""
    stem = _stem(name)
    folder = _folder(out_dir)
    labels = _dl_labels(networks.actors)
    header = [f"dl n={networks.size} nm={len(networks.years)}"]
    names = ["labels:", *labels, "matrix labels:", *map(str, networks.years), "data:"]
    written = []
    if networks.size <= MAX_MATRIX_ACTORS:
        body = [" ".join(map(str, row)) for year in networks.years
                for row in networks.adjacency(year, valued=True)]  # fmt: skip
        full = [*header, "format = fullmatrix", *names, *body]
        written.append(_write_lines(folder / f"{stem}.dl", full))
    edges: list[str] = []
    for index, year in enumerate(networks.years):
        if index:
            edges.append("!")
        part = networks.ties.filter(pl.col("year") == year).sort("row_a", "row_b")
        for a, b, value in part.select("row_a", "row_b", "alliances").iter_rows():
            edges += [f"{a} {b} {value}", f"{b} {a} {value}"]
    listed = [*header, "format = edgelist1", *names, *edges]
    written.append(_write_lines(folder / f"{stem}-edgelist.dl", listed))
    written.append(_write_actors(networks, folder))
    return written


def _dl_labels(actors: pl.DataFrame) -> list[str]:
    """One label per actor: its name on one line (``"`` made ``'``, which DL cannot escape),
    `` [actor_id]`` added to a name several actors share; quoted when it holds a space or a
    DL separator."""
    names = [" ".join(str(n or i).split()).replace('"', "'")
             for n, i in actors.select("name", "actor_id").iter_rows()]  # fmt: skip
    counts: dict[str, int] = {}
    for label in names:
        counts[label] = counts.get(label, 0) + 1
    ids = actors["actor_id"].to_list()
    unique = [f"{n} [{i}]" if counts[n] > 1 else n for n, i in zip(names, ids, strict=True)]
    return [f'"{n}"' if " " in n or _DL_SPECIAL & set(n) else n for n in unique]


# ---------------------------------------------------------------- files


def _write_actors(networks: YearlyNetworks, folder: Path) -> Path:
    path = folder / "actors.csv"
    rows = [tuple(neutralise(v) for v in row) for row in networks.actors.iter_rows()]
    _write_csv(path, ACTOR_FILE_COLUMNS, rows)
    return path


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    except OSError as exc:
        raise BiorisError(f"cannot write {path}: {exc}") from None


def _write_lines(path: Path, lines: Iterable[str]) -> Path:
    try:
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            for line in lines:
                handle.write(line + "\n")
    except OSError as exc:
        raise BiorisError(f"cannot write {path}: {exc}") from None
    return path
