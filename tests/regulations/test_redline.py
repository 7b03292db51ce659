import html
import re

from django.utils.safestring import SafeString
from hypothesis import given, settings
from hypothesis import strategies as st

from regulations.text.redline import Segment, change_summary, diff_segments, redline_html, tokenize

DEL = '<del class="redline-del">'
INS = '<ins class="redline-ins">'


def eq(text):
    return Segment("equal", text)


def dele(text):
    return Segment("delete", text)


def ins(text):
    return Segment("insert", text)


# Tokenisation


def test_english_words_numbers_and_punctuation_are_tokens():
    assert tokenize("Don't use long-term limits: 13.5% of 2.5 t, GB 3095-2012 and §3.2.1 end.") == [
        "Don't", " ", "use", " ", "long-term", " ", "limits", ":", " ", "13.5%", " ", "of", " ", "2.5", " ",
        "t", ",", " ", "GB", " ", "3095-2012", " ", "and", " ", "§", "3.2.1", " ", "end", ".",
    ]  # fmt: skip


def test_each_cjk_character_and_cjk_punctuation_mark_is_a_token():
    assert tokenize("《固体废物法》〔2020〕第（一）项：“回收”、处置；完成。１２％") == [
        "《", "固", "体", "废", "物", "法", "》", "〔", "2020", "〕", "第", "（", "一", "）", "项", "：",
        "“", "回", "收", "”", "、", "处", "置", "；", "完", "成", "。", "１", "２", "％",
    ]  # fmt: skip


def test_extension_a_ideographs_are_single_tokens():
    assert tokenize("\u3400\u4db5x") == ["\u3400", "\u4db5", "x"]


def test_dots_join_numbers_but_not_abbreviations_or_sentences():
    assert tokenize("i.e. 2.5 v1.2 end.") == ["i", ".", "e", ".", " ", "2.5", " ", "v1.2", " ", "end", "."]


def test_each_whitespace_run_is_one_token():
    assert tokenize("a \t b\n\nc") == ["a", " \t ", "b", "\n\n", "c"]


def test_a_word_stuck_to_chinese_is_split_from_it():
    assert tokenize("到2025年，下降13.5%") == ["到", "2025", "年", "，", "下", "降", "13.5%"]


# English is compared word by word


def test_changing_a_year_marks_only_that_word():
    old = "The target applies by 2025 to all plants."
    new = "The target applies by 2030 to all plants."
    assert diff_segments(old, new) == [eq("The target applies by "), dele("2025"), ins("2030"), eq(" to all plants.")]


def test_a_changed_word_is_not_split_into_characters():
    assert diff_segments("Producers shall reduce emissions.", "Producers shall reduce emission.") == [
        eq("Producers shall reduce "),
        dele("emissions"),
        ins("emission"),
        eq("."),
    ]


# Chinese is compared character by character


def test_chinese_target_sentence_marks_only_the_changed_numbers():
    old = "到2025年，规模以上工业单位增加值能耗较2020年下降13.5%"
    new = "到2030年，规模以上工业单位增加值能耗较2020年下降18%"
    assert diff_segments(old, new) == [
        eq("到"),
        dele("2025"),
        ins("2030"),
        eq("年，规模以上工业单位增加值能耗较2020年下降"),
        dele("13.5%"),
        ins("18%"),
    ]
    assert change_summary(old, new) == {"inserted_words": 2, "deleted_words": 2}


def test_one_changed_chinese_character_is_marked_alone():
    assert diff_segments("二氧化碳排放量逐步降低。", "二氧化碳排放量逐步减低。") == [
        eq("二氧化碳排放量逐步"),
        dele("降"),
        ins("减"),
        eq("低。"),
    ]


def test_mixed_english_and_chinese():
    old = "第五条 生产企业应当建立回收服务网点 (collection points) by 2025。"
    new = "第五条 生产企业应当建立回收服务网点 (service outlets) by 2026。"
    assert diff_segments(old, new) == [
        eq("第五条 生产企业应当建立回收服务网点 ("),
        dele("collection points"),
        ins("service outlets"),
        eq(") by "),
        dele("2025"),
        ins("2026"),
        eq("。"),
    ]


def test_changes_in_two_paragraphs_stay_in_their_paragraphs():
    old = "The operator shall keep records.\n\n经营者应当保存记录三年。"
    new = "The operator must keep records.\n\n经营者应当保存记录五年。"
    assert diff_segments(old, new) == [
        eq("The operator "),
        dele("shall"),
        ins("must"),
        eq(" keep records.\n\n经营者应当保存记录"),
        dele("三"),
        ins("五"),
        eq("年。"),
    ]


def test_frequent_characters_still_anchor_a_long_text():
    # difflib's autojunk would treat a character this frequent as junk and mark the whole text changed.
    old = "甲" + "的" * 250 + "乙"
    new = "丙" + "的" * 250 + "丁"
    assert diff_segments(old, new) == [dele("甲"), ins("丙"), eq("的" * 250), dele("乙"), ins("丁")]


# Edge cases


def test_identical_texts_are_one_equal_segment():
    assert diff_segments("同一文本 same text", "同一文本 same text") == [eq("同一文本 same text")]


