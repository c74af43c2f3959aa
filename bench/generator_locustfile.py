"""The leanest locust user: one GET, no think time (generator-efficiency benchmark only)."""

from locust import task
from locust.contrib.fasthttp import FastHttpUser


class Hammer(FastHttpUser):
    @task
    def hit(self) -> None:
        self.client.get("/")
