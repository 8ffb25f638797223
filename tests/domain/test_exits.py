"""Exit texts -> the end of a firm's independent life (kind, year, other party), on the
phrasings of the raw actor files; each expected value is read off the text by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bioris.domain.exits import EXIT_KINDS, parse_exit


@pytest.mark.parametrize(
    ("text", "kind", "year", "party"),
    [
        # acquisitions
        ("acquired by Amgen 2019", "acquired", 2019, "Amgen"),
        ("acquired by Sanofi 2018 (EUR3.9bn)", "acquired", 2018, "Sanofi"),
        ("Acquired by the Medicines Company in 2009", "acquired", 2009, "Medicines Company"),
        ("acquired by Johnson & Johnson, 2002", "acquired", 2002, "Johnson & Johnson"),
        ("acquired by Syngenta (bid Sept 2012, c. EUR403M)", "acquired", 2012, "Syngenta"),
        ("acquired by Watson Pharmaceuticals (Actavis) 2013", "acquired", 2013,
         "Watson Pharmaceuticals"),
        ("acquired 2015 by Takeda", "acquired", 2015, "Takeda"),
        ("majority acquired by Kaneka 2010", "acquired", 2010, "Kaneka"),
        ("taken over by Shire 2010", "acquired", 2010, "Shire"),
        ("takeover by Amgen 2012", "acquired", 2012, "Amgen"),
        ("sold to Solvay 2008", "acquired", 2008, "Solvay"),
        ("absorbed into Johnson & Johnson 2004", "acquired", 2004, "Johnson & Johnson"),
        ("pharma activities taken over by Abbott (c. 2010)", "acquired", 2010, "Abbott"),
        # mergers into another firm
        ("merged into MyCartis 2014", "merged", 2014, "MyCartis"),
        ("combined into TiGenix 2011", "merged", 2011, "TiGenix"),
        ("merged with Virco into Tibotec-Virco 2001", "merged", 2001, "Tibotec-Virco"),
        ("merged with Sogepa and Sowalfin into Wallonie Entreprendre 2023", "merged", 2023,
         "Wallonie Entreprendre"),
        # closures name no other party
        ("closed 2012", "closed", 2012, None),
        ("wound down c. 2017", "closed", 2017, None),
        ("liquidated 2021", "closed", 2021, None),
        ("dissolved 2009", "closed", 2009, None),
        ("declared bankrupt in 2011", "closed", 2011, None),
        ("bankruptcy 2011", "closed", 2011, None),
        ("ceased operations 2013", "closed", 2013, None),
        # the first clause that announces an exit wins
        ("IPO 2005; acquired by Galapagos 2006", "acquired", 2006, "Galapagos"),
        ("merged with Virco 2001; acquired by Johnson & Johnson 2002", "acquired", 2002,
         "Johnson & Johnson"),
        ("acquired by Solvay 2008; sold to Fujirebio (c. 2010)", "acquired", 2008, "Solvay"),
        ("acquired by Orgenesis 2015; acquired by Catalent 2020", "acquired", 2015, "Orgenesis"),
        # a partial clause is skipped, the next clause is read
        ("glaucoma asset sold to PH Pharma 2019; wound down c. 2017", "closed", 2017, None),
        ("wound down c. 2017; glaucoma asset sold to PH Pharma", "closed", 2017, None),
    ],
)  # fmt: skip
def test_exits(text, kind, year, party):
    found = parse_exit(text)
    assert found is not None
    assert (found.kind, found.year, found.counterparty) == (kind, year, party)
    assert found.kind in EXIT_KINDS and found.clause in text


@pytest.mark.parametrize(
    "text",
    [
        # renames: the firm lives on under another name
        "Meusinvest renamed Noshaq 2019",
        "renamed Oxurion 2018",
        # merged *with* another firm, into nothing else: the firm lives on (imec absorbed
        # iMinds)
        "merged with iMinds 2016",
        # a part of the firm, not the firm
        "oncology division OnCyte acquired by Cardio3 BioSciences 2015",
        "glaucoma asset sold to PH Pharma 2019",
        "research team acquired by X 2015",
        "stake sold to Sofina 2015",
        "closed its manufacturing site 2012",
        "manufacturing facility sold to Catalent 2019",
        # no year, no exit word, nothing
        "acquired by Intrexon",
        "founded 2001",
        "IPO on Euronext 2014",
        "",
        None,
    ],
)
def test_not_exits(text):
    assert parse_exit(text) is None


def test_the_words_that_announced_it():
    assert parse_exit("merged with Virco into Tibotec-Virco 2001").how == "merged into"
    assert parse_exit("Taken over by Shire 2010").how == "taken over"
    assert parse_exit("wound down c. 2017").how == "wound down"


@given(
    st.sampled_from(["acquired by", "taken over by", "sold to", "merged into"]),
    st.sampled_from(["Amgen", "Johnson & Johnson", "BASF Plant Science", "Novo Nordisk A/S"]),
    st.integers(1900, 2099),
    st.sampled_from(["", " (EUR 12M)", " (c. USD 1bn)"]),
)
def test_any_party_and_year(words, party, year, tail):
    found = parse_exit(f"{words} {party} {year}{tail}")
    assert found is not None
    assert (found.year, found.counterparty) == (year, party)
    assert found.kind == ("merged" if words.startswith("merged") else "acquired")
