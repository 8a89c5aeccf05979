"""WebSocket auth: the session cookie (AuthMiddlewareStack) or an API token in `?token=`."""

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware


@database_sync_to_async
def _user_for_token(raw_key: str):
    from .api_auth import user_for_token

    return user_for_token(raw_key)


class QueryTokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        token = (query.get("token") or [""])[0]
        if token:
            user = await _user_for_token(token)
            scope = dict(scope)
            if user is not None:
                scope["user"] = user
            else:
                scope["token_invalid"] = True
        return await super().__call__(scope, receive, send)


def TokenAuthMiddlewareStack(inner):  # noqa: N802 (mirrors Channels' naming)
    return AuthMiddlewareStack(QueryTokenAuthMiddleware(inner))
