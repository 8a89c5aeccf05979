"""Two real ASGI server processes (daphne) on channels_redis serve one workshop.

Runs only with REDIS_URL set and a database that other processes can open (PostgreSQL, or an
SQLite file): CI runs it on PostgreSQL + Redis.
"""

import asyncio
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

from tests import servers
from workshops.ws_client import WSClient

from .conftest import make_workshop

ROOT = Path(__file__).resolve().parents[2]


def _wait_until_listening(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"server on port {port} did not start")


async def _join(port, code, name, token=None):
    client = await WSClient.connect("127.0.0.1", port, f"/ws/workshops/{code}/")
    message = {"type": "join", "display_name": name}
    if token:
        message["token"] = token
    await client.send_json(message)
    while True:
        state = await client.recv_json(timeout=90)
        if state["type"] == "state":
            return client, state


async def _next_event(client, timeout=90):
    while True:
        message = await client.recv_json(timeout=timeout)
        if message["type"] == "event":
            return message


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (channels_redis)")
@pytest.mark.django_db(transaction=True)
def test_two_server_processes_share_events_and_survive_a_restart(tmp_path):
    database_url = servers.database_url(connection.settings_dict)
    if database_url is None:
        pytest.skip("the test database is SQLite in memory; other processes cannot open it")
    workshop, _ = make_workshop()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": str(ROOT),
        "DB_POOL": "1",  # production's connection pool (tests.settings turns it off in-process)
    }
    ports = [servers.free_port(), servers.free_port()]
    log = open(tmp_path / "servers.log", "w+b")  # noqa: SIM115 (closed in finally)
    processes = [servers.start_daphne(port, env=env, log=log) for port in ports]
    try:
        for port, server in zip(ports, processes, strict=True):
            _wait_until_listening(port, server)

        async def scenario():
            alice, alice_state = await _join(ports[0], workshop.code, "อลิซ")
            bob, _ = await _join(ports[1], workshop.code, "บ็อบ")
            await alice.send_json({"type": "note.add", "text": "จากเซิร์ฟเวอร์ 1"})
            seen_by_bob = await _next_event(bob)
            assert seen_by_bob["seq"] == 1 and seen_by_bob["data"]["text"] == "จากเซิร์ฟเวอร์ 1"
            assert (await _next_event(alice))["seq"] == 1
            await bob.send_json({"type": "note.add", "text": "จากเซิร์ฟเวอร์ 2"})
            seen_by_alice = await _next_event(alice)
            assert seen_by_alice["seq"] == 2 and seen_by_alice["actor"]["display_name"] == "บ็อบ"
            await alice.close()
            await bob.close()
            return alice_state["me"]["token"]

        token = asyncio.run(scenario())

        # Restart server 1; meanwhile Bob keeps working on server 2.
        processes[0].terminate()
        processes[0].wait(timeout=90)

        async def reconnect_bob():
            client, _ = await _join(ports[1], workshop.code, "บ็อบ")
            await client.send_json({"type": "note.add", "text": "ระหว่างเซิร์ฟเวอร์ 1 ดับ"})
            event = await _next_event(client)
            await client.close()
            return event

        missed = asyncio.run(reconnect_bob())
        assert missed["seq"] == 3
        processes[0] = servers.start_daphne(ports[0], env=env, log=log)
        _wait_until_listening(ports[0], processes[0])

        async def resume():
            alice, state = await _join(ports[0], workshop.code, "อลิซ", token=token)
            assert state["seq"] == 3 and len(state["notes"]) == 3
            await alice.send_json({"type": "resume", "since": 1})
            replayed = [await _next_event(alice), await _next_event(alice)]
            await alice.close()
            return state, replayed

        state, replayed = asyncio.run(resume())
        assert [e["seq"] for e in replayed] == [2, 3]
        assert replayed[1]["data"]["text"] == "ระหว่างเซิร์ฟเวอร์ 1 ดับ"
    except BaseException:
        log.flush()
        log.seek(0)
        print("server output:\n", log.read().decode(errors="replace")[-4000:])
        raise
    finally:
        for server in processes:
            if server.poll() is None:
                server.terminate()
                try:
                    server.wait(timeout=90)
                except subprocess.TimeoutExpired:
                    server.kill()
        log.close()
