import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from portal.asgi import application
from portal.models import Role
from portal.services import api_token_create
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from workshops.services import workshop_create

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


def make_workshop(**kwargs):
    agency = kwargs.pop("agency", None) or AgencyFactory()
    facilitator = kwargs.pop("facilitator", None)
    if facilitator is None:
        facilitator = UserFactory()
        MembershipFactory(user=facilitator, agency=agency, role=Role.FACILITATOR)
    kwargs.setdefault("title", "ลดเวลารอคอย")
    kwargs.setdefault("challenge", "เราจะลดเวลารอคอยได้อย่างไร")
    workshop = workshop_create(agency=agency, created_by=facilitator, **kwargs)
    return workshop, facilitator


@pytest.fixture
def board(transactional_db):
    """(workshop, facilitator user, facilitator API token)."""

    def make(**kwargs):
        workshop, facilitator = make_workshop(**kwargs)
        return workshop, facilitator, api_token_create(user=facilitator)

    return make


class Client:
    """A WebsocketCommunicator with helpers; `state` is the first state message."""

    def __init__(self, communicator):
        self.ws = communicator
        self.state = None
        self.counter = 0
        self.others = []

    async def send(self, message):
        await self.ws.send_json_to(message)

    async def recv_raw(self, timeout=30):
        return await self.ws.receive_json_from(timeout=timeout)

    async def recv(self, timeout=30):
        """Next message that is not a presence update."""
        while True:
            message = await self.recv_raw(timeout)
            if message["type"] != "presence":
                return message

    async def recv_type(self, kind, timeout=30):
        """Next message of that type, skipping presence updates."""
        while True:
            message = await self.recv_raw(timeout)
            if message["type"] == kind:
                return message
            if message["type"] not in ("presence",):
                raise AssertionError(f"expected {kind}, got {message}")

    async def _reply(self, op, fields, kind, timeout=30):
        """Send an op and return the event/error that echoes its client_id (other events that
        arrive meanwhile are kept in `self.others`)."""
        self.counter += 1
        fields.setdefault("client_id", f"c{id(self)}-{self.counter}")
        await self.send({"type": op, **fields})
        while True:
            message = await self.recv(timeout)
            if message.get("client_id") == fields["client_id"]:
                assert message["type"] == kind, message
                return message
            self.others.append(message)

    async def op(self, op, timeout=30, **fields):
        return await self._reply(op, fields, "event", timeout)

    async def error(self, op, **fields):
        return await self._reply(op, fields, "error")

    async def nothing(self):
        """No event, state or error pending (presence updates are ignored)."""
        while not await self.ws.receive_nothing(timeout=0.2, interval=0.02):
            message = await self.recv_raw()
            assert message["type"] == "presence", message

    async def close(self):
        await self.ws.disconnect()


async def connect(
    code, *, name=None, token=None, participant_token=None, join=True, address="192.0.2.1"
):
    path = f"/ws/workshops/{code}/"
    if token:
        path += f"?token={token}"
    communicator = WebsocketCommunicator(application, path, headers=HEADERS)
    communicator.scope["client"] = (address, 50000)  # read when the application starts
    connected, _ = await communicator.connect()
    assert connected
    client = Client(communicator)
    if token:
        client.state = await client.recv_type("state")
    elif join:
        message = {"type": "join", "display_name": name or "ผู้ร่วม"}
        if participant_token:
            message["token"] = participant_token
        await client.send(message)
        client.state = await client.recv_type("state")
    return client


@database_sync_to_async
def db(fn, *args, **kwargs):
    return fn(*args, **kwargs)


@database_sync_to_async
def user_token(**user_kwargs):
    return api_token_create(user=UserFactory(**user_kwargs))


@pytest.fixture(autouse=True)
def _quick_presence(monkeypatch):
    from workshops import consumers

    monkeypatch.setattr(consumers, "PRESENCE_INTERVAL", 0.05)
    monkeypatch.setattr(consumers, "_warmed", True)  # no background DB thread in tests


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """channels_redis keeps asyncio locks per layer instance; each test has its own event loop."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _close_board_connection():
    """The board's database thread keeps its PostgreSQL connection while a hub lives; a test
    that ends with connections open must not leave it behind (DROP DATABASE at the end)."""
    yield
    from asgiref.sync import SyncToAsync

    from workshops.db import _close_all

    SyncToAsync.single_thread_executor.submit(_close_all).result(timeout=30)
