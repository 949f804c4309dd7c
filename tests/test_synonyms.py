"""Issue 13: synonyms in the Solr file format, shipped and user-extended."""

import pytest

from vnsearch.errors import QueryError
from vnsearch.synonyms import Synonyms, key, parse


def test_keys_ignore_case_diacritics_and_how_a_word_is_joined():
    assert key("TP.HCM") == key("TPHCM") == key("tp hcm") == key("TP. HCM") == ("tphcm",)
    assert key("Sài Gòn") == key("sai gon") == ("sai", "gon")
    assert key("covid-19") == key("Covid 19") == ("covid19",)


def test_solr_format():
    rules = parse("# comment\n\na, b, c\nx, y => z\n  lone  \n")
    assert rules == [(["a", "b", "c"], ["a", "b", "c"]), (["x", "y"], ["z"])]


def test_the_shipped_list_reads_and_names_the_issue_s_cases():
    syn = Synonyms.load()
    assert "thành phố hồ chí minh" in syn.alternatives("TP.HCM")
    assert "sài gòn" in syn.alternatives("tphcm")
    assert "tp.hcm" in syn.alternatives("Sài Gòn")
    assert "sars-cov-2" in syn.alternatives("covid")
    assert "vaccine" in syn.alternatives("vắc xin")
    assert "vắc xin" in syn.alternatives("vaccine")


def test_equivalence_never_lists_the_entry_itself():
    syn = Synonyms(parse("tp.hcm, tphcm, sài gòn"))
    assert syn.alternatives("TP HCM") == ["sài gòn"]


def test_one_way_rules_go_one_way():
    syn = Synonyms(parse("iphone => điện thoại"))
    assert syn.alternatives("iphone") == ["điện thoại"]
    assert syn.alternatives("điện thoại") == []


def test_expand_finds_the_longest_entries_in_a_query():
    syn = Synonyms(parse("thành phố hồ chí minh, sài gòn\nhồ chí minh, bác hồ"))
    keys = key("giá nhà thành phố Hồ Chí Minh")
    [found] = syn.expand(keys)
    assert (found.start, found.end, found.alternatives) == (2, 7, ("sài gòn",))


def test_a_user_file_extends_the_shipped_list(tmp_path):
    mine = tmp_path / "syn.txt"
    mine.write_text("ô tô điện, xe điện\n", encoding="utf-8")
    syn = Synonyms.load(str(mine))
    assert syn.alternatives("xe điện") == ["ô tô điện"]
    assert "sài gòn" in syn.alternatives("TP.HCM")


def test_an_unreadable_file_is_one_clear_error(tmp_path):
    with pytest.raises(QueryError, match="synonyms file"):
        Synonyms.load(str(tmp_path / "missing.txt"))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa bad")
    with pytest.raises(QueryError, match="UTF-8"):
        Synonyms.load(str(bad))
