from ideas.models import Idea, IdeaStatus
from ideas.selectors import idea_list


def test_campaign_gets_agency_from_parent(campaign):
    assert campaign.agency_id is not None
    assert campaign.is_open


def test_create_and_search_thai(campaign, make_idea):
    idea = make_idea(campaign, title="ระบบนัดหมาย", body="อยากให้มีระบบนัดหมายออนไลน์")
    assert idea.agency_id == campaign.agency_id
    assert idea.status == IdeaStatus.SUBMITTED
    assert "นัดหมาย" in idea.search_text.split()
    found = list(idea_list(q="นัดหมาย"))
    assert found == [Idea.objects.get(pk=idea.pk)]
    assert list(idea_list(q="ที่จอดรถ")) == []
