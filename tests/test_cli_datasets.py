"""``backprop datasets``, run as a user runs it."""

from __future__ import annotations

import json


def test_lists_every_data_set_with_shapes(cli):
    result = cli("datasets")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["name", "samples", "features", "classes"]
    rows = {line.split()[0]: line.split()[1:4] for line in lines[1:9]}
    assert rows["digits"] == ["1797", "64", "10"]
    assert rows["iris"] == ["150", "4", "3"]
    assert rows["xor"] == ["4", "2", "2"]
    assert rows["note"] == ["1", "2", "-"]
    assert set(rows) == {"note", "xor", "digits", "iris", "moons", "circles", "spirals", "blobs"}
    assert "csv:PATH" in result.stdout and "idx:FOLDER" in result.stdout


def test_json_parses(cli):
    result = cli("datasets", "--json")
    assert result.returncode == 0, result.stderr
    entries = {e["name"]: e for e in json.loads(result.stdout)}
    assert len(entries) == 8
    digits = entries["digits"]
    assert (digits["samples"], digits["features"], digits["classes"], digits["outputs"]) == (1797, 64, 10, 10)
    assert digits["image_shape"] == [8, 8] and digits["kind"] == "bundled"
    assert entries["moons"]["options"] == {"n_samples": 200, "noise": 0.1, "one_hot": False}
    assert entries["note"]["classes"] is None


def test_named_data_sets_and_files(cli, tmp_path):
    (tmp_path / "pets.csv").write_text("w,h,kind\n1,2,cat\n3,4,dog\n")
    result = cli("datasets", "iris", str(tmp_path / "pets.csv"), "--json")
    assert result.returncode == 0, result.stderr
    iris, pets = json.loads(result.stdout)
    assert iris["name"] == "iris" and pets["labels"] == ["cat", "dog"] and pets["kind"] == "file"


def test_errors_are_one_line(cli, tmp_path):
    result = cli("datasets", "mnist")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "unknown data set 'mnist'" in result.stderr and "digits" in result.stderr
    (tmp_path / "bad.csv").write_text("1,2,0\n3,x,1\n")
    result = cli("datasets", f"csv:{tmp_path / 'bad.csv'}")
    assert result.returncode == 1 and "line 2, column 2: 'x' is not a number" in result.stderr
