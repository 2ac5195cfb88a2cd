"""Start the whole application: web server, Celery worker and Celery beat, stopped together."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.accounts.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Run web, worker and scheduler together (Ctrl-C stops all three)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument(
            "--web",
            choices=["runserver", "gunicorn"],
            default="runserver",
            help="web server (default: Django's development server)",
        )

    def processes(self, host, port, web):
        python = sys.executable
        manage = [python, "manage.py"]
        if web == "gunicorn":
            web_cmd = [
                os.path.join(os.path.dirname(python), "gunicorn"),
                "salesperf.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                "2",
            ]
        else:
            web_cmd = [*manage, "runserver", f"{host}:{port}", "--noreload"]
        celery = [python, "-m", "celery", "-A", "salesperf"]
        return {
            "web": web_cmd,
            "worker": [*celery, "worker", "--loglevel", "INFO", "--pool", "solo"],
            "beat": [
                *celery,
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(settings.VAR_DIR / "celerybeat-schedule"),
            ],
        }

    def handle(self, *args, host, port, web, **options):
        children: dict[str, subprocess.Popen] = {}
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for name, cmd in self.processes(host, port, web).items():
            children[name] = subprocess.Popen(cmd, env=env, start_new_session=True)
            self.stdout.write(f"started {name} (pid {children[name].pid})")

        self.stdout.write(
            self.style.SUCCESS(
                f"\nSalesPerf is running at http://{host}:{port}/  (Ctrl-C stops web, "
                "worker and scheduler)\n"
                f"Demo logins (password {DEMO_PASSWORD}): admin, hr, manager1..manager3, "
                "rep01..rep21\n"
                f"API docs: http://{host}:{port}/api/docs/   Health: http://{host}:{port}/healthz\n"
            )
        )
        exit_code = 0
        try:
            while not stopping:
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(f"{name} exited with {child.returncode}; stopping all.")
                        exit_code = child.returncode or 1
                        stopping = True
                        break
                time.sleep(0.5)
        finally:
            for child in children.values():
                if child.poll() is None:
                    os.killpg(child.pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children.values():
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
            self.stdout.write("SalesPerf stopped.")
        if exit_code:
            raise SystemExit(exit_code)
