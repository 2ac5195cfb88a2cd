"""A walk over the demo company as every demo role, in both languages: no page, no form answers 5xx.

The demo company (``load_demo``) is loaded once for the module, inside a transaction that is rolled
back when the module ends. For each role and language the walk follows the links from ``/``
(breadth first, same origin, at most ``PER_SHAPE`` URLs per shape — digits read as ``N`` — so the
first rows of every list, their detail and edit pages and their action pages are reached). Every
``<form method="post">`` found on the way is re-posted with its own initial values (CSRF token,
selected options, checked boxes), except logout, the language switch and destructive actions.
A form may refuse its own initial values (4xx or a form error), but nothing may answer 5xx.
Every request runs in a savepoint that is rolled back, so the walk stays deterministic.

``pytest tests/core/test_demo_walk.py -s`` prints how many pages and forms were walked.
"""

import io
import re
import traceback
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from apps.accounts.models import User

ROLES = ("rep01", "manager1", "hr", "admin")
LANGUAGES = ("en", "zh-hans")
PER_SHAPE = 2
MAX_PAGES = 600  # per role and language; the demo needs far fewer (asserted below)

# Never followed: leaving the session, the admin site, the API, static files and downloads.
SKIP_LINK = re.compile(
    r"/logout/|^/static/|^/media/|^/admin/|^/api/|^/i18n/|^/jsi18n/|^/healthz"
    r"|\.(csv|xlsx|pdf)(\?|$)|/export"
)
# Never re-posted: leaving the session, switching language, destructive actions.
SKIP_POST = re.compile(r"/logout/|/i18n/|/delete/|/reverse/")


class PageParser(HTMLParser):
    """Collects the links and the post forms (with the values a browser would submit)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {
                "method": attrs.get("method", "get").lower(),
                "action": attrs.get("action", ""),
                "fields": [],
                "submit": None,
            }
            self.forms.append(self._form)
        elif self._form is None or "disabled" in attrs:
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "button":
            kind = attrs.get("type", "submit").lower()
            if kind == "submit" and attrs.get("name") and self._form["submit"] is None:
                self._form["submit"] = (attrs["name"], attrs.get("value", ""))
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "selected": "selected" in attrs,
                "text": "",
            }
            self._select["options"].append(self._option)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = {"name": attrs["name"], "text": ""}

    def _input(self, attrs):
        name = attrs.get("name")
        kind = attrs.get("type", "text").lower()
        if not name or kind in {"file", "reset", "button", "image"}:
            return
        if kind == "submit":
            if self._form["submit"] is None:
                self._form["submit"] = (name, attrs.get("value", ""))
        elif kind in {"checkbox", "radio"}:
            if "checked" in attrs:
                self._form["fields"].append((name, attrs.get("value", "on")))
        else:
            self._form["fields"].append((name, attrs.get("value", "")))

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        elif self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [option for option in options if option["selected"]]
            if not chosen and options and not self._select["multiple"]:
                chosen = options[:1]
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                self._form["fields"].append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            self._form["fields"].append((self._textarea["name"], text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def shape(url: str) -> str:
    """Pages that differ only in numbers or in the column a list is sorted by share a shape."""
    return re.sub(r"ordering=-?[\w.]+", "ordering=X", re.sub(r"\d+", "N", url))


def local(base: str, href: str) -> str | None:
    """The same-origin path (with query) ``href`` points to from ``base``, or None."""
    parts = urlsplit(urljoin("http://testserver" + base, href.strip()))
    if parts.scheme not in {"http", "https"} or parts.netloc != "testserver":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def as_post_data(fields: list[tuple[str, str]]) -> dict:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def cause(response) -> str:
    """The exception behind a 5xx, with the innermost frame of our code."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return ""
    frames = [f for f in traceback.extract_tb(exc_info[2]) if "/apps/" in f.filename]
    where = f" at {frames[-1].filename.split('/apps/')[-1]}:{frames[-1].lineno}" if frames else ""
    return f" [{exc_info[0].__name__}: {str(exc_info[1])[:200]}{where}]"


@pytest.fixture(scope="module")
def demo_company(django_db_setup, django_db_blocker):
    """The demo company, loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            call_command("load_demo", seed=2026, stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)


def walk(username: str, language: str) -> tuple[int, int, Counter, list[str]]:
    """Walk as ``username`` in ``language``: pages, forms re-posted, answers by status, failures."""
    client = Client(
        enforce_csrf_checks=True, raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language
    )
    client.force_login(User.objects.get(username=username))
    failures: list[str] = []
    queue, seen, per_shape, posted = deque(["/"]), set(), {}, {}
    forms, statuses = 0, Counter()

    def request(method, url, data=None):
        with transaction.atomic():
            response = client.get(url) if method == "GET" else client.post(url, data)
            transaction.set_rollback(True)
        statuses[f"{method} {response.status_code}"] += 1
        if response.status_code >= 500:
            failures.append(
                f"{username} {language} {method} {url} -> {response.status_code}{cause(response)}"
            )
        elif response.status_code == 403 and b"CSRF" in response.content:
            # The walk itself is broken: the form was not re-posted as a browser would.
            failures.append(f"{username} {language} {method} {url} -> 403 CSRF failure")
        return response

    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or SKIP_LINK.search(url):
            continue
        if per_shape.get(shape(url), 0) >= PER_SHAPE:
            continue
        per_shape[shape(url)] = per_shape.get(shape(url), 0) + 1
        seen.add(url)
        response = request("GET", url)
        if response.status_code in {301, 302, 303, 307, 308}:
            target = local(url, response["Location"])
            if target and target not in seen:
                queue.append(target)
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode(errors="replace")
        if url == "/":
            assert f'<html lang="{language}">' in html, f"{username}: / is not in {language}"
        parser = PageParser()
        parser.feed(html)
        for href in parser.links:
            target = local(url, href)
            if target and target not in seen:
                queue.append(target)
        for form in parser.forms:
            if form["method"] != "post":
                continue
            action = local(url, form["action"]) if form["action"] else url
            if action is None or SKIP_POST.search(action):
                continue
            key = (shape(action), tuple(sorted({name for name, _ in form["fields"]})))
            if posted.get(key, 0) >= PER_SHAPE:
                continue
            posted[key] = posted.get(key, 0) + 1
            fields = list(form["fields"])
            if form["submit"]:
                fields.append(form["submit"])
            request("POST", action, as_post_data(fields))
            forms += 1
    assert len(seen) < MAX_PAGES, f"{username} {language}: the walk hit its cap of {MAX_PAGES}"
    return len(seen), forms, statuses, failures


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("username", ROLES)
def test_demo_walk_answers_no_5xx(demo_company, username, language):
    pages, forms, statuses, failures = walk(username, language)
    answers = ", ".join(f"{key}: {count}" for key, count in sorted(statuses.items()))
    print(f"\n{username} {language}: {pages} pages walked, {forms} forms re-posted ({answers})")
    assert pages > 10, f"{username} {language}: the walk reached only {pages} pages"
    assert not failures, f"{len(failures)} failing requests:\n" + "\n".join(failures)
