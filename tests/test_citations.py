"""R11 (DOMAIN.md §2.5): the ruling cites the article valid on its ruling date, from the edition table."""

from __future__ import annotations

from datetime import date

import pytest

from execdesk.rules.citations import citation, citations_text
from execdesk.rules.errors import ValidationError

JIESHI = "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》"


def test_r11_zhongben_basis_switches_on_2022_04_10():
    # 2015 解释 art 519 (a 2017 ruling cites it, S26) until the 2022 amendment took effect on 2022-04-10.
    assert citation("zhongben_basis", date(2017, 6, 1)).text == JIESHI + "第五百一十九条"
    assert citation("zhongben_basis", date(2022, 4, 9)).text == JIESHI + "第五百一十九条"
    assert citation("zhongben_basis", date(2022, 4, 10)).text == JIESHI + "第五百一十七条"
    assert citation("zhongben_basis", date(2026, 11, 25)).article == 517  # 2023 民诉法 did not renumber it


@pytest.mark.parametrize(("on", "article"), [(date(2021, 12, 31), 257), (date(2022, 1, 1), 264),
                                             (date(2023, 12, 31), 264), (date(2024, 1, 1), 268)])
def test_r11_termination_grounds_follow_the_civil_procedure_law_editions(on, article):
    assert citation("termination_grounds", on).article == article


def test_r11_application_period_article_by_edition():
    assert [citation("application_period", d).article for d in (date(2020, 1, 1), date(2023, 1, 1),
                                                                 date(2025, 1, 1))] == [239, 246, 250]


def test_ruling_citations_joined_in_order():
    text = citations_text(["zhongben_conditions", "zhongben_basis"], date(2026, 11, 25))
    assert text == ("《最高人民法院关于严格规范终结本次执行程序的规定（试行）》第一条、" + JIESHI + "第五百一十七条")


def test_date_before_any_edition_is_a_clear_chinese_error():
    with pytest.raises(ValidationError, match="早于该条文最早收录版本"):
        citation("zhongben_conditions", date(2016, 11, 30))
    with pytest.raises(KeyError):
        citation("no_such_rule", date(2020, 1, 1))


@pytest.mark.parametrize(("key", "articles"), [
    ("execution_objection", (225, 232, 236)), ("third_party_objection", (227, 234, 238)),
    ("higher_court_after_six_months", (226, 233, 237)), ("entrusted_execution", (229, 236, 240)),
    ("property_report", (241, 248, 252))])
def test_r11_deadline_bases_follow_the_civil_procedure_law_editions(key, articles):
    # DOMAIN §2.5 / §3.4: 2012 numbering until 2021-12-31, 2021 amendment from 2022-01-01, 2023 from 2024-01-01.
    assert tuple(citation(key, d).article for d in (date(2021, 12, 31), date(2022, 1, 1), date(2024, 1, 1))) == articles


@pytest.mark.parametrize(("n", "text"), [(8, "八"), (10, "十"), (15, "十五"), (85, "八十五"), (105, "一百零五"),
                                         (110, "一百一十"), (236, "二百三十六"), (240, "二百四十"), (519, "五百一十九"),
                                         (1005, "一千零五"), (1050, "一千零五十"), (1259, "一千二百五十九")])
def test_r11_article_numbers_in_chinese_numerals_as_statutes_write_them(n, text):
    from execdesk.rules.citations import article_numeral

    assert article_numeral(n) == text
