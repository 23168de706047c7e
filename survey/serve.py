"""The production server: gunicorn with threaded workers, the app loaded once before forking."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from .extensions import db


class _Server(BaseApplication):
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # newer settings are skipped on older gunicorn
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def run(app: Flask, host: str, port: int, workers: int | None, threads: int) -> None:
    """Serve the app until stopped (SIGTERM finishes requests in flight)."""
    with app.app_context():
        db.engine.dispose()
    options = {
        "bind": f"{host}:{port}",
        "workers": workers or os.cpu_count() or 2,
        "threads": threads,
        "worker_class": "gthread",
        "graceful_timeout": 30,
        "timeout": 60,
        # No access log: it would hold visitors' IP addresses and user agents.
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        # The control socket would sit at one path per user, so two instances would clash.
        "control_socket_disable": True,
    }
    _Server(app, options).run()
