"""A running Label Studio, through `label-studio-sdk`: find or create the project, import tasks,
export annotations. What is sent and read back is exactly the file formats of `studio.py`.

Every failure the user can fix (server down, token refused, no such project) becomes a
`ServerError` whose one-line message names the server.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from framescope import schema

# Long enough for a big export on a slow server, short enough that a wrong host fails in time.
TIMEOUT_S = 60.0


class ServerError(Exception):
    """Label Studio could not be reached or refused the request; the message names the server."""


@dataclass(frozen=True)
class Pushed:
    project_id: int
    created: bool  # False: an existing project with this title was reused
    added: int
    already_there: int  # tasks whose sentence_id the project already had (not imported again)


@contextlib.contextmanager
def _talking(url: str, doing: str) -> Iterator[None]:
    """Turn the SDK's transport and HTTP errors into one line naming the server."""
    import httpx
    from label_studio_sdk.core.api_error import ApiError

    try:
        yield
    except httpx.TransportError as err:
        raise ServerError(f"Label Studio at {url}: cannot connect while {doing} ({err})") from None
    except ApiError as err:
        if err.status_code in (401, 403):
            raise ServerError(
                f"Label Studio at {url}: the API key was refused ({err.status_code}); "
                "pass --api-key or set LABEL_STUDIO_API_KEY to a token of a user on that server"
            ) from None
        detail = err.body.get("detail", err.body) if isinstance(err.body, dict) else err.body
        raise ServerError(
            f"Label Studio at {url}: HTTP {err.status_code} while {doing}: {detail}"
        ) from None


class Studio:
    """One Label Studio server and user; connecting checks the URL and the token at once."""

    def __init__(self, url: str, api_key: str) -> None:
        try:
            from label_studio_sdk import LabelStudio
        except ImportError:
            raise ServerError(
                "annotate push/pull need label-studio-sdk: pip install 'framescope[studio]'"
            ) from None

        self.url = url.rstrip("/")
        with _talking(self.url, "checking the API key"):
            self.client = LabelStudio(base_url=self.url, api_key=api_key, timeout=TIMEOUT_S)
            self.client.users.whoami()

    def project_id(self, title: str) -> int | None:
        """The id of the project with exactly this title (the oldest if several), or None."""
        with _talking(self.url, f"looking for project {title!r}"):
            found: list[Any] = list(self.client.projects.list(title=title))
        ids = [p.id for p in found if p.title == title]  # the filter also matches substrings
        return min(ids) if ids else None

    def export(self, project_id: int) -> list[dict[str, Any]]:
        """The project's full JSON export, every task included (annotated or not)."""
        with _talking(self.url, f"exporting project {project_id}"):
            chunks = self.client.projects.exports.download_sync(
                project_id, export_type="JSON", download_all_tasks=True
            )
            raw = json.loads(b"".join(chunks))
        if not isinstance(raw, list):
            raise ServerError(f"Label Studio at {self.url}: project {project_id}: bad export")
        return raw

    def push(self, title: str, label_config: str, tasks: list[dict[str, Any]]) -> Pushed:
        """Create the project (or reuse the one with this title and config) and import the
        tasks whose sentences it does not hold yet."""
        project_id = self.project_id(title)
        created = project_id is None
        with _talking(self.url, f"creating project {title!r}"):
            if project_id is None:
                project_id = self.client.projects.create(title=title, label_config=label_config).id
                assert project_id is not None
            else:
                config = self.client.projects.get(project_id).label_config or ""
                if config.strip() != label_config.strip():
                    raise ServerError(
                        f"Label Studio at {self.url}: project {title!r} has another labeling "
                        "config than the codebook's (did the codebook change?); "
                        "push to a new --project title"
                    )
        held = {(t.get("data") or {}).get(schema.SENTENCE_ID) for t in self.export(project_id)} - {
            None
        }
        new = [t for t in tasks if t["data"][schema.SENTENCE_ID] not in held]
        if new:
            with _talking(self.url, f"importing tasks into project {title!r}"):
                self.client.projects.import_tasks(project_id, request=new)  # type: ignore[arg-type]
        return Pushed(project_id, created, len(new), len(tasks) - len(new))
