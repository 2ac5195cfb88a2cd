"""Every user-facing string is translated to Simplified Chinese, and the committed .mo matches."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.conftest import require_service

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def parse_po(path: Path) -> list[dict]:
    """A small .po reader: entries with msgid, msgid_plural, msgstr[n] and flags."""
    entries, entry, field = [], None, None

    def unquote(text):
        return text.strip()[1:-1].encode("raw_unicode_escape").decode("unicode_escape")

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgid": "", "msgid_plural": None, "msgstr": {}, "ctx": None}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            field, entry["ctx"] = "ctx", unquote(line[8:])
        elif line.startswith("msgid_plural "):
            field, entry["msgid_plural"] = "msgid_plural", unquote(line[13:])
        elif line.startswith("msgid "):
            field, entry["msgid"] = "msgid", unquote(line[6:])
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            field = ("msgstr", index)
            entry["msgstr"][index] = unquote(line[line.index("]") + 1 :])
        elif line.startswith("msgstr "):
            field = ("msgstr", 0)
            entry["msgstr"][0] = unquote(line[7:])
        elif line.startswith('"'):
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += unquote(line)
            else:
                entry[field] = (entry[field] or "") + unquote(line)
    return [e for e in entries if e["msgid"]]


def test_every_chinese_entry_is_translated_and_not_fuzzy():
    entries = parse_po(PO)
    assert len(entries) > 50
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [], f"untranslated: {untranslated[:10]}"
    assert fuzzy == [], f"fuzzy: {fuzzy[:10]}"


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in parse_po(PO):
        key = entry["msgid"] if entry["ctx"] is None else f"{entry['ctx']}\x04{entry['msgid']}"
        if entry["msgid_plural"] is None:
            assert catalogue.gettext(key) == entry["msgstr"][0], f"stale .mo for {key!r}"
        else:
            assert catalogue.ngettext(key, entry["msgid_plural"], 1) == entry["msgstr"][0]


def test_the_catalogue_covers_every_string_in_the_code(tmp_path):
    """makemessages over the source finds no msgid that the committed .po lacks.

    It runs in a scratch folder that links to the source and holds a copy of ``locale/``:
    makemessages writes to the ``locale`` folder of the directory it runs in, so running it in
    the project would rewrite the committed catalogue (and compare it with itself)."""
    require_service(shutil.which("xgettext") is not None, "GNU gettext (xgettext)")
    base = Path(settings.BASE_DIR)
    for name in ("apps", "salesperf", "templates", "manage.py"):
        (tmp_path / name).symlink_to(base / name)
    work = tmp_path / "locale"
    shutil.copytree(LOCALE, work)
    before = PO.read_bytes()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "zh_Hans",
            "--symlinks",
            "--no-obsolete",
            "--no-location",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={**__import__("os").environ, "SALESPERF_LOCALE_DIR": str(work)},
    )
    assert PO.read_bytes() == before, "makemessages must not touch the committed catalogue"
    fresh = {e["msgid"] for e in parse_po(work / "zh_Hans" / "LC_MESSAGES" / "django.po")}
    committed = {e["msgid"] for e in parse_po(PO)}
    assert len(fresh) > 50
    missing = sorted(fresh - committed)
    assert missing == [], f"strings not in locale/zh_Hans: {missing[:15]}"


@pytest.mark.django_db
def test_pages_render_in_chinese_when_chosen(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert "登录" in page
    with translation.override("zh-hans"):
        assert str(translation.gettext("Sign in")) == "登录"
