"""WebSocket URL routes for every app (each app exposes `websocket_urlpatterns`)."""

from django.urls import path

from workshops.routing import websocket_urlpatterns as workshop_routes

from .consumers import PingConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    *workshop_routes,
]
