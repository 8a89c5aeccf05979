import pytest

from tests.factories import AgencyFactory
from workshops.models import Cluster, Note

from .conftest import connect, db

pytestmark = pytest.mark.django_db(transaction=True)


def _campaign(agency):
    from cms.services import agency_page_ensure, home_page_ensure
    from ideas.models import IdeaCampaignPage

    home_page_ensure()
    parent = agency_page_ensure(agency=agency)
    page = IdeaCampaignPage(
        title="ลดเวลารอคอย", slug=f"wait-{agency.slug}", question="อยากให้ปรับปรุงอย่างไร"
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


async def test_promote_note_and_cluster_to_ideas(board):
    from ideas.models import Idea

    workshop, _, fac_token = await db(board)
    campaign = await db(_campaign, workshop.agency)
    other_campaign = await db(_campaign, await db(AgencyFactory))
    fac = await connect(workshop.code, token=fac_token)
    citizen = await connect(workshop.code, name="ประชาชน")
    note = (await citizen.op("note.add", text="ส่ง SMS แจ้งเมื่อใกล้ถึงคิว"))["data"]["id"]
    cluster = (await fac.op("cluster.create", title="การแจ้งเตือนคิว"))["data"]["id"]
    await citizen.op("cluster.assign", note_id=note, cluster_id=cluster)

    denied = await citizen.error("promote", note_id=note, campaign=campaign.pk)
    assert denied["code"] == "forbidden"
    wrong_agency = await fac.error("promote", note_id=note, campaign=other_campaign.pk)
    assert wrong_agency["code"] == "forbidden"
    assert (await fac.error("promote", campaign=campaign.pk))["code"] == "invalid"

    promoted = await fac.op("promote", timeout=180, note_id=note, campaign=campaign.pk)
    idea = await db(Idea.objects.get, pk=promoted["data"]["idea_id"])
    assert idea.origin == "workshop" and idea.campaign_id == campaign.pk
    assert "ส่ง SMS แจ้งเมื่อใกล้ถึงคิว" in idea.body and workshop.code in idea.body
    assert (await db(Note.objects.get, pk=note)).promoted_idea_id == idea.pk
    assert (await citizen.recv_type("event"))["op"] == "promote"
    again = await fac.error("promote", note_id=note, campaign=campaign.pk)
    assert again["code"] == "invalid"

    from_cluster = await fac.op("promote", timeout=180, cluster_id=cluster, campaign=campaign.pk)
    cluster_idea = await db(Idea.objects.get, pk=from_cluster["data"]["idea_id"])
    assert cluster_idea.title == "การแจ้งเตือนคิว"
    assert "- ส่ง SMS แจ้งเมื่อใกล้ถึงคิว" in cluster_idea.body
    assert (await db(Cluster.objects.get, pk=cluster)).promoted_idea_id == cluster_idea.pk
    await fac.close()
    await citizen.close()
