"""知识库 in Chromium: the operator finds an answer while typing the call and closes it as 即办; the
centre edits an entry on its page. Screenshots: operator-intake-knowledge, knowledge-list, knowledge-edit."""

import pytest

from dispatch.models import Ticket
from knowledge import services as kb
from knowledge.models import Article
from tests.pages.test_browser import browse, chromium, shot, world  # noqa: F401 — shared fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_copies_a_knowledge_answer_into_a_quick_close(browse, world):  # noqa: F811
    z, accounts = world
    kb.articles_load()
    page = browse(accounts.operator)
    page.fill("#id_caller_phone", "13600003333")
    page.locator("#id_content").press_sequentially("家里暖气一点都不热，想问问什么时候能修好", delay=2)
    page.wait_for_selector("#kb-hits [data-kb-code='ZZKB-0001']")
    shot(page, "operator-intake-knowledge")
    page.click("#kb-hits [data-kb-code='ZZKB-0001']")
    heating = Article.objects.get(code="ZZKB-0001")
    assert page.locator("#close-at-intake").get_attribute("open") is not None
    assert page.input_value("#id_answer") == heating.answer
    # Enter in the search box searches; it never files the ticket.
    page.fill("#kb-q", "公积金提取")
    page.press("#kb-q", "Enter")
    page.wait_for_selector("#kb-hits [data-kb-code='ZZKB-0017']")
    assert not Ticket.objects.exists()

    page.click("#close-at-intake button[type=submit]")
    page.wait_for_selector("#ticket-status")
    ticket = Ticket.objects.get(caller_phone="13600003333")
    assert ticket.status == Ticket.Status.CLOSED_AT_INTAKE
    assert ticket.answer == heating.answer


def test_centre_edits_an_entry_on_its_page(browse, world):  # noqa: F811
    z, accounts = world
    kb.articles_load()
    page = browse(accounts.dispatcher)
    page.click("nav >> text=知识库")
    page.wait_for_selector("#kb-table")
    shot(page, "knowledge-list")
    page.fill("#kb-q", "停水")
    page.click("#kb-search button[type=submit]")
    page.click("#kb-results >> text=计划停水的查询")
    page.click("#kb-edit")
    page.fill("#id_keywords", "停水 没水 来水 水压低")
    page.fill("#id_valid_until", "2030-12-31")
    shot(page, "knowledge-edit")
    page.click("#kb-save")
    page.wait_for_selector("#kb-article")
    assert "已保存知识条目 ZZKB-0002" in page.locator(".messages").inner_text()
    water = Article.objects.get(code="ZZKB-0002")
    assert water.keywords == "停水 没水 来水 水压低" and str(water.valid_until) == "2030-12-31"
    assert " 压低 " in water.tokens or " 水压 " in water.tokens
