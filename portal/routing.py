"""WebSocket URL routes for every app (each app exposes `websocket_urlpatterns`)."""

from django.urls import path

from .consumers import PingConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
]

try:
    from workshops.routing import websocket_urlpatterns as workshop_routes
except ModuleNotFoundError as exc:  # the workshops app may not define routes yet
    if exc.name != "workshops.routing":
        raise
else:
    websocket_urlpatterns += workshop_routes
