"""`paperlake parse`: a dry run of the readers over files and folders."""

import argparse
from pathlib import Path

from paperlake.cli_parse import cmd_parse

PAGES = Path(__file__).resolve().parent / "data" / "pages"


def test_parse_prints_one_line_per_file_and_fails_on_an_unrecognised_one(capsys):
    rc = cmd_parse(argparse.Namespace(paths=[str(PAGES / "arxiv_oai.xml"), str(PAGES / "reading_list.bib")], width=60))
    out = capsys.readouterr().out
    assert rc == 0
    assert "arxiv_oai" in out and "deleted record (OAI-PMH) (1)" in out and "bibtex" in out
    assert "2 file(s): 4 listings, 1 of 5 units quarantined, 0 not recognised" in out
    assert cmd_parse(argparse.Namespace(paths=[str(PAGES / "other_page.html")], width=60)) == 1
