"""The file listing and its batches, without Prefect or the warehouse."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import polars as pl

from flows.batch import FILE_STATE, LISTING_SCHEMA, discover, plan_batches, unchanged_files


def write(path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)


def test_discover_lists_supported_files_once_sorted_and_counts_the_rest(tmp_path):
    write(tmp_path / "b" / "2.txt", 5)
    write(tmp_path / "a.html", 7)
    write(tmp_path / "b" / ".hidden.txt", 1)
    write(tmp_path / "b" / "photo.jpg", 3)
    os.utime(tmp_path / "a.html", (0, 1_700_000_000.25))

    listing, refused, ignored = discover([str(tmp_path), str(tmp_path / "b" / "2.txt"), str(tmp_path / "*.html")])

    assert listing.schema == pl.Schema(LISTING_SCHEMA)
    assert listing["source_uri"].to_list() == [str(tmp_path / "a.html"), str(tmp_path / "b" / "2.txt")]
    assert listing["byte_size"].to_list() == [7, 5]
    assert str(listing["file_mtime"][0]) == "2023-11-14 22:13:20.250000"
    assert (refused, ignored) == ([], 1)  # the image in a folder is counted; the hidden file is not listed


def test_discover_names_files_by_their_canonical_path(tmp_path):
    tmp_path = tmp_path.resolve()
    write(tmp_path / "real" / "a" / "1.txt", 1)
    write(tmp_path / "elsewhere" / "2.txt", 2)
    (tmp_path / "real" / "a" / "link.txt").symlink_to(tmp_path / "elsewhere" / "2.txt")
    (tmp_path / "real" / "folder-link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)

    by_folder, _, _ = discover([str(tmp_path / "alias")])
    by_glob, _, _ = discover([str(tmp_path / "alias" / "**" / "*.txt")])
    by_name, _, _ = discover([str(tmp_path / "alias" / "a" / ".." / "a" / "1.txt")])

    # a link to a file is listed as the file; a link to a folder is not followed when walking a folder
    expected = [str(tmp_path / "elsewhere" / "2.txt"), str(tmp_path / "real" / "a" / "1.txt")]
    assert by_folder["source_uri"].to_list() == expected
    assert by_glob["source_uri"].to_list() == expected
    assert by_name["source_uri"].to_list() == [str(tmp_path / "real" / "a" / "1.txt")]


def test_batches_are_consecutive_slices_up_to_the_byte_budget():
    listing = pl.DataFrame({"source_uri": [f"/{i}" for i in range(6)], "byte_size": [4, 4, 3, 20, 1, 1],
                            "file_mtime": [None] * 6}, schema=FILE_STATE)

    batches = plan_batches(listing, batch_bytes=10)

    assert [b["source_uri"].to_list() for b in batches] == [["/0", "/1"], ["/2"], ["/3"], ["/4", "/5"]]
    assert plan_batches(listing.clear(), batch_bytes=10) == []


def test_unchanged_files_match_on_name_size_and_time_and_keep_the_listing_order():
    t = datetime(2026, 1, 1)
    listing = pl.DataFrame({"source_uri": ["/a", "/b", "/c", "/d"], "byte_size": [1, 2, 3, 4],
                            "file_mtime": [t, t, t, t]}, schema=FILE_STATE)
    known = pl.DataFrame({"source_uri": ["/d", "/b", "/c"], "file_mtime": [t + timedelta(seconds=1), t, t],
                          "byte_size": [4, 2, 4]},
                         schema={"source_uri": pl.String, "file_mtime": pl.Datetime("us"), "byte_size": pl.Int32})

    to_read, unchanged = unchanged_files(listing, known)

    assert to_read["source_uri"].to_list() == ["/a", "/c", "/d"]  # /c changed size, /d its time
    assert unchanged == 1


def test_a_name_that_is_not_utf8_is_listed_escaped_and_read_by_its_bytes(tmp_path):
    folder = os.fsencode(tmp_path)
    with open(folder + b"/bad\xff\xfename.txt", "wb") as handle:
        handle.write(b"x" * 3)
    write(tmp_path / "good.txt", 2)

    listing, refused, _ = discover([str(tmp_path)])

    assert refused == []
    assert listing["source_uri"].to_list() == [f"{tmp_path}/bad\\xff\\xfename.txt", str(tmp_path / "good.txt")]
    assert listing["path"].to_list() == [folder + b"/bad\xff\xfename.txt", None]


def test_broken_and_device_links_in_a_folder_are_refused_like_named_ones(tmp_path):
    write(tmp_path / "in" / "good.txt", 2)
    (tmp_path / "in" / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "in" / "zero.txt").symlink_to("/dev/zero")

    listing, in_folder, ignored = discover([str(tmp_path / "in")])
    _, named, _ = discover([str(tmp_path / "in" / "dangling.txt"), str(tmp_path / "in" / "zero.txt")])

    assert listing["source_uri"].to_list() == [str(tmp_path / "in" / "good.txt")]
    reasons = {os.path.basename(r.uri): r.reason for r in in_folder}
    assert reasons == {"dangling.txt": "vanished", "zero.txt": "not_a_file"}
    assert {os.path.basename(r.uri): r.reason for r in named} == reasons
    assert "gone.txt, which does not exist" in next(r.detail for r in in_folder if r.reason == "vanished")
    assert ignored == 0
