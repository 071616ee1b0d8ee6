"""Listing inputs: stable order, glob filter, loops and broken links named, odd names fine."""

from __future__ import annotations

from framescope.ingest.walk import list_files


def _all(_path) -> bool:
    return True


def test_order_glob_and_odd_names(tmp_path):
    (tmp_path / "b dir").mkdir()
    (tmp_path / "b dir" / "ünï файл.md").write_text("x", "utf-8")
    (tmp_path / "a.html").write_text("x", "utf-8")
    (tmp_path / "c.md").write_text("x", "utf-8")
    names = [e.path.name for e in list_files([tmp_path], "*", _all)]
    assert names == ["a.html", "ünï файл.md", "c.md"]
    assert [e.path.name for e in list_files([tmp_path], "*.md", _all)] == ["ünï файл.md", "c.md"]
    assert [e.path.name for e in list_files([tmp_path], "b dir/*", _all)] == ["ünï файл.md"]


def test_symlink_loops_and_broken_links_are_problems_not_hangs(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..", target_is_directory=True)
    (tmp_path / "self.md").symlink_to(tmp_path / "self.md")
    (tmp_path / "gone.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "ok.md").write_text("x", "utf-8")
    entries = {e.path.name: e.problem for e in list_files([tmp_path], "*", _all)}
    assert entries["ok.md"] is None
    assert "symlink loop" in entries["up"]
    assert entries["self.md"] == "symlink loop"
    assert entries["gone.md"] == "broken symbolic link"


def test_linked_folder_is_read_once(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.md").write_text("x", "utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    entries = list_files([tmp_path], "*", _all)
    assert sum(e.problem is None for e in entries) == 1
    assert any(e.problem and "already read" in e.problem for e in entries)


def test_missing_root_is_a_problem(tmp_path):
    [entry] = list_files([tmp_path / "missing"], "*", _all)
    assert entry.problem == "no such file or folder"
