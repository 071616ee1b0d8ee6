"""A real Label Studio for the live push/pull test: the pinned server `make label-studio` puts in
its own venv (.label-studio/venv), on 127.0.0.1, SQLite and data in a temporary folder, with two
users whose API tokens are fixed at start (legacy tokens, enabled for the organisation).

Nothing is installed here: where `make label-studio` could not install the server, the test skips
with pip's reason; where it was never run, it skips saying so (and fails on CI, where `make test`
must have run it).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from local_server import free_port, served

ROOT = Path(__file__).resolve().parents[1]
LS_DIR = ROOT / ".label-studio"
LABEL_STUDIO = LS_DIR / "venv" / "bin" / "label-studio"

# The organisation's owner (created by `label-studio start`) and a second annotator.
OWNER = ("owner@framescope.test", "owner-password-1", "framescope-owner-token-0001")
SECOND = ("second@framescope.test", "second-password-2", "framescope-second-token-0002")

# Run in `label-studio shell` (Django): the second user, in the owner's organisation, with a
# fixed token (Django REST framework creates one per user; its key is replaced).
ADD_SECOND_USER = """
from organizations.models import Organization
from rest_framework.authtoken.models import Token
from users.models import User
user = User.objects.create_user(email={email!r}, password={password!r})
organization = Organization.objects.first()
organization.add_user(user)
user.active_organization = organization
user.save()
Token.objects.filter(user=user).update(key={token!r})
print("second user", user.id, Token.objects.get(user=user).key == {token!r})
"""


@dataclass(frozen=True)
class LiveStudio:
    url: str
    owner_token: str
    second_token: str


def label_studio_command() -> Path:
    """The server's command, or a skip (a fail on CI) saying why it is not there."""
    if LABEL_STUDIO.exists():
        return LABEL_STUDIO
    failed = LS_DIR / "install-failed.txt"
    if failed.exists():
        pytest.skip(
            f"Label Studio could not be installed (make label-studio): {failed.read_text()}"
        )
    if os.environ.get("CI"):
        pytest.fail(f"{LABEL_STUDIO} missing: `make test` should have run `make label-studio`")
    pytest.skip(f"Label Studio is not installed ({LABEL_STUDIO}); run `make label-studio`")


@contextlib.contextmanager
def live_label_studio(root: Path) -> Iterator[LiveStudio]:
    """Start Label Studio with its data under `root`; yields its URL and the two users' tokens."""
    command = label_studio_command()
    data = root / "label-studio-data"
    data.mkdir()
    common = ["--data-dir", str(data), "--database", str(data / "label_studio.sqlite3")]
    # The venv's own Python and settings only: nothing of the project's environment leaks in.
    env = {
        "PATH": f"{command.parent}:/usr/bin:/bin",
        "HOME": str(root),
        "LABEL_STUDIO_BASE_DATA_DIR": str(data),
        "DJANGO_DB": "sqlite",
    }
    port = free_port()
    email, password, token = OWNER
    start = [str(command), "start", *common, "--no-browser", "--internal-host", "127.0.0.1"]
    start += ["--port", str(port), "--username", email, "--password", password]
    start += ["--user-token", token, "--enable-legacy-api-token", "--log-level", "WARNING"]
    url = f"http://127.0.0.1:{port}"
    with served("label-studio", start, root, f"{url}/health", env):
        email, password, second_token = SECOND
        script = ADD_SECOND_USER.format(email=email, password=password, token=second_token)
        done = subprocess.run(
            [str(command), "shell", *common],
            input=script,
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "second user" in done.stdout and "True" in done.stdout, done.stderr[-3000:]
        yield LiveStudio(url, token, second_token)
