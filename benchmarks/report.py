"""The results as a Markdown table, in English or Finnish, with each target beside its figure."""

from __future__ import annotations

from allas_examples.messages import CATALOG

# The targets: (bound, "max" or "min"); a figure holds when it is within its bound.
TARGETS = {
    "put_ratio": (2.2, "max"),
    "get_ratio": (0.25, "max"),
    "held_mib": (0.1 * 1024, "max"),
    "peak_mib": (1.1 * 1024, "max"),
    "listing_ratio": (1.5, "max"),
    "segmented_faster": (1.2, "min"),
    "small_faster": (5.0, "min"),
    "example_ratio": (1.1, "max"),
    "rclone_vs_rgw": (1.0, "min"),
    "load_errors": (0, "max"),
    "load_vs_real": (1.0, "min"),
}


def holds(target: str, value: float) -> bool:
    bound, kind = TARGETS[target]
    return value <= bound if kind == "max" else value >= bound


def number(value: int, language: str) -> str:
    """100,000 in English, 100 000 in Finnish."""
    return f"{value:,}".replace(",", "," if language == "en" else "\u00a0")


def markdown(results: dict, language: str) -> str:
    def say(key: str, **values: object) -> str:
        return CATALOG[key][language].format(**values)

    rows: list[tuple[str, str, str, str]] = []

    def row(label: str, measured: str, target: str | None = None, value: float = 0.0) -> None:
        if target is None:
            rows.append((label, measured, "", ""))
            return
        bound, kind = TARGETS[target]
        shown = f"{'≤' if kind == 'max' else '≥'} {bound:g}"
        unit = " MiB" if target.endswith("_mib") else "" if target == "load_errors" else "×"
        verdict = say("bench_yes") if holds(target, value) else say("bench_no")
        rows.append((label, measured, shown + unit, verdict))

    def rounds(count: int) -> str:
        return f" ({say('bench_best_of', rounds=count)})"

    speed = results["fake_speed"]
    size, best_of = speed["size_mib"], rounds(speed["rounds"])
    rate = speed["size_mib"] / speed["md5_s"]
    row(say("bench_md5", size=size), f"{speed['md5_s']:.3f} s ({rate:.0f} MiB/s)")
    for step in ("put", "get"):
        measured = f"{speed[f'{step}_s']:.3f} s = {speed[f'{step}_ratio']:.2f}× md5"
        row(
            say(f"bench_{step}", size=size),
            measured + best_of,
            f"{step}_ratio",
            speed[f"{step}_ratio"],
        )

    memory = results["memory"]
    row(
        say("bench_held", size=memory["size_mib"]),
        f"{memory['held_once_stored_mib']} MiB",
        "held_mib",
        memory["held_once_stored_mib"],
    )
    row(
        say("bench_peak", size=memory["size_mib"]),
        f"{memory['peak_above_baseline_mib']} MiB",
        "peak_mib",
        memory["peak_above_baseline_mib"],
    )

    listing = results["listing"]
    counts = [int(count) for count in listing["objects"]]
    for count in counts:
        entry = listing["objects"][str(count)]
        measured = say(
            "bench_listing_value", seconds=entry["seconds"], micro=entry["us_per_object"]
        )
        row(
            say("bench_listing", count=number(count, language)),
            measured + rounds(listing["rounds"]),
        )
    label = say(
        "bench_listing_ratio",
        big=number(max(counts), language),
        small=number(min(counts), language),
    )
    row(label, f"{listing['ratio']:.2f}×", "listing_ratio", listing["ratio"])

    sizes = results["sizes"]
    labels = {
        "segmented": {"size": sizes["segmented_mib"], "segment": sizes["segment_mib"]},
        "small_objects": {"count": number(sizes["small_count"], language)},
    }
    for workload, key in (("segmented", "bench_segmented"), ("small_objects", "bench_small")):
        measured_by = results[workload]
        for backend, times in measured_by["backends"].items():
            if "error" in times:
                measured = say("bench_not_measured", reason=times["error"])
            else:
                steps = " + ".join(
                    f"{times[step]:.2f} s" for step in times if step not in ("total", "rounds")
                )
                measured = f"{steps} = {times['total']:.2f} s" + rounds(times["rounds"])
            row(say(key, backend=backend, **labels[workload]), measured)
        faster = measured_by.get("faster")
        target = "segmented_faster" if workload == "segmented" else "small_faster"
        label = say(
            f"bench_faster_{'segmented' if workload == 'segmented' else 'small'}",
            server=faster["server"] if faster else "-",
        )
        if faster:
            row(label, f"{faster['ratio']:.1f}×", target, faster["ratio"])
        else:
            row(label, say("bench_not_measured", reason=say("bench_no_comparison")))

    example = results["example_vs_cli"]
    label = say("bench_example", server=example["server"], size=example["size_mib"])
    if "error" in example:
        row(label, say("bench_not_measured", reason=example["error"]))
    else:
        measured = f"{example['example']:.2f} s / {example['cli']:.2f} s = {example['ratio']:.2f}×"
        row(label, measured + rounds(example["rounds"]), "example_ratio", example["ratio"])

    clients = results.get("clients")
    if clients:
        client_rows(clients, row, say, language)

    suite = results.get("suite")
    if suite:
        measured = say(
            "bench_suite_value",
            seconds=suite["seconds"],
            tests=suite["tests"],
            workers=suite.get("workers") or 1,  # 0: pytest-xdist was off
            date=suite["finished"][:10],
        )
    else:
        measured = say("bench_suite_missing")
    row(say("bench_suite"), measured)

    lines = [say("bench_columns"), "|---|---|---|---|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    footer = say(
        "bench_footer", date=results["date"][:10], cpus=results["cpus"], seconds=results["seconds"]
    )
    return "\n".join(lines) + "\n\n" + footer + "\n"