def test_two_empty_texts_have_no_segments():
    assert diff_segments("", "") == []
    assert redline_html("", "") == ""
    assert change_summary("", "") == {"inserted_words": 0, "deleted_words": 0}


def test_empty_old_text_is_all_insertion():
    assert diff_segments("", "新增条款 new clause") == [ins("新增条款 new clause")]
    assert change_summary("", "新增条款 new clause") == {"inserted_words": 6, "deleted_words": 0}


def test_empty_new_text_is_all_deletion():
    assert diff_segments("删除条款 old clause", "") == [dele("删除条款 old clause")]
    assert change_summary("删除条款 old clause", "") == {"inserted_words": 0, "deleted_words": 6}


def test_a_whitespace_change_between_equal_words_is_marked():
    assert diff_segments("a b", "a  b") == [eq("a"), dele(" "), ins("  "), eq("b")]
    assert change_summary("a b", "a  b") == {"inserted_words": 0, "deleted_words": 0}


# Folding whitespace-only equal islands


def test_whitespace_between_replaced_words_is_folded_into_one_deletion_and_one_insertion():
    assert diff_segments("a b c", "x y z") == [dele("a b c"), ins("x y z")]
    assert diff_segments("shall submit the annual report", "must file a yearly return") == [
        dele("shall submit the annual report"),
        ins("must file a yearly return"),
    ]


def test_a_blank_line_between_replaced_paragraphs_is_folded_too():
    assert diff_segments("p1\n\np2", "q1\n\nq2") == [dele("p1\n\np2"), ins("q1\n\nq2")]


def test_an_island_with_a_word_in_it_is_not_folded():
    assert diff_segments("a b c", "x b z") == [dele("a"), ins("x"), eq(" b "), dele("c"), ins("z")]


def test_whitespace_between_two_pure_deletions_stays_equal():
    # Folding it would need an insertion of the same whitespace, which reads worse.
    assert diff_segments("a b", " ") == [dele("a"), eq(" "), dele("b")]


# HTML


def test_redline_html_marks_up_deletions_and_insertions():
    result = redline_html("The target applies by 2025.", "The target applies by 2030.")
    assert isinstance(result, SafeString)
    assert result == f"The target applies by {DEL}2025</del>{INS}2030</ins>."


def test_markup_in_either_version_is_escaped():
    result = redline_html("<script>alert(1)</script> Rule", '<b onclick="x">Rule</b> & more')
    assert result == (
        f"&lt;{DEL}script</del>{INS}b onclick=&quot;x&quot;</ins>&gt;{DEL}alert(1)</del>{INS}Rule</ins>"
        f"&lt;/{DEL}script</del>{INS}b</ins>&gt; {DEL}Rule</del>{INS}&amp; more</ins>"
    )
    assert "<script" not in result and "<b " not in result


def test_markup_in_an_unchanged_text_is_escaped():
    assert redline_html("<script>x</script>", "<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"


def test_newlines_become_line_breaks():
    assert redline_html("第一段\n第二段", "第一段\n\n第二段") == f"第一段<br>{INS}<br></ins>第二段"
    assert redline_html("one\ntwo", "one\nthree") == f"one<br>{DEL}two</del>{INS}three</ins>"


def test_crlf_from_a_form_is_not_a_change():
    assert redline_html("a\r\nb", "a\nb") == "a<br>b"
    assert redline_html("a\rb", "a\r\nc") == f"a<br>{DEL}b</del>{INS}c</ins>"


# Summary


def test_change_summary_counts_words_and_chinese_characters():
    assert change_summary("a b c", "x y z") == {"inserted_words": 3, "deleted_words": 3}
    assert change_summary("降低排放", "减少排放") == {"inserted_words": 2, "deleted_words": 2}
    assert change_summary("Keep records for three years.", "Keep records for five years, 并公开。") == {
        "inserted_words": 6,
        "deleted_words": 2,
    }


# Properties

_alphabet = st.one_of(
    st.characters(),
    st.sampled_from(list("到年，。、；：（）《》〔〕“”降减低\u3400０％ \n\t\r<>&\"'abc2.5%-")),
)
_texts = st.text(_alphabet, max_size=60)


@settings(deadline=None)
@given(_texts, _texts)
def test_segments_reproduce_both_texts(old, new):
    segments = diff_segments(old, new)
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new
    assert all(s.text and s.op in {"equal", "delete", "insert"} for s in segments)
    assert all(a.op != b.op for a, b in zip(segments, segments[1:], strict=False))
    assert not any(a.op == "insert" and b.op == "delete" for a, b in zip(segments, segments[1:], strict=False))


_OWN_TAGS = re.compile(r'<del class="redline-del">|</del>|<ins class="redline-ins">|</ins>|<br>')


@settings(deadline=None)
@given(_texts, _texts)
def test_html_holds_no_markup_but_its_own_and_reads_back_as_the_old_text(old, new):
    result = redline_html(old, new)
    assert "<" not in _OWN_TAGS.sub("", result)
    without_insertions = re.sub(r'<ins class="redline-ins">.*?</ins>', "", result, flags=re.DOTALL)
    as_text = html.unescape(_OWN_TAGS.sub(lambda m: "\n" if m.group() == "<br>" else "", without_insertions))
    assert as_text == old.replace("\r\n", "\n").replace("\r", "\n")
