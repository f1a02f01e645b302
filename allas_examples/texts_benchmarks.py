"""Sentences of the benchmark table (``python -m benchmarks``) and its page.

Merged into ``messages.CATALOG``: every key has "en" and "fi".
"""

TEXTS: dict[str, dict[str, str]] = {
    "bench_columns": {
        "en": "| Figure | Measured | Target | Holds |",
        "fi": "| Mittari | Mitattu | Tavoite | Täyttyy |",
    },
    "bench_yes": {"en": "yes", "fi": "kyllä"},
    "bench_no": {"en": "NO", "fi": "EI"},
    "bench_best_of": {"en": "best of {rounds}", "fi": "paras {rounds} kierroksesta"},
    "bench_not_measured": {"en": "not measured: {reason}", "fi": "ei mitattu: {reason}"},
    "bench_md5": {
        "en": "the limit: md5 of {size} MiB in this process",
        "fi": "raja: {size} MiB:n md5 tässä prosessissa",
    },
    "bench_put": {
        "en": "fake: put_object of {size} MiB from a file, to the md5 time",
        "fi": "jäljitelmä: {size} MiB:n put_object tiedostosta, suhteessa md5-aikaan",
    },
    "bench_get": {
        "en": "fake: streaming get_object of {size} MiB (1 MiB chunks), to the md5 time",
        "fi": "jäljitelmä: {size} MiB:n virtaava get_object (1 MiB:n palat), suhteessa md5-aikaan",
    },
    "bench_held": {
        "en": "fake: memory held once {size} MiB is stored (above baseline)",
        "fi": "jäljitelmä: muistia varattuna, kun {size} MiB on tallennettu (lähtötason yli)",
    },
    "bench_peak": {
        "en": "fake: peak memory through the {size} MiB upload and streaming download",
        "fi": "jäljitelmä: muistin huippu {size} MiB:n lähetyksen ja virtaavan haun aikana",
    },
    "bench_listing": {
        "en": "fake: full listing of {count} objects",
        "fi": "jäljitelmä: {count} objektin täysi listaus",
    },
    "bench_listing_value": {
        "en": "{seconds:.3f} s, {micro:.1f} µs per object",
        "fi": "{seconds:.3f} s, {micro:.1f} µs objektia kohden",
    },
    "bench_listing_ratio": {
        "en": "fake: cost per object at {big} objects, to that at {small}",
        "fi": "jäljitelmä: hinta objektia kohden {big} objektilla suhteessa {small} objektiin",
    },
    "bench_segmented": {
        "en": "{backend}: SwiftService upload + download, {size} MiB in {segment} MiB segments",
        "fi": "{backend}: SwiftServicen lähetys ja haku, {size} MiB {segment} MiB:n segmentteinä",
    },
    "bench_small": {
        "en": "{backend}: {count} small objects, upload + list + delete",
        "fi": "{backend}: {count} pientä objektia, lähetys + listaus + poisto",
    },
    "bench_faster_segmented": {
        "en": "fake faster than the faster real server ({server}), segmented",
        "fi": "jäljitelmän nopeus suhteessa nopeampaan oikeaan palvelimeen ({server}), segmentit",
    },
    "bench_faster_small": {
        "en": "fake faster than the faster real server ({server}), small objects",
        "fi": "jäljitelmän nopeus suhteessa nopeampaan oikeaan palvelimeen ({server}), "
        "pienet objektit",
    },
    "bench_no_comparison": {
        "en": "the fake and at least one real server must both be measured",
        "fi": "sekä jäljitelmä että ainakin yksi oikea palvelin on mitattava",
    },
    "bench_example": {
        "en": "{server}: upload_large_object.py to `swift upload --segment-size`, {size} MiB",
        "fi": "{server}: upload_large_object.py suhteessa komentoon "
        "`swift upload --segment-size`, {size} MiB",
    },
    "bench_suite": {
        "en": "the default test suite (`python -m pytest`), last full run",
        "fi": "oletustestit (`python -m pytest`), viimeisin täysi ajo",
    },
    "bench_suite_value": {
        "en": "{seconds:.0f} s, {tests} tests, {workers} processes in parallel, {date}",
        "fi": "{seconds:.0f} s, {tests} testiä, rinnakkaisia prosesseja {workers}, {date}",
    },
    "bench_suite_missing": {
        "en": "no full run recorded in test-artifacts/ yet",
        "fi": "täyttä ajoa ei ole vielä kirjattu kansioon test-artifacts/",
    },
    "bench_footer": {
        "en": "Measured on {date} with {cpus} CPUs; each time is the fastest of its rounds. "
        "The whole run took {seconds:.0f} s.",
        "fi": "Mitattu {date} koneella, jossa on {cpus} suoritinta; jokainen aika on "
        "kierrostensa nopein. "
        "Koko ajo kesti {seconds:.0f} s.",
    },
    "bench_rclone_small": {
        "en": "{backend}: rclone copy of {count} small files",
        "fi": "{backend}: rclone copy, {count} pientä tiedostoa",
    },
    "bench_rclone_segmented": {
        "en": "{backend}: rclone copy of one {size} MiB file in {chunk} MiB segments",
        "fi": "{backend}: rclone copy, yksi {size} MiB:n tiedosto {chunk} MiB:n segmentteinä",
    },
    "bench_swift_folder": {
        "en": "{backend}: `swift upload` of a folder of {count} files",
        "fi": "{backend}: `swift upload`, kansio jossa {count} tiedostoa",
    },
    "bench_rclone_vs_rgw": {
        "en": "rclone through server mode, faster than through real RGW",
        "fi": "rclone palvelintilan kautta, nopeus suhteessa oikeaan RGW:hen",
    },
    "bench_load": {
        "en": "{backend}: {clients} concurrent clients, small PUT/GET/DELETE",
        "fi": "{backend}: {clients} samanaikaista asiakasta, pienet PUT/GET/DELETE",
    },
    "bench_load_value": {
        "en": "{rate:.0f} requests/s, {errors} connection errors",
        "fi": "{rate:.0f} pyyntöä/s, {errors} yhteysvirhettä",
    },
    "bench_load_errors": {
        "en": "server mode: connection errors at {clients} concurrent clients",
        "fi": "palvelintila: yhteysvirheet {clients} samanaikaisella asiakkaalla",
    },
    "bench_load_vs_real": {
        "en": "server mode: requests/s at {clients} clients, to the faster real server ({server})",
        "fi": "palvelintila: pyyntöä/s {clients} asiakkaalla suhteessa nopeampaan oikeaan "
        "palvelimeen ({server})",
    },
    "bench_server_mode": {"en": "server mode", "fi": "palvelintila"},
}
