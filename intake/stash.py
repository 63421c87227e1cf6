"""Uploaded files waiting, on the server, between an import's preview and its confirmation."""

import hashlib
import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings

from intake.importer.articles import Parsed, Rejected
from intake.importer.files import read_file
from intake.importer.formats import parse_bytes
from sources.models import Outlet


class ImportStash:
    """Uploaded files waiting between the preview and the confirmation, on the server.

    Each upload gets a directory under settings.IMPORT_STASH_DIR named by a
    random token (secrets.token_urlsafe, 32 bytes). The files are stored under
    generated names (0.bin, 1.bin…), never their uploaded names; meta.json
    records the user, a hash of the session key, the time, the original names,
    the format and the outlet. Only the same user in the same session can open
    it, for settings.IMPORT_STASH_MAX_AGE seconds; it is deleted on confirm or
    cancel, and expired stashes are swept at every new upload. Files are
    parsed again from the stash at confirmation (parsing is deterministic),
    and each previewed article's content hash must match.
    """

    TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")

    def __init__(self, token, folder, meta, outlet=None):
        self.token = token
        self.folder = folder
        self.meta = meta
        self.outlet = outlet

    @property
    def names(self):
        return [entry["name"] for entry in self.meta["files"]]

    @staticmethod
    def _session_hash(request):
        key = request.session.session_key or ""
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def root(cls):
        return Path(settings.IMPORT_STASH_DIR)

    @classmethod
    def sweep(cls):
        """Delete stashes older than IMPORT_STASH_MAX_AGE."""
        root = cls.root()
        if not root.is_dir():
            return
        cutoff = time.time() - settings.IMPORT_STASH_MAX_AGE
        for folder in root.iterdir():
            if cls.TOKEN_RE.match(folder.name) and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)

    @classmethod
    def create(cls, request, uploads, fmt, outlet):
        cls.sweep()
        if not request.session.session_key:
            request.session.save()
        token = secrets.token_urlsafe(32)
        folder = cls.root() / token
        folder.mkdir(parents=True, mode=0o700)
        names, files = set(), []
        for index, upload in enumerate(uploads):
            name = unique_name(display_name(upload.name), names)
            stored = f"{index}.bin"
            with open(folder / stored, "wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            os.chmod(folder / stored, 0o600)
            files.append({"name": name, "stored": stored, "size": upload.size})
        meta = {
            "user": request.user.pk,
            "session": cls._session_hash(request),
            "created": time.time(),
            "format": fmt,
            "outlet": outlet.pk if outlet else None,
            "files": files,
        }
        (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        return cls(token, folder, meta, outlet)

    @classmethod
    def load(cls, request, token):
        """The stash `token` if it belongs to this user and session and is fresh, else None."""
        if not cls.TOKEN_RE.match(token or ""):
            return None
        folder = cls.root() / token
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        fresh = time.time() - meta.get("created", 0) <= settings.IMPORT_STASH_MAX_AGE
        mine = meta.get("user") == request.user.pk and secrets.compare_digest(
            meta.get("session", ""), cls._session_hash(request)
        )
        if not (fresh and mine):
            return None
        outlet = Outlet.objects.filter(pk=meta["outlet"]).first() if meta.get("outlet") else None
        return cls(token, folder, meta, outlet)

    def parse(self):
        items = []
        for entry in self.meta["files"]:
            try:
                data = read_file(self.folder / entry["stored"])
            except Rejected as exc:
                items.append(Parsed(entry["name"], entry["name"], error=str(exc)))
                continue
            items.extend(
                parse_bytes(
                    data, entry["name"], fmt=self.meta["format"], encoding=entry.get("encoding")
                )
            )
        return items

    def set_encoding(self, file, encoding):
        """Read the file named `file` with `encoding` from now on; False if there is none."""
        for entry in self.meta["files"]:
            if entry["name"] == file:
                entry["encoding"] = encoding
                (self.folder / "meta.json").write_text(json.dumps(self.meta), encoding="utf-8")
                return True
        return False

    def delete(self):
        shutil.rmtree(self.folder, ignore_errors=True)


def display_name(name):
    """An uploaded file's name for display and labels: no folders, no control characters."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable())[:200]
    return name or "upload"


def unique_name(name, taken):
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name} ({n})"
        n += 1
    taken.add(candidate)
    return candidate
