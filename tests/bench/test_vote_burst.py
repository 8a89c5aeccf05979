"""A concurrent vote burst against the live ASGI app (uvicorn + bench settings) on PostgreSQL:
every acknowledged vote is stored once, repeats add nothing, counters equal the rows."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.db import connection
from django.db.models import Count

from ideas.models import Idea, Vote
from ideas.services import idea_create
from portal.services import api_token_create
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (a second process)"
    ),
    pytest.mark.slow,
]

ROOT = Path(__file__).resolve().parents[2]
PORT = 8118
CLIENTS, IDEAS = 12, 4


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def asgi_server(transactional_db):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=_database_url(),
        DEBUG="0",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="ERROR",
        DB_POOL="1",  # production's connection pool (tests.settings turns it off in-process)
    )
    cmd = [sys.executable, "-m", "uvicorn", "portal.asgi:application", "--host", "127.0.0.1"]
    cmd += ["--port", str(PORT), "--workers", "2", "--no-access-log", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{PORT}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, "server exited"
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.5)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)


@pytest.mark.django_db(transaction=True)
def test_vote_burst_loses_nothing(demo_campaigns, asgi_server):
    campaign = demo_campaigns[0]
    author = UserFactory()
    ideas = [
        idea_create(
            campaign=campaign,
            author=author,
            title=f"ข้อเสนอทดสอบโหลด {n}",
            body="อยากให้มีระบบนัดหมายออนไลน์ จะได้ไม่ต้องรอนาน",
            consent=True,
        ).pk
        for n in range(IDEAS)
    ]
    tokens = [api_token_create(user=UserFactory()) for _ in range(CLIENTS)]

    async def burst():
        acknowledged = set()
        async with httpx.AsyncClient(base_url=asgi_server, timeout=60) as client:

            async def voter(i, token):
                headers = {"Authorization": f"Bearer {token}"}
                for idea_id in [*ideas, ideas[i % IDEAS]]:  # one repeat per client
                    r = await client.post(f"/api/v1/ideas/{idea_id}/vote", headers=headers)
                    assert r.status_code == 200, r.text
                    assert r.json()["voted"] is True
                    acknowledged.add((i, idea_id))

            await asyncio.gather(*(voter(i, t) for i, t in enumerate(tokens)))
        return acknowledged

    acknowledged = asyncio.run(burst())
    assert len(acknowledged) == CLIENTS * IDEAS
    assert Vote.objects.filter(idea_id__in=ideas).count() == CLIENTS * IDEAS
    for idea in Idea.objects.filter(pk__in=ideas).annotate(rows=Count("votes")):
        assert idea.vote_count == idea.rows == CLIENTS
