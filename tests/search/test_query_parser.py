from hypothesis import given, settings
from hypothesis import strategies as st

from search.notes import Note
from search.query.analysis import fold, word_lists, words
from search.query.parser import MAX_QUERY_LENGTH, Clause, parse_query


def test_plain_words_are_each_required():
    parsed = parse_query("traction battery")
    assert parsed.groups == [[Clause("traction")], [Clause("battery")]]


def test_phrases_or_exclusions_and_filters():
    parsed = parse_query('"extended producer" OR EPR -waste industry:steel year:2022')
    assert parsed.groups == [[Clause("extended producer", phrase=True), Clause("epr")]]
    assert parsed.excluded == [Clause("waste")]
    assert parsed.filters == {"industry": ["steel"], "year": ["2022"]}
    assert parsed.display() == '"extended producer" OR epr -waste industry:steel year:2022'


def test_a_trailing_star_is_a_prefix():
    assert parse_query("recycl*").groups == [[Clause("recycl", prefix=True)]]


def test_malformed_input_is_searched_as_well_as_possible():
    parsed = parse_query('"unbalanced ( - OR foo:bar \x00 battery')
    assert parsed.groups == [[Clause("unbalanced ( - or foo:bar battery", phrase=True)]]
    assert Note("removed_control_characters") in parsed.notes
    assert Note("closed_quote") in parsed.notes


def test_unknown_fields_are_searched_as_words():
    parsed = parse_query("colour:red")
    assert parsed.groups == [[Clause("colour red", phrase=True)]]
    assert parsed.notes == [Note("not_a_filter", "colour")]


def test_long_queries_are_cut():
    parsed = parse_query("battery " * 1000)
    assert len(parsed.groups) <= 24
    assert Note("shortened", str(MAX_QUERY_LENGTH)) in parsed.notes


def test_full_width_input_is_folded():
    assert parse_query("ＥＰＲ　动力电池").groups == [[Clause("epr")], [Clause("动力电池")]]


def test_a_quoted_chinese_word_is_exact():
    assert parse_query("“许可证”").groups == [[Clause("许可证", phrase=True)]]


def test_folding_keeps_the_length():
    text = "工信部联节〔2022〕88号 ＡＢＣ “quoted” — İstanbul"
    assert len(fold(text)) == len(text)


def test_words_have_sequential_positions_and_subwords_share_them():
    found = list(words("排污许可证 and permits", subwords=True))
    main = [w for w in found if not w.sub]
    assert [w.pos for w in main] == list(range(len(main)))
    assert {w.pos for w in found if w.sub} <= {w.pos for w in main}


hostile = st.text(
    alphabet=st.characters(codec="utf-8")
    | st.sampled_from(list('"()[]{}-*:+|&\\/〔〕“”ＡＯＲ OR AND  \x00\x1b\u200b\ufeff')),
    max_size=400,
) | st.sampled_from(["-", '"', "OR", "industry:", ":", "*", "-*", '""', "x" * 5000, "\x00" * 50])


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_the_parser_never_raises(text):
    parsed = parse_query(text)
    parsed.display()
    assert len(parsed.groups) <= 24
    for group in parsed.groups:
        for clause in group:
            assert clause.text.strip()


mixed_text = st.text(
    alphabet=st.sampled_from(list("ab.1 ,-的和排污许可证管理危险废物贮存ＡＢ　“”")) | st.characters(codec="utf-8"),
    max_size=200,
) | st.sampled_from(["企业应当按照排污许可证的规定排放污染物。 The operator shall", "a.b.c 1.5 mg/m3 of the 危险废物"])


@settings(max_examples=300, deadline=None)
@given(mixed_text, st.booleans())
def test_the_indexing_word_lists_hold_what_words_yields(text, subwords):
    found = list(words(text, subwords=subwords))
    assert word_lists(text, subwords) == ([w.text for w in found], [w.pos for w in found], [w.cjk for w in found])
