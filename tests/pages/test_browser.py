"""Each role's main journey in Debian's Chromium (Playwright, headless), against the live server.

Screenshots of the main pages go to artifacts/screenshots/ (gitignored). Celery runs eagerly, so a
ticket filed through the page is routed inline right after its commit.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from dispatch import services
from dispatch.models import Ticket
from dispatch.services.stats import stats_rollup_recent
from knowledge.models import Article
from knowledge.services import articles_load
from tests.fixtures_governance import zhengzhou_small_build
from tests.pages.conftest import PASSWORD, make_accounts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing (Debian package chromium; `make system-deps` installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def world(transactional_db, celery_eager):
    z = zhengzhou_small_build()
    return z, make_accounts(z)


@pytest.fixture
def browse(chromium, live_server):
    """`browse(user, phone=False)` → a logged-in page; every JS dialog (e.g. an injected alert) fails
    unless the test says `dialogs=True` and answers them."""
    contexts = []
    SHOTS.mkdir(parents=True, exist_ok=True)

    def open_as(user, *, phone: bool = False, dialogs: bool = False):
        viewport = {"width": 390, "height": 844} if phone else {"width": 1440, "height": 900}
        context = chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        if not dialogs:  # a test that expects a prompt answers it itself
            page.on("dialog", lambda d: pytest.fail(f"unexpected dialog: {d.message}"))
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    yield open_as
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def png_file(tmp_path) -> Path:
    path = tmp_path / "site.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def tiny_model(settings, tmp_path):
    """A real classifier (the product's training code) on 60 examples per category of the shipped data,
    active for the test; artifacts in a temporary folder."""
    from collections import defaultdict

    from classifier.registry import active_model_cache
    from classifier.training import examples_from_csv, train_and_register, training_csv_path

    settings.CLASSIFIER_ARTIFACTS_DIR = tmp_path / "models"
    per_label = defaultdict(list)
    for example in examples_from_csv(training_csv_path()):
        if len(per_label[example.label]) < 60:
            per_label[example.label].append(example)
    result = train_and_register(examples=[e for rows in per_label.values() for e in rows], cv="none", activate=True)
    active_model_cache.clear()
    yield result.version
    active_model_cache.clear()


def dispatched_ticket(z, accounts, content="农大家属院3号楼下水道堵塞，污水外溢到路面") -> Ticket:
    ticket = services.ticket_create(
        by=accounts.operator,
        content=content,
        caller_name="王五",
        caller_phone="13700001234",
        address="金水区文化路街道农大社区农大家属院3号楼",
        community=z.community,
        grid=z.community_grid,
    )
    ticket.refresh_from_db()
    if ticket.status == Ticket.Status.PENDING_DISPATCH:
        services.ticket_dispatch(
            ticket=ticket, by=accounts.dispatcher, department=z.department("zhujian"), category_code="城乡建设"
        )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DISPATCHED
    return ticket


def test_operator_files_a_ticket_and_sees_the_suggestion(browse, world, tiny_model):
    z, accounts = world
    page = browse(accounts.operator)
    assert page.url.endswith("/intake/")

    page.fill("#id_caller_name", "赵六")
    page.fill("#id_caller_phone", "13600002222")
    page.locator("#id_address").press_sequentially("金水区文化路街道农大社区农大家属院3号楼", delay=5)
    page.wait_for_selector(f"#id_community option[value='{z.community.code}']:checked", state="attached")
    content = "<script>alert(1)</script>农大家属院3号楼前的路面塌陷，下水道堵塞污水横流，已经一周无人维修"
    page.locator("#id_content").press_sequentially(content, delay=2)
    # Panels refresh while typing: wait for the one computed on the whole text.
    page.wait_for_function(
        "() => (document.querySelector('#ai-highlight') || {}).innerText?.trim().endsWith('已经一周无人维修')"
    )
    assert page.locator("#ai-suggestions li").count() == 3
    assert page.locator("#ai-suggestions li .dept").first.inner_text().startswith("承办单位：金水区")
    assert page.locator("#ai-highlight mark").count() >= 1
    assert page.locator("#ai-highlight").inner_text().startswith("<script>alert(1)</script>")
    shot(page, "operator-intake")
    page.click("#submit-file")
    page.wait_for_selector("#ticket-status")

    ticket = Ticket.objects.get(caller_phone="13600002222")
    assert page.url.endswith(f"/tickets/{ticket.pk}/")
    assert ticket.community == z.community
    assert page.locator("#ticket-content").inner_text().startswith("<script>alert(1)</script>")
    assert page.locator(".messages").inner_text().startswith(f"工单 {ticket.number} 已受理")
    # Routed inline (eager Celery) with the same model: the ticket page shows its suggestions.
    assert ticket.ai_model_version == tiny_model.version
    assert page.locator("#ticket-suggestions li").count() == 3
    shot(page, "operator-ticket")


def test_worker_signs_and_replies_on_a_phone(browse, world, tmp_path):
    z, accounts = world
    ticket = dispatched_ticket(z, accounts)
    page = browse(accounts.worker, phone=True)
    assert page.url.endswith("/worklist/")
    shot(page, "worker-worklist-phone")

    page.click(f"text={ticket.number}")
    page.click("#action-sign button")
    page.wait_for_selector("text=签收成功")
    assert page.locator("#ticket-status").inner_text() == "已签收办理中"

    page.click("#action-reply summary")
    page.fill("#id_reply-text", "已联系物业现场疏通下水道，路面已清理")
    page.set_input_files("#id_reply-photo", str(png_file(tmp_path)))
    page.click("#action-reply button[type=submit]")
    page.wait_for_selector("text=答复成功")
    shot(page, "worker-ticket-phone")

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.REPLIED
    assert page.locator("#ticket-status").inner_text() == "已答复待审核"
    assert page.locator("#reply-text").inner_text() == "已联系物业现场疏通下水道，路面已清理"
    assert ticket.reply_photo.name.endswith(".png")
    # the photo shows on the page, loaded through the scoped endpoint with the worker's session
    assert page.get_attribute('img[alt="现场照片"]', "src") == f"/api/tickets/{ticket.pk}/photo/"
    page.wait_for_function(
        "() => { const i = document.querySelector('img[alt=\"现场照片\"]'); return i.complete && i.naturalWidth > 0; }"
    )


def test_staff_returns_a_ticket_with_a_reason(browse, world):
    z, accounts = world
    ticket = dispatched_ticket(z, accounts)
    page = browse(accounts.staff)

    page.click(f"text={ticket.number}")
    page.click("#action-return summary")
    page.click("#action-return button[type=submit]")
    page.wait_for_selector("#field-return-reason .errorlist")
    assert page.locator("#field-return-reason .errorlist").inner_text() == "该字段是必填项。"
    shot(page, "staff-return-error")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DISPATCHED

    page.fill("#id_return-reason", "属于教育部门职责，非住建局管辖")
    page.click("#action-return button[type=submit]")
    page.wait_for_selector("text=退单成功")

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RETURN_PENDING
    assert page.locator("#ticket-status").inner_text() == "退单待审"


def test_staff_follow_a_notification_to_its_ticket(browse, world, live_server):
    z, accounts = world
    ticket = dispatched_ticket(z, accounts)
    page = browse(accounts.staff)

    page.goto(f"{live_server.url}/notifications/?unread=1")
    row = page.locator("#notification-table tbody tr", has_text=ticket.number)
    assert "未读" in row.inner_text()
    shot(page, "staff-notifications")
    row.get_by_role("link", name=ticket.number).click()
    page.wait_for_selector("#ticket-status")
    assert page.url.endswith(f"/tickets/{ticket.pk}/")

    page.goto(f"{live_server.url}/notifications/")
    row = page.locator("#notification-table tbody tr", has_text=ticket.number)
    assert "已读" in row.inner_text() and row.locator("button").count() == 0


def kpi(page, name: str) -> int:
    return int(page.locator(f"[data-kpi={name}]").inner_text())


def test_supervisor_reviews_the_return_redispatches_and_sees_the_dashboard_move(browse, world):
    z, accounts = world
    ticket = dispatched_ticket(z, accounts, content="学校门口早晚高峰拥堵，希望增派人员疏导交通")
    services.ticket_return(ticket=ticket, by=accounts.staff, reason="属于教育部门职责")
    stats_rollup_recent()  # what beat runs every minute
    page = browse(accounts.supervisor)
    assert page.url.endswith("/dashboard/")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-volume')")
    before = {name: kpi(page, name) for name in ("total", "returned", "redispatched")}
    assert before == {"total": 1, "returned": 1, "redispatched": 0}

    page.click("text=审核队列")
    page.wait_for_selector(f"text={ticket.number}")
    shot(page, "supervisor-queues")
    page.click(f"text={ticket.number}")
    page.click("#action-redispatch summary")
    jiaoyu = z.department("jiaoyu")
    page.select_option("#id_redispatch-department", str(jiaoyu.pk))
    page.select_option("#id_redispatch-category_code", "教育文体")
    page.fill("#id_redispatch-reason", "退单理由成立，改派金水区教育局")
    page.click("#action-redispatch button[type=submit]")
    page.wait_for_selector("text=改派成功")
    assert page.locator("#lead-department").inner_text() == jiaoyu.name

    stats_rollup_recent()
    page.click("text=一屏观全域")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-acc-category')")
    after = {name: kpi(page, name) for name in ("total", "returned", "redispatched")}
    assert after == {"total": 1, "returned": 1, "redispatched": 1}
    assert page.locator("[data-kpi=accuracy]").inner_text() == "0.0%"
    heat = page.locator("#table-heat tbody tr").first.inner_text()
    assert re.match(r"文化路街道\s+1\b", heat)
    shot(page, "supervisor-dashboard")

    page.click("text=运行模式")
    shot(page, "supervisor-city-mode")


# --- 知识库 -----------------------------------------------------------------------------------------


def test_operator_copies_a_knowledge_answer_into_a_quick_close(browse, world):
    z, accounts = world
    articles_load()
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


def test_centre_edits_an_entry_on_its_page(browse, world):
    z, accounts = world
    articles_load()
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


def test_operator_sees_a_recall_hinted_and_merges_it(browse, world):
    z, accounts = world
    first = services.ticket_create(
        by=accounts.operator,
        content="文化路街道农大社区农大家属院3号楼下水道堵塞，污水从井盖溢出流到路面，味道很大，请尽快疏通。",
        caller_phone="13700001111",
        community=z.community,
    )
    page = browse(accounts.operator)
    page.fill("#id_caller_phone", "13600004444")
    page.locator("#id_address").press_sequentially("金水区文化路街道农大社区农大家属院3号楼", delay=5)
    page.wait_for_selector(f"#id_community option[value='{z.community.code}']:checked", state="attached")
    page.locator("#id_content").press_sequentially(
        "我还是3号楼的，楼下下水道堵了，污水冒出来一地，麻烦快点派人来", delay=2
    )
    page.wait_for_selector(f"#dup-list button[value='{first.pk}']")
    shot(page, "operator-intake-duplicate-hint")
    page.click(f"#dup-list button[value='{first.pk}']")
    page.wait_for_selector("#ticket-status")
    assert page.url.endswith(f"/tickets/{first.pk}/")
    filed = Ticket.objects.get(caller_phone="13600004444")
    assert filed.status == Ticket.Status.MERGED


def test_switching_the_city_mode_asks_first_and_a_no_changes_nothing(browse, world, live_server):
    from dispatch.models import CityMode

    z, accounts = world
    page = browse(accounts.supervisor, dialogs=True)
    page.goto(f"{live_server.url}/city-mode/")
    page.check("input[name=mode][value=emergency]")
    page.fill("#id_reason", "暴雨红色预警")
    page.check("#id_confirm")
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.click("#city-mode-form button[type=submit]")
    page.wait_for_timeout(300)
    assert asked == ["确认切换城市运行模式？"]
    assert not CityMode.objects.filter(mode="emergency").exists()

    page.once("dialog", lambda d: answer(d, True))
    page.click("#city-mode-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert asked == ["确认切换城市运行模式？"] * 2
    assert page.locator("#current-mode").inner_text() == "应急"
    assert CityMode.objects.filter(mode="emergency").count() == 1


def photo_files(tmp_path, n: int, prefix: str = "photo") -> list[str]:
    paths = []
    for i in range(n):
        path = tmp_path / f"{prefix}{i}.png"
        buffer = io.BytesIO()
        Image.new("RGB", (64, 48), (40 * i % 255, 160, 90)).save(buffer, format="PNG")
        path.write_bytes(buffer.getvalue())
        paths.append(str(path))
    return paths


def images_loaded(page, selector: str) -> None:
    page.wait_for_function(
        "(sel) => { const imgs = [...document.querySelectorAll(sel)];"
        " return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0); }",
        arg=selector,
    )


def test_grid_worker_reports_a_patrol_finding_both_ways_on_a_phone(browse, world, tmp_path):
    z, accounts = world
    page = browse(accounts.worker, phone=True)
    page.click("nav >> text=巡查上报")
    page.wait_for_selector("#patrol-form")
    assert page.input_value("#id_grid") == z.community_grid.code  # the worker's own grid by default
    assert not page.is_visible("#id_note")  # 处置情况 shows only for 自行处置
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390  # nothing wider than the phone
    shot(page, "worker-patrol-phone")

    # 上报: routed like a call
    page.fill("#id_content", "农大家属院5号楼东侧井盖破损，存在安全隐患")
    page.set_input_files("#id_photos", photo_files(tmp_path, 2, "found"))
    page.click("#patrol-submit")
    page.wait_for_selector("text=巡查上报成功")
    reported = Ticket.objects.get(content__startswith="农大家属院5号楼东侧井盖")
    assert reported.channel == Ticket.Channel.PATROL and reported.created_by == accounts.worker
    assert reported.status != Ticket.Status.RECEIVED  # routed (eager Celery) after commit
    assert page.url.endswith(f"/tickets/{reported.pk}/")
    assert page.locator("#photos-patrol img").count() == 2
    images_loaded(page, "#photos-patrol img")

    # 自行处置: closed on the spot with a photo of the result, on a micro grid below the worker's grid
    page.goto(page.url.split("/tickets/")[0] + "/patrol/")
    page.fill("#id_content", "农大家属院2号楼楼道堆放杂物，堵塞消防通道")
    page.set_input_files("#id_photos", photo_files(tmp_path, 1, "before"))
    page.select_option("#id_grid", z.micro_grid.code)
    page.check("input[name=outcome][value=handled]")
    assert page.is_visible("#id_note")
    page.click("#patrol-submit")  # without what was done: refused with the reason, nothing filed
    page.wait_for_selector("#field-note .errorlist")
    assert Ticket.objects.count() == 1
    page.set_input_files("#id_photos", photo_files(tmp_path, 1, "before"))
    page.fill("#id_note", "已联系住户现场清理杂物，通道已畅通")
    page.set_input_files("#id_after_photos", photo_files(tmp_path, 1, "after"))
    page.click("#patrol-submit")
    page.wait_for_selector("text=已自行处置并办结")
    handled = Ticket.objects.get(content__startswith="农大家属院2号楼楼道")
    assert handled.status == Ticket.Status.CLOSED and handled.grid == z.micro_grid
    assert page.locator("#ticket-status").inner_text() == "已办结"
    assert page.locator("#timeline").inner_text().count("自行处置") == 1
    images_loaded(page, "#photos-before img, #photos-after img")
    shot(page, "worker-patrol-handled-phone")

    # The supervisor counts 发现 2, 自处 1, 上报 1 for the street.
    page = browse(accounts.supervisor)
    page.goto(page.url.split("/dashboard/")[0] + "/dashboard/")
    row = page.locator("#patrol-counts tbody tr", has_text=z.street.name)
    assert row.locator("td").all_inner_texts()[:3] == ["2", "1", "1"]
    page.locator("#patrol-counts").screenshot(path=str(SHOTS / "supervisor-dashboard-patrol.png"))


def test_grid_worker_on_a_phone_taps_a_card_replies_with_two_photos_and_reads_the_count(browse, world, tmp_path):
    z, accounts = world
    ticket = dispatched_ticket(z, accounts)
    page = browse(accounts.worker, phone=True)
    unread = int(page.locator("#unread-count").inner_text())
    assert unread >= 1
    # Filters and the CSV export are folded behind one button on a phone.
    assert not page.is_visible("#filters") and page.is_visible("#filters-label")
    page.click("#filters-label")
    assert page.is_visible("#filters")
    page.click("#filters-label")
    # The whole card opens the ticket, not only its number: a tap on its address opens it.
    box = page.locator("#ticket-table tbody tr .cell-place").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#ticket-status")
    assert page.url.endswith(f"/tickets/{ticket.pk}/")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    site, content = page.locator("#ticket-site").bounding_box(), page.locator("#ticket-main").bounding_box()
    assert site["y"] < content["y"]  # the address first
    assert "农大家属院3号楼" in page.locator("#site-address").inner_text()
    assert page.locator("#navigate").get_attribute("href").startswith("https://uri.amap.com/search?keyword=")
    assert "置信度" not in page.content() and "模型" not in page.locator("#ai-result").inner_text()

    page.click("#action-sign button")
    page.wait_for_selector("text=签收成功")
    page.click("#action-reply summary")
    page.fill("#id_reply-text", "已疏通下水道并清理路面，前后照片附后")
    page.set_input_files("#id_reply-before_photos", photo_files(tmp_path, 2, "before"))
    page.set_input_files("#id_reply-after_photos", photo_files(tmp_path, 1, "after"))
    page.click("#action-reply button[type=submit]")
    page.wait_for_selector("text=答复成功")
    assert page.locator("#photos-before img").count() == 2 and page.locator("#photos-after img").count() == 1
    images_loaded(page, "#photos-before img, #photos-after img")
    shot(page, "worker-reply-photos-phone")

    page.click("nav >> text=消息通知")
    page.wait_for_selector("#notification-table")
    shot(page, "worker-notifications-phone")
    text = page.locator("#notification-table").inner_text()
    assert ticket.number in text and "城乡建设" in text and "文化路街道农大社区" in text
    assert "王五" not in text and "13700001234" not in text
    page.click("text=全部标为已读")
    page.wait_for_load_state("networkidle")
    assert page.locator("#unread-count").count() == 0
