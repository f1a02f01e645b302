"""The benchmark code itself works on tiny sizes (its timings are read from its output,
not asserted here)."""

import json

import pytest

from benchmarks import servers
from benchmarks.__main__ import Sizes, run
from benchmarks.memory import measure
from benchmarks.report import holds, markdown

# The tiny run, which the tests share, starts servers and clients.
pytestmark = pytest.mark.lengthy

TINY = Sizes(
    speed_mib=2,
    speed_rounds=2,
    memory_mib=2,
    listing_counts=(10, 30),
    listing_rounds=1,
    segmented_mib=3,
    segment_mib=1,
    small_count=5,
    example_mib=1,
    segmented_rounds={"fake": 1},
    small_rounds={"fake": 2},
    clients={"small": 3, "big_mib": 2, "chunk_mib": 1, "load_rounds": 2},
)


def test_memory_benchmark_round_trips_an_object():
    result = measure(4)
    assert result["size_mib"] == 4
    assert set(result) >= {"held_once_stored_mib", "peak_above_baseline_mib", "baseline_mib"}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    return folder, run(TINY, ("fake",), folder)


def test_a_tiny_run_measures_every_figure_and_writes_both_tables(tiny_run):
    folder, results = tiny_run
    assert json.loads((folder / "results.json").read_text()) == json.loads(json.dumps(results))
    speed = results["fake_speed"]
    assert speed["put_ratio"] == pytest.approx(speed["put_s"] / speed["md5_s"])
    assert set(results["listing"]["objects"]) == {"10", "30"}
    fake_times = results["segmented"]["backends"]["fake"]
    assert fake_times["total"] == pytest.approx(fake_times["upload"] + fake_times["download"])
    assert set(results["small_objects"]["backends"]["fake"]) >= {"upload", "list", "delete"}
    english = (folder / "results.md").read_text()
    finnish = (folder / "results.fi.md").read_text()
    assert english.startswith("| Figure |") and finnish.startswith("| Mittari |")
    # Every row of one table has its twin in the other.
    assert english.count("\n|") == finnish.count("\n|") >= 15
    server = results["clients"]["backends"]["server"]
    assert set(server["everyday"]) >= {"swift_folder"}
    assert {load["clients"] for load in server["load"].values()} == {16, 64}
    assert all(load["requests"] for load in server["load"].values())
    assert "server mode: 64 concurrent clients" in english


def test_without_real_servers_their_rows_say_not_measured(tiny_run):
    _folder, results = tiny_run
    assert "faster" not in results["segmented"]
    assert "not measured: rgw was not run" in markdown(results, "en")


def test_a_server_that_cannot_start_is_reported_in_its_row(monkeypatch):
    monkeypatch.setattr("tests.backends.swift.swift_missing", lambda: "no swift here")
    with pytest.raises(servers.ServerUnavailable, match="no swift here"):
        with servers.backend("swift"):
            pass


def test_targets_hold_only_within_their_bounds():
    assert holds("put_ratio", 2.2) and not holds("put_ratio", 2.21)
    assert holds("small_faster", 5.0) and not holds("small_faster", 4.9)
