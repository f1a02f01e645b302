"""The benchmark code itself works (its figures are read from its output, not asserted here)."""

from benchmarks.memory import measure


def test_memory_benchmark_round_trips_an_object():
    result = measure(4)
    assert result["size_mib"] == 4
    assert set(result) >= {"held_once_stored_mib", "peak_above_baseline_mib", "baseline_mib"}
