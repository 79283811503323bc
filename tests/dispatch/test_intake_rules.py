"""The filing rules, at their one place (dispatch/services/intake.py), and that the API and the intake
form both follow them rather than rules of their own."""

import pytest
from django.core.exceptions import PermissionDenied

from common.errors import ApplicationError
from dispatch import services
from dispatch.models import Ticket
from dispatch.pages.forms import IntakeForm
from dispatch.services.intake import FILERS, Place, normalise_phone, place_check, place_trim, require_category
from governance import roles
from tests.dispatch.conftest import CONTENT
from tests.dispatch.test_api import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("(0371) 12345678", "037112345678"),
        ("（0371）12345678", "037112345678"),
        ("0371-12345678", "0371-12345678"),
        ("", ""),
    ],
)
def test_normalise_phone_accepts_what_a_caller_reads_out(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "1381234567a", "+1 415 555 0100", "23812345678"])
def test_normalise_phone_rejects_what_is_not_a_number_naming_the_field(typed):
    with pytest.raises(ApplicationError) as err:
        normalise_phone(typed, field="phone")

    assert err.value.extra == {"field": "phone"}


@pytest.mark.parametrize("typed", ["138 1234 5678", "+86 138 1234 5678"])
def test_the_api_and_the_form_accept_what_the_service_accepts(world, predict, typed):
    response = client_for(world.operator).post(
        "/api/tickets/", {"content": CONTENT, "caller_phone": typed}, format="json"
    )
    form = IntakeForm(
        {"caller_phone": typed, "content": CONTENT, "channel": "phone", "type": "complaint", "urgency": "normal"}
    )

    assert response.status_code == 201, response.data
    assert Ticket.objects.get().caller_phone == "13812345678"
    assert form.is_valid(), form.errors
    assert form.cleaned_data["caller_phone"] == "13812345678"


def test_the_api_and_the_form_reject_a_bad_phone_with_the_same_message(world):
    response = client_for(world.operator).post(
        "/api/tickets/", {"content": CONTENT, "caller_phone": "12345"}, format="json"
    )
    form = IntakeForm(
        {"caller_phone": "12345", "content": CONTENT, "channel": "phone", "type": "complaint", "urgency": "normal"}
    )

    assert response.status_code == 400
    assert not form.is_valid()
    assert response.data["caller_phone"] == form.errors["caller_phone"]


def test_place_check_fills_parents_from_the_community(world):
    s = world.small

    assert place_check(community=s.community.code) == Place(s.district, s.street, s.community, None)


@pytest.mark.parametrize(
    "place, field",
    [
        ({"district": "zhongmou", "street": "street"}, "street"),
        ({"street": "zhongmou_street", "community": "community"}, "community"),
        ({"community": "community", "grid": "zhongmou_grid"}, "grid"),
    ],
)
def test_place_check_refuses_a_level_outside_the_one_above(world, place, field):
    s = world.small
    given = {key: getattr(s, name) for key, name in place.items()}

    with pytest.raises(ApplicationError) as err:
        place_check(**given)

    assert err.value.extra == {"field": field}


def test_a_grid_outside_the_community_is_refused_by_the_api_too(world):
    """The form refused it and the service did not: now the service does, so the API refuses it as well."""
    s = world.small
    response = client_for(world.operator).post(
        "/api/tickets/",
        {"content": CONTENT, "community": s.community.code, "grid": s.zhongmou_grid.code},
        format="json",
    )

    assert response.status_code == 400
    assert response.data == {"grid": ["所选网格不属于所选社区"]}
    assert not Ticket.objects.exists()


def test_place_trim_drops_an_inconsistent_level_and_everything_below(world):
    s = world.small

    kept = place_trim(district=s.zhongmou, street=s.street, community=s.community, grid=s.community_grid)

    assert kept == Place(s.zhongmou, None, None, None)
    assert place_trim(district=s.district, street=s.street, community=s.community, grid=s.zhongmou_grid) == Place(
        s.district, s.street, s.community, None
    )


def test_require_category_in_the_service(world):
    assert require_category("城乡建设") == "城乡建设"
    assert require_category("") == ""
    with pytest.raises(ApplicationError) as err:
        services.ticket_create(by=world.operator, content=CONTENT, category_code="不存在的类别")

    assert err.value.extra == {"field": "category_code"}
    assert not Ticket.objects.exists()


def test_the_intake_page_admits_exactly_the_roles_that_may_file(world, client):
    assert set(FILERS) == {roles.OPERATOR, roles.DISPATCHER, roles.ADMIN}
    for user in (world.operator, world.dispatcher, world.admin):
        client.force_login(user)
        assert client.get("/intake/").status_code == 200
    for user in (world.staff, world.supervisor):
        client.force_login(user)
        assert client.get("/intake/").status_code == 403
        with pytest.raises(PermissionDenied):
            services.ticket_create(by=user, content=CONTENT)


def test_filing_into_an_open_ticket_records_the_caller_on_the_survivor(world, dispatched):
    merged = services.ticket_create_merged(
        by=world.operator, into=dispatched, content=CONTENT, caller_name="李四", caller_phone="13900001111"
    )

    assert (merged.status, merged.merged_into_id) == (Ticket.Status.MERGED, dispatched.pk)
    assert list(dispatched.extra_callers.values_list("name", "phone")) == [("李四", "13900001111")]


def test_filing_into_a_closed_ticket_writes_nothing(world, file_ticket):
    closed = services.ticket_create(
        by=world.operator, content=CONTENT, close_at_intake=True, answer="已当场答复市民", category_code="城乡建设"
    )
    before = Ticket.objects.count()

    with pytest.raises(ApplicationError):
        services.ticket_create_merged(by=world.operator, into=closed, content=CONTENT, caller_phone="13900001111")

    assert Ticket.objects.count() == before
    assert not closed.extra_callers.exists()


def test_moves_check_the_category_in_the_service_and_change_nothing(world):
    ticket = services.ticket_create(by=world.operator, content=CONTENT, community=world.small.community)
    ticket.refresh_from_db()
    before = (ticket.status, ticket.version, ticket.category_code, ticket.lead_department_id)

    with pytest.raises(ApplicationError) as raised:
        services.ticket_dispatch(
            ticket=ticket, by=world.dispatcher, department=world.zhujian, category_code="不存在的类别"
        )

    assert raised.value.extra == {"field": "category_code"}
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version, ticket.category_code, ticket.lead_department_id) == before


def test_every_close_at_intake_has_a_category_and_without_one_nothing_is_written(world):
    with pytest.raises(ApplicationError) as err:
        services.ticket_create(by=world.operator, content=CONTENT, close_at_intake=True, answer="已当场答复市民")

    assert err.value.extra == {"field": "category_code"}
    assert Ticket.objects.count() == 0


def test_closing_a_filed_ticket_at_intake_sets_its_category_or_keeps_its_own(world):
    filed = services.ticket_create(by=world.operator, content=CONTENT)
    with pytest.raises(ApplicationError) as err:
        services.ticket_close_at_intake(ticket=filed, by=world.operator, answer="已当场答复市民")
    assert err.value.extra == {"field": "category_code"}
    filed.refresh_from_db()
    assert filed.status == Ticket.Status.RECEIVED

    closed = services.ticket_close_at_intake(
        ticket=filed, by=world.operator, answer="已当场答复市民", category_code="城乡建设"
    )

    assert (closed.status, closed.category_code, closed.category_confirmed) == (
        Ticket.Status.CLOSED_AT_INTAKE,
        "城乡建设",
        True,
    )
