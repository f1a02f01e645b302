"""Sentences of ``python -m fake_swift check``, which compares the fake with a real server.

Merged into ``messages.CATALOG``: every key has "en" and "fi".
"""

TEXTS: dict[str, dict[str, str]] = {
    # --- the command line ---
    "check_help": {
        "en": "compare the fake with the Swift endpoint of your OS_* login",
        "fi": "vertaa jäljitelmää OS_*-kirjautumisesi Swift-palveluun",
    },
    "check_help_description": {
        "en": "Run the conformance cases on the Swift endpoint that your OS_* variables log "
        "in to (Allas, or any Swift), in new buckets that are removed at the end, then on "
        "the in-process fake, and list every answer that differs. Exit code 0: none "
        "differ; 1: some differ or the service failed; 2: bad usage or configuration.",
        "fi": "Ajaa vertailutapaukset Swift-palvelussa, johon OS_*-muuttujasi kirjautuvat "
        "(Allas tai mikä tahansa Swift), uusissa bucketeissa, jotka poistetaan lopuksi, "
        "sitten prosessin sisäisessä jäljitelmässä, ja listaa jokaisen eroavan vastauksen. "
        "Paluuarvo 0: eroja ei ole; 1: eroja on tai palvelu epäonnistui; 2: virheellinen "
        "käyttö tai asetukset.",
    },
    "check_help_flavor": {
        "en": "the fake to compare with: rgw (Ceph RGW, as Allas runs; the default) or "
        "swift (OpenStack Swift)",
        "fi": "verrattava jäljitelmä: rgw (Ceph RGW, kuten Allas; oletus) tai swift "
        "(OpenStack Swift)",
    },
    "check_help_other_rc": {
        "en": "OS_* variables of a second project (an OpenStack RC file, read, not run), "
        "for the cases that share buckets between projects; without it they are skipped",
        "fi": "toisen projektin OS_*-muuttujat (OpenStack RC -tiedosto, joka luetaan eikä "
        "ajeta) tapauksiin, joissa bucketteja jaetaan projektien kesken; ilman sitä ne "
        "ohitetaan",
    },
    "check_help_case": {
        "en": "run only this case (repeatable; default: all)",
        "fi": "aja vain tämä tapaus (toistettavissa; oletus: kaikki)",
    },
    "check_help_debug": {
        "en": "on an unexpected error, show the traceback (secrets blanked)",
        "fi": "näytä odottamattoman virheen jäljitys (salaisuudet peitettyinä)",
    },
    # --- bad usage and configuration (exit code 2) ---
    "check_bad_flavor": {
        "en": "There is no flavor '{value}': use rgw (Ceph RGW, as Allas runs) or swift "
        "(OpenStack Swift).",
        "fi": "Muotoa '{value}' ei ole: käytä muotoa rgw (Ceph RGW, kuten Allas) tai swift "
        "(OpenStack Swift).",
    },
    "check_unknown_case": {
        "en": "There is no case '{name}'; the cases are: {names}.",
        "fi": "Tapausta '{name}' ei ole; tapaukset ovat: {names}.",
    },
    "check_missing_variables": {
        "en": "Missing environment variables {names}: source your OpenStack RC file or run "
        "allas-conf before the check.",
        "fi": "Ympäristömuuttujia {names} puuttuu: source OpenStack RC -tiedostollesi tai aja "
        "allas-conf ennen vertailua.",
    },
    "check_other_missing_variables": {
        "en": "The second login '{path}' lacks {names}.",
        "fi": "Toisesta kirjautumisesta '{path}' puuttuu {names}.",
    },
    "check_other_needs_password": {
        "en": "'{path}' holds no password and there is no terminal to ask it on: use an "
        "application credential RC file, or run the check in a terminal.",
        "fi": "Tiedostossa '{path}' ei ole salasanaa, eikä sitä voi kysyä ilman päätettä: "
        "käytä sovellustunnuksen (application credential) RC-tiedostoa tai aja vertailu "
        "päätteessä.",
    },
    "check_other_same": {
        "en": "The second login (--other-rc) is to the same project as the first; the "
        "cases that share buckets need another project.",
        "fi": "Toinen kirjautuminen (--other-rc) on samaan projektiin kuin ensimmäinen; "
        "bucketteja jakavat tapaukset tarvitsevat toisen projektin.",
    },
    # --- the run ---
    "check_start": {
        "en": "Comparing the fake (flavor {flavor}) with {url}.",
        "fi": "Verrataan jäljitelmää (muoto {flavor}) palveluun {url}.",
    },
    "check_buckets": {
        "en": "The cases work in new buckets whose names start with {prefix}; all of them "
        "are removed at the end.",
        "fi": "Tapaukset käyttävät uusia bucketteja, joiden nimet alkavat {prefix}; ne "
        "kaikki poistetaan lopuksi.",
    },
    "check_case_recorded": {
        "en": "[{number}/{total}] {case}: answered",
        "fi": "[{number}/{total}] {case}: vastattu",
    },
    "check_case_skipped": {
        "en": "[{number}/{total}] {case}: skipped, {reason}",
        "fi": "[{number}/{total}] {case}: ohitettu, {reason}",
    },
    "check_case_failed": {
        "en": "[{number}/{total}] {case}: failed on the real server: {error}",
        "fi": "[{number}/{total}] {case}: epäonnistui oikeassa palvelussa: {error}",
    },
    "check_skip_other_account": {
        "en": "as it needs a second project (give its login with --other-rc FILE)",
        "fi": "koska se tarvitsee toisen projektin (anna sen kirjautumistiedot valinnalla "
        "--other-rc TIEDOSTO)",
    },
    "check_skip_bucket_exists": {
        "en": "as it would use your existing bucket '{bucket}'",
        "fi": "koska se käyttäisi olemassa olevaa bucketiasi '{bucket}'",
    },
    "check_skip_account_metadata": {
        "en": "as it would change account metadata that your account already holds ({keys})",
        "fi": "koska se muuttaisi tililläsi jo olevaa metatietoa ({keys})",
    },
    "check_skip_account_settings": {
        "en": "as it would change account settings that the check does not restore ({headers})",
        "fi": "koska se muuttaisi tilin asetuksia, joita vertailu ei palauta ({headers})",
    },
    "check_skip_account_request": {
        "en": "as it would send {method} to the account itself",
        "fi": "koska se lähettäisi pyynnön {method} itse tilille",
    },
    "check_skip_account_listing": {
        "en": "as it would list all the buckets of your account",
        "fi": "koska se listaisi tilisi kaikki bucketit",
    },
    "check_left_bucket": {
        "en": "Could not remove the test bucket '{bucket}' of {url}; remove it with: "
        "swift delete {bucket}",
        "fi": "Testibucketia '{bucket}' ({url}) ei saatu poistettua; poista se komennolla: "
        "swift delete {bucket}",
    },
    "check_left_metadata": {
        "en": "Could not remove the account metadata '{name}' that a case added to {url}; "
        "remove it with: swift post -H 'X-Remove-{suffix}: x'",
        "fi": "Tapauksen tilille {url} lisäämää metatietoa '{name}' ei saatu poistettua; "
        "poista se komennolla: swift post -H 'X-Remove-{suffix}: x'",
    },
    "check_cleaned": {
        "en": "The test buckets are removed.",
        "fi": "Testibucketit on poistettu.",
    },
    "check_fake_start": {
        "en": "The same cases on the in-process fake (flavor {flavor}).",
        "fi": "Samat tapaukset prosessin sisäisessä jäljitelmässä (muoto {flavor}).",
    },
    "check_fake_failed": {
        "en": "{case}: failed on the fake: {error}",
        "fi": "{case}: epäonnistui jäljitelmässä: {error}",
    },
    "check_differences_heading": {
        "en": "Answers that differ (case · step · what: real value | fake value):",
        "fi": "Eroavat vastaukset (tapaus · vaihe · mikä: oikea arvo | jäljitelmän arvo):",
    },
    "check_difference": {
        "en": "  {case} · {step} · {what}: real {real} | fake {fake}",
        "fi": "  {case} · {step} · {what}: oikea {real} | jäljitelmä {fake}",
    },
    "check_steps_differ": {
        "en": "  {case} · the steps taken differ: real {real} | fake {fake}",
        "fi": "  {case} · otetut vaiheet eroavat: oikea {real} | jäljitelmä {fake}",
    },
    "check_summary": {
        "en": "Cases answered alike: {same}; differing: {differ}; skipped: {skipped}; "
        "failed: {failed}.",
        "fi": "Samoin vastanneet tapaukset: {same}; eroavat: {differ}; ohitetut: {skipped}; "
        "epäonnistuneet: {failed}.",
    },
    "check_interrupted": {
        "en": "Interrupted: the check stopped before comparing.",
        "fi": "Keskeytetty: vertailu pysähtyi ennen tulosten vertaamista.",
    },
}