def client_rows(clients: dict, row, say, language: str) -> None:
    """The everyday clients' and the concurrent clients' rows (benchmarks/clients.py)."""
    sizes, backends = clients["sizes"], clients["backends"]
    names = {"server": say("bench_server_mode")}
    for backend, measured in backends.items():
        shown = names.get(backend, backend)
        if "error" in measured:
            row(say("bench_load", backend=shown, clients="-"),
                say("bench_not_measured", reason=measured["error"]))  # fmt: skip
            continue
        everyday = measured["everyday"]
        labels = {
            "rclone_small": say("bench_rclone_small", backend=shown, count=sizes["small"]),
            "rclone_segmented": say(
                "bench_rclone_segmented",
                backend=shown,
                size=sizes["big_mib"],
                chunk=sizes["chunk_mib"],
            ),  # fmt: skip
            "swift_folder": say("bench_swift_folder", backend=shown, count=sizes["small"]),
        }
        for key, label in labels.items():
            if key in everyday:
                row(label, f"{everyday[key]:.2f} s")
        for clients_count, load in measured["load"].items():
            value = say(
                "bench_load_value", rate=load["per_second"], errors=load["connection_errors"]
            )
            row(say("bench_load", backend=shown, clients=clients_count), value)
    server = backends.get("server", {})
    rgw = backends.get("rgw", {})
    if "everyday" in server and "everyday" in rgw and "rclone_small" in rgw["everyday"]:
        total = {
            name: times["everyday"]["rclone_small"] + times["everyday"]["rclone_segmented"]
            for name, times in (("server", server), ("rgw", rgw))
        }
        ratio = total["rgw"] / total["server"]
        row(say("bench_rclone_vs_rgw"), f"{ratio:.2f}×", "rclone_vs_rgw", ratio)
    if "load" in server:
        for clients_count, load in server["load"].items():
            errors = load["connection_errors"]
            row(say("bench_load_errors", clients=clients_count), str(errors), "load_errors", errors)
        real = {
            name: measured["load"]
            for name, measured in backends.items()
            if name != "server" and "load" in measured
        }
        top = max(server["load"], key=int)
        if real:
            faster = max(real, key=lambda name: real[name][top]["per_second"])
            ratio = server["load"][top]["per_second"] / real[faster][top]["per_second"]
            label = say("bench_load_vs_real", clients=top, server=faster)
            row(label, f"{ratio:.2f}×", "load_vs_real", ratio)
