from channels.generic.websocket import AsyncJsonWebsocketConsumer


class PingConsumer(AsyncJsonWebsocketConsumer):
    """Connectivity check: answers `{"type": "ping"}` with `{"type": "pong"}`."""

    channel_layer_alias = None  # it only answers its own client

    async def connect(self):
        await self.accept()

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            user = self.scope.get("user")
            await self.send_json(
                {
                    "type": "pong",
                    "authenticated": bool(user and user.is_authenticated),
                    "data": content.get("data"),
                }
            )
        else:
            await self.send_json(
                {"type": "error", "code": "invalid", "detail": "unknown message type"}
            )

    async def decode_json(self, text_data):
        import json

        try:
            return json.loads(text_data)
        except ValueError:
            return None
