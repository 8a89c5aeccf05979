"""Origin check for WebSockets whose refusal opens no channel-layer channel.

Channels' `AllowedHostsOriginValidator` refuses with a `WebsocketDenier`, an ordinary consumer:
with a channel layer configured it opens a channel and starts a channels_redis receive for a
connection it has just refused, and that receive must then be cancelled when the client goes.
"""

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.security.websocket import OriginValidator
from django.conf import settings


class WebsocketRefusal(AsyncWebsocketConsumer):
    channel_layer_alias = None  # no channel: nothing will ever be sent to a refused connection

    async def connect(self):
        await self.close()


class AllowedHostsOriginRefusal(OriginValidator):
    """Like Channels' AllowedHostsOriginValidator (origins = ALLOWED_HOSTS, or any in DEBUG)."""

    def __init__(self, application):
        allowed_hosts = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed_hosts:
            allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
        super().__init__(application, allowed_hosts)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not self.valid_origin(_origin(scope)):
            return await WebsocketRefusal()(scope, receive, send)
        return await super().__call__(scope, receive, send)


def _origin(scope):
    from urllib.parse import urlparse

    for name, value in scope.get("headers", []):
        if name == b"origin":
            try:
                return urlparse(value.decode("latin1"))
            except UnicodeDecodeError:
                return None
    return None
