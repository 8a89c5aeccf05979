import pytest
from channels.testing import WebsocketCommunicator

from portal.asgi import application


@pytest.mark.django_db(transaction=True)
async def test_ping_through_the_real_routing():
    communicator = WebsocketCommunicator(
        application,
        "/ws/ping/",
        headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")],
    )
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping", "data": "สวัสดี"})
    assert await communicator.receive_json_from() == {
        "type": "pong",
        "authenticated": False,
        "data": "สวัสดี",
    }
    await communicator.send_to(text_data="not json")
    reply = await communicator.receive_json_from()
    assert reply["type"] == "error"
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_cross_origin_websocket_is_refused():
    communicator = WebsocketCommunicator(
        application,
        "/ws/ping/",
        headers=[(b"origin", b"http://evil.example"), (b"host", b"testserver")],
    )
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_token_in_query_string_authenticates():
    from channels.db import database_sync_to_async

    from portal.services import api_token_create, user_ensure

    @database_sync_to_async
    def make_token():
        return api_token_create(user=user_ensure(email="ws@example.com"))

    token = await make_token()
    communicator = WebsocketCommunicator(
        application,
        f"/ws/ping/?token={token}",
        headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")],
    )
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from())["authenticated"] is True
    await communicator.disconnect()
