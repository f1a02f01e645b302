"""Sentences about faults: retries, timeouts, interrupted transfers and what is left behind.

Merged into ``messages.CATALOG``: every key has "en" and "fi".
"""

TEXTS: dict[str, dict[str, str]] = {
    "timed_out": {
        "en": "Allas ({host}) did not answer within {seconds:g} seconds, even after retries; "
        "try again later, or set ALLAS_TIMEOUT to wait longer.",
        "fi": "Allas ({host}) ei vastannut {seconds:g} sekunnissa uusintayrityksistä huolimatta; "
        "yritä myöhemmin uudelleen tai odota pidempään asettamalla ALLAS_TIMEOUT.",
    },
    "bad_timeout": {
        "en": "{variable}='{value}' is not a number of seconds above zero (for example 60).",
        "fi": "{variable}='{value}' ei ole nollaa suurempi sekuntimäärä (esimerkiksi 60).",
    },
    "help_timeouts": {
        "en": "Each request to Allas waits at most ALLAS_TIMEOUT seconds (default 60) "
        "for an answer and is tried up to 6 times.",
        "fi": "Jokainen Allakselle lähetetty pyyntö odottaa vastausta enintään ALLAS_TIMEOUT "
        "sekuntia (oletus 60), ja sitä yritetään enintään 6 kertaa.",
    },
    "segments_removed": {
        "en": "The upload of {object} did not finish, and the {count} segments it had "
        "already stored were removed: {reason}",
        "fi": "Objektin {object} lataus ei valmistunut, ja jo tallennetut {count} segmenttiä "
        "poistettiin: {reason}",
    },
    "segments_left": {
        "en": "The upload of {object} did not finish, and any segments it had already sent "
        "stay in {segment_bucket} until you remove them with `{command}`: {reason}",
        "fi": "Objektin {object} lataus ei valmistunut, ja mahdolliset jo lähetetyt segmentit "
        "jäävät bucketiin {segment_bucket}, kunnes poistat ne komennolla `{command}`: {reason}",
    },
}
