"""Every sentence a user sees, in Finnish and English, and the rule that picks the language.

Language: ``--lang``, else ``ALLAS_EXAMPLES_LANG``, else ``LC_ALL``/``LANG`` starting with
``fi``, else English.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

LANGUAGES = ("en", "fi")
DEFAULT_LANGUAGE = "en"

CATALOG: dict[str, dict[str, str]] = {
    # --- configuration and usage (exit code 2) ---
    "missing_variables": {
        "en": "Missing environment variables: {names}. Load your Allas settings first "
        "(source your OpenStack RC file, or run allas-conf), or try the examples offline "
        "with --fake.",
        "fi": "Ympäristömuuttujia puuttuu: {names}. Lataa ensin Allaksen asetukset "
        "(source OpenStack RC -tiedostollesi tai aja allas-conf), tai kokeile esimerkkejä "
        "ilman verkkoa valitsimella --fake.",
    },
    "bad_auth_url": {
        "en": "The login address '{url}' is not a valid https:// URL; check OS_AUTH_URL.",
        "fi": "Kirjautumisosoite '{url}' ei ole kelvollinen https://-osoite; tarkista OS_AUTH_URL.",
    },
    "bad_storage_url": {
        "en": "The storage address '{url}' is not a valid URL; check OS_STORAGE_URL.",
        "fi": "Tallennusosoite '{url}' ei ole kelvollinen osoite; tarkista OS_STORAGE_URL.",
    },
    "usage_error": {
        "en": "Invalid command line: {detail}. See --help.",
        "fi": "Virheellinen komentorivi: {detail}. Katso --help.",
    },
    "unknown_example": {
        "en": "There is no example called '{name}'. The examples are: {names}.",
        "fi": "Esimerkkiä '{name}' ei ole. Esimerkit ovat: {names}.",
    },
    "example_missing": {
        "en": "The example script '{path}' is missing from this installation; install "
        "allas-examples again from its wheel, its git URL or a clone.",
        "fi": "Esimerkkiskripti '{path}' puuttuu tästä asennuksesta; asenna allas-examples "
        "uudelleen wheelistä, git-osoitteesta tai kloonista.",
    },
    "bad_segment_size": {
        "en": "The segment size '{value}' is not a positive number of bytes "
        "(suffixes K, M, G are allowed, e.g. 5G).",
        "fi": "Segmentin koko '{value}' ei ole positiivinen tavumäärä "
        "(päätteet K, M, G sallitaan, esim. 5G).",
    },
    "local_missing": {
        "en": "The local file '{path}' does not exist.",
        "fi": "Paikallista tiedostoa '{path}' ei ole olemassa.",
    },
    "local_is_directory": {
        "en": "'{path}' is a folder, not a file.",
        "fi": "'{path}' on kansio, ei tiedosto.",
    },
    "local_permission": {
        "en": "No permission to use '{path}'.",
        "fi": "Ei oikeutta käyttää kohdetta '{path}'.",
    },
    "local_os_error": {
        "en": "Could not use the local file '{path}': {reason}.",
        "fi": "Paikallista tiedostoa '{path}' ei voitu käyttää: {reason}.",
    },
    # --- the service refused or failed (exit code 1) ---
    "login_refused": {
        "en": "Allas refused the login: check your username, password, project name and "
        "domain (HTTP 401).",
        "fi": "Allas hylkäsi kirjautumisen: tarkista käyttäjätunnus, salasana, projektin nimi "
        "ja domain (HTTP 401).",
    },
    "token_refused": {
        "en": "Allas did not accept the token: it is wrong or has expired (tokens last "
        "8 hours); log in again, for example with allas-conf (HTTP 401).",
        "fi": "Allas ei hyväksynyt tunnistetta (token): se on väärä tai vanhentunut "
        "(voimassa 8 tuntia); kirjaudu uudelleen, esimerkiksi allas-conf-komennolla "
        "(HTTP 401).",
    },
    "role_refused": {
        "en": "Allas accepted your login but refuses its token: your role in the project "
        "does not give access to storage (a reader-only role or application credential is "
        "not enough); ask the project's manager for the member role (HTTP 401).",
        "fi": "Allas hyväksyi kirjautumisen mutta hylkää sen tunnisteen (token): roolisi "
        "projektissa ei anna pääsyä tallennustilaan (pelkkä lukijan rooli tai sellainen "
        "sovellustunnus ei riitä); pyydä projektin hallinnoijalta member-roolia (HTTP 401).",
    },
    "forbidden": {
        "en": "Access denied: your project has no permission for this (HTTP 403). Check "
        "that the project has Allas access and that you are using the right project.",
        "fi": "Pääsy estetty: projektillasi ei ole tähän oikeutta (HTTP 403). Tarkista, "
        "että projektilla on Allas-käyttöoikeus ja että käytät oikeaa projektia.",
    },
    "no_such_bucket": {
        "en": "Bucket '{bucket}' does not exist in your project (HTTP 404).",
        "fi": "Bucketia '{bucket}' ei ole projektissasi (HTTP 404).",
    },
    "no_such_object": {
        "en": "Object '{object}' does not exist in bucket '{bucket}' (HTTP 404).",
        "fi": "Objektia '{object}' ei ole bucketissa '{bucket}' (HTTP 404).",
    },
    "bucket_not_empty": {
        "en": "Bucket '{bucket}' is not empty, and only empty buckets can be removed "
        "(HTTP 409). Remove its objects first, for example: "
        "python examples/remove_buckets_and_objects.py {bucket}",
        "fi": "Bucket '{bucket}' ei ole tyhjä, ja vain tyhjiä bucketteja voi poistaa "
        "(HTTP 409). Poista ensin sen objektit, esimerkiksi: "
        "python examples/remove_buckets_and_objects.py {bucket}",
    },
    "bucket_name_taken": {
        "en": "The bucket name '{bucket}' is already taken (HTTP 409): bucket names in "
        "Allas are shared by all projects, so choose a more specific name.",
        "fi": "Bucketin nimi '{bucket}' on jo käytössä (HTTP 409): Allaksen bucket-nimet "
        "ovat yhteisiä kaikille projekteille, joten valitse yksilöllisempi nimi.",
    },
    "bad_request": {
        "en": "Allas refused the request as invalid (HTTP 400): {detail}",
        "fi": "Allas hylkäsi pyynnön virheellisenä (HTTP 400): {detail}",
    },
    "too_large": {
        "en": "The file is too large for a single upload (at most 5 GiB, HTTP 413); use "
        "examples/upload_large_object.py, which uploads it in segments.",
        "fi": "Tiedosto on liian suuri yhdellä kertaa ladattavaksi (enintään 5 GiB, "
        "HTTP 413); käytä skriptiä examples/upload_large_object.py, joka lataa sen "
        "segmentteinä.",
    },
    "checksum_refused": {
        "en": "Allas received different bytes than were sent (checksum mismatch, HTTP 422); "
        "nothing was stored, try the upload again.",
        "fi": "Allas vastaanotti eri tavut kuin lähetettiin (tarkistussumma ei täsmää, "
        "HTTP 422); mitään ei tallennettu, yritä latausta uudelleen.",
    },
    "upload_checksum_mismatch": {
        "en": "The stored object's checksum {remote} differs from the local file's md5 "
        "{local}; upload the file again.",
        "fi": "Tallennetun objektin tarkistussumma {remote} eroaa paikallisen tiedoston "
        "md5-summasta {local}; lataa tiedosto uudelleen.",
    },
    "download_checksum_mismatch": {
        "en": "The downloaded bytes do not match the object's checksum ({remote} expected, "
        "{local} received); nothing was written, try again.",
        "fi": "Ladatut tavut eivät vastaa objektin tarkistussummaa (odotettiin {remote}, "
        "saatiin {local}); mitään ei kirjoitettu, yritä uudelleen.",
    },
    "upload_failed": {
        "en": "The upload of '{object}' failed: {detail}",
        "fi": "Objektin '{object}' lataus epäonnistui: {detail}",
    },
    "connection_failed": {
        "en": "Could not connect to {host}: check your network connection and the address.",
        "fi": "Yhteyttä palvelimeen {host} ei saatu: tarkista verkkoyhteys ja osoite.",
    },
    "no_object_store": {
        "en": "The login worked, but the project has no Allas (object-store) service in "
        "region regionOne.",
        "fi": "Kirjautuminen onnistui, mutta projektilla ei ole Allas-palvelua "
        "(object-store) alueella regionOne.",
    },
    "http_error": {
        "en": "Allas answered with an error: HTTP {status} {reason}.",
        "fi": "Allas vastasi virheellä: HTTP {status} {reason}.",
    },
    "service_error": {
        "en": "The request to Allas failed: {detail}",
        "fi": "Pyyntö Allakseen epäonnistui: {detail}",
    },
    "interrupted": {
        "en": "Interrupted; no partial file was left behind.",
        "fi": "Keskeytetty; keskeneräistä tiedostoa ei jäänyt.",
    },
    "debug_hint": {
        "en": "Run again with --debug for technical details.",
        "fi": "Aja uudelleen valitsimella --debug nähdäksesi tekniset yksityiskohdat.",
    },
    # --- what the scripts print ---
    "fake_in_use": {
        "en": "Offline mode: using the fake Allas stored in '{path}'.",
        "fi": "Verkoton tila: käytössä kansioon '{path}' tallennettu Allas-jäljitelmä.",
    },
    "sample_created": {
        "en": "Created the sample file '{path}' to upload.",
        "fi": "Loin ladattavaksi esimerkkitiedoston '{path}'.",
    },
    "connected": {
        "en": "Connected to Allas. Storage URL: {url}",
        "fi": "Yhteys Allakseen muodostettu. Tallennusosoite: {url}",
    },
    "account_summary": {
        "en": "The project has {buckets} buckets holding {objects} objects ({bytes} bytes).",
        "fi": "Projektilla on {buckets} bucketia, joissa on {objects} objektia ({bytes} tavua).",
    },
    "bucket_created": {
        "en": "Bucket '{bucket}' created.",
        "fi": "Bucket '{bucket}' luotu.",
    },
    "bucket_already_yours": {
        "en": "Bucket '{bucket}' already exists in your project; nothing to do.",
        "fi": "Bucket '{bucket}' on jo projektissasi; mitään ei tarvinnut tehdä.",
    },
    "object_uploaded": {
        "en": "Uploaded '{path}' to '{bucket}/{object}' ({size} bytes); the ETag matches "
        "the local md5 {md5}.",
        "fi": "Tiedosto '{path}' ladattu kohteeseen '{bucket}/{object}' ({size} tavua); "
        "ETag vastaa paikallista md5-summaa {md5}.",
    },
    "segment_uploaded": {
        "en": "  segment {index} of '{object}' uploaded ({size} bytes)",
        "fi": "  objektin '{object}' segmentti {index} ladattu ({size} tavua)",
    },
    "large_uploaded_segments": {
        "en": "Uploaded '{path}' to '{bucket}/{object}' in {count} segments of at most "
        "{segment_size} bytes (segments in bucket '{segment_bucket}').",
        "fi": "Tiedosto '{path}' ladattu kohteeseen '{bucket}/{object}' {count} segmenttinä, "
        "kukin enintään {segment_size} tavua (segmentit bucketissa '{segment_bucket}').",
    },
    "large_uploaded_whole": {
        "en": "Uploaded '{path}' to '{bucket}/{object}' in one piece ({size} bytes, smaller "
        "than the segment size {segment_size}).",
        "fi": "Tiedosto '{path}' ladattu kohteeseen '{bucket}/{object}' yhtenä kappaleena "
        "({size} tavua, pienempi kuin segmentin koko {segment_size}).",
    },
    "buckets_heading": {
        "en": "Buckets in the project (name, objects, bytes):",
        "fi": "Projektin bucketit (nimi, objekteja, tavuja):",
    },
    "no_buckets": {
        "en": "The project has no buckets yet.",
        "fi": "Projektilla ei ole vielä bucketteja.",
    },
    "objects_heading": {
        "en": "Objects in bucket '{bucket}' (name, bytes, last modified):",
        "fi": "Bucketin '{bucket}' objektit (nimi, tavuja, muokattu viimeksi):",
    },
    "no_objects": {
        "en": "Bucket '{bucket}' is empty.",
        "fi": "Bucket '{bucket}' on tyhjä.",
    },
    "objects_total": {
        "en": "{count} objects, {bytes} bytes in all.",
        "fi": "Yhteensä {count} objektia, {bytes} tavua.",
    },
    "object_downloaded": {
        "en": "Downloaded '{bucket}/{object}' to '{path}' ({size} bytes, md5 {md5} verified).",
        "fi": "Objekti '{bucket}/{object}' ladattu tiedostoon '{path}' ({size} tavua, "
        "md5 {md5} tarkistettu).",
    },
    "object_downloaded_segmented": {
        "en": "Downloaded '{bucket}/{object}' to '{path}' ({size} bytes; a segmented "
        "object, its size was verified).",
        "fi": "Objekti '{bucket}/{object}' ladattu tiedostoon '{path}' ({size} tavua; "
        "segmentoitu objekti, sen koko tarkistettiin).",
    },
    "object_removed": {
        "en": "Object '{bucket}/{object}' removed.",
        "fi": "Objekti '{bucket}/{object}' poistettu.",
    },
    "bucket_removed": {
        "en": "Bucket '{bucket}' removed.",
        "fi": "Bucket '{bucket}' poistettu.",
    },
    "fake_reset_done": {
        "en": "The fake Allas in '{path}' is now empty.",
        "fi": "Allas-jäljitelmä kansiossa '{path}' on nyt tyhjä.",
    },
    # --- the tour ---
    "tour_start": {
        "en": "A tour of the six Allas operations, on {target}.",
        "fi": "Kierros Allaksen kuuden perustoiminnon läpi, kohteena {target}.",
    },
    "tour_target_fake": {
        "en": "the built-in fake Allas (no account or network needed)",
        "fi": "sisäänrakennettu Allas-jäljitelmä (tunnusta tai verkkoa ei tarvita)",
    },
    "tour_target_real": {
        "en": "the real Allas, in a new bucket '{bucket}' that is removed at the end",
        "fi": "oikea Allas, uudessa bucketissa '{bucket}', joka poistetaan lopuksi",
    },
    "tour_step": {
        "en": "\n== Step {number}/{total}: {title} ({script}) ==",
        "fi": "\n== Vaihe {number}/{total}: {title} ({script}) ==",
    },
    "tour_connect": {"en": "Create a connection", "fi": "Yhteyden muodostaminen"},
    "tour_create": {"en": "Create a bucket", "fi": "Bucketin luonti"},
    "tour_upload": {"en": "Upload an object", "fi": "Objektin lataus palvelimelle"},
    "tour_upload_large": {
        "en": "Upload a large object in segments",
        "fi": "Suuren objektin lataus segmentteinä",
    },
    "tour_list": {"en": "List buckets and objects", "fi": "Bucketien ja objektien listaaminen"},
    "tour_download": {"en": "Download an object", "fi": "Objektin lataus palvelimelta"},
    "tour_not_empty": {
        "en": "Try to remove a bucket that is not empty",
        "fi": "Yritys poistaa bucket, joka ei ole tyhjä",
    },
    "tour_remove": {"en": "Remove objects and buckets", "fi": "Bucketien ja objektien poistaminen"},
    "tour_refused_as_expected": {
        "en": "Allas refused, as it should: {message}",
        "fi": "Allas kieltäytyi, kuten pitääkin: {message}",
    },
    "tour_not_refused": {
        "en": "Allas removed a bucket that was not empty; this should not happen.",
        "fi": "Allas poisti bucketin, joka ei ollut tyhjä; näin ei pitäisi käydä.",
    },
    "tour_done": {
        "en": "\nTour complete: every operation worked and everything it made is removed.",
        "fi": "\nKierros valmis: jokainen toiminto onnistui ja kaikki luotu on poistettu.",
    },
    "tour_cleanup": {
        "en": "Cleaning up what the tour made in bucket '{bucket}'.",
        "fi": "Siivotaan kierroksen luomat tiedot bucketista '{bucket}'.",
    },
    # --- `allas-examples list` and the command-line help ---
    "list_heading": {
        "en": "The examples, in course order (run one with: allas-examples run NAME):",
        "fi": "Esimerkit kurssin järjestyksessä (aja yksi komennolla: allas-examples run NIMI):",
    },
    "desc_create_connection": {
        "en": "Log in to Allas and show the storage URL.",
        "fi": "Kirjaudu Allakseen ja näytä tallennusosoite.",
    },
    "desc_create_bucket": {
        "en": "Create a bucket.",
        "fi": "Luo bucket.",
    },
    "desc_upload_object": {
        "en": "Upload a file (binary-safe) and check its md5.",
        "fi": "Lataa tiedosto palvelimelle (binäärinä) ja tarkista sen md5.",
    },
    "desc_upload_large_object": {
        "en": "Upload a large file in segments with SwiftService.",
        "fi": "Lataa suuri tiedosto segmentteinä SwiftServicellä.",
    },
    "desc_list_buckets_and_objects": {
        "en": "List the project's buckets and a bucket's objects.",
        "fi": "Listaa projektin bucketit ja bucketin objektit.",
    },
    "desc_download_object": {
        "en": "Download an object in binary mode and verify its md5.",
        "fi": "Lataa objekti binääritilassa ja tarkista sen md5.",
    },
    "desc_remove_buckets_and_objects": {
        "en": "Remove objects and then their bucket.",
        "fi": "Poista objektit ja sitten niiden bucket.",
    },
    "help_lang": {
        "en": "language of the output: fi or en",
        "fi": "tulosteen kieli: fi tai en",
    },
    "help_fake": {
        "en": "use the offline fake Allas instead of the real one",
        "fi": "käytä verkotonta Allas-jäljitelmää oikean sijaan",
    },
    "help_real": {
        "en": "use the real Allas (needs the OS_* variables)",
        "fi": "käytä oikeaa Allasta (vaatii OS_*-muuttujat)",
    },
    "help_debug": {
        "en": "show the requests sent and, on errors, the traceback (secrets blanked)",
        "fi": "näytä lähetetyt pyynnöt ja virheen sattuessa jäljitys (salaisuudet peitettyinä)",
    },
    "help_bucket": {"en": "bucket name", "fi": "bucketin nimi"},
    "help_file": {"en": "local file", "fi": "paikallinen tiedosto"},
    "help_object": {"en": "object name in the bucket", "fi": "objektin nimi bucketissa"},
    "help_objects": {
        "en": "objects to remove (default: all objects in the bucket)",
        "fi": "poistettavat objektit (oletus: kaikki bucketin objektit)",
    },
    "help_keep_bucket": {
        "en": "remove only the objects and keep the bucket",
        "fi": "poista vain objektit ja säilytä bucket",
    },
    "help_bucket_only": {
        "en": "remove only the bucket (Allas refuses if it is not empty)",
        "fi": "poista vain bucket (Allas kieltäytyy, jos se ei ole tyhjä)",
    },
    "help_output": {"en": "local file to write", "fi": "kirjoitettava paikallinen tiedosto"},
    "help_segment_size": {
        "en": "segment size in bytes (K, M, G suffixes allowed); Allas' limit is 5G",
        "fi": "segmentin koko tavuina (päätteet K, M, G sallitaan); Allaksen raja on 5G",
    },
    "help_example_name": {"en": "example to run", "fi": "ajettava esimerkki"},
    "help_example_args": {"en": "arguments for the example", "fi": "esimerkin argumentit"},
    "help_cmd_list": {"en": "list the examples", "fi": "listaa esimerkit"},
    "help_cmd_run": {"en": "run one example", "fi": "aja yksi esimerkki"},
    "help_cmd_tour": {
        "en": "run every operation once, end to end",
        "fi": "aja jokainen toiminto kerran alusta loppuun",
    },
    "help_cmd_fake_reset": {
        "en": "empty the offline fake Allas",
        "fi": "tyhjennä verkoton Allas-jäljitelmä",
    },
    "help_version": {
        "en": "show the installed version of allas-examples and exit",
        "fi": "näytä asennettu allas-examples-versio ja lopeta",
    },
    "cli_description": {
        "en": "Runnable examples for CSC's Allas object storage.",
        "fi": "Ajettavia esimerkkejä CSC:n Allas-objektitallennukseen.",
    },
    # --- python -m fake_swift serve: the fake Allas over HTTP ---
    "serve_description": {
        "en": "The fake Allas (Swift API + Keystone v3) for tests and courses.",
        "fi": "Allas-jäljitelmä (Swift-rajapinta + Keystone v3) testeihin ja kursseille.",
    },
    "serve_help": {
        "en": "serve the fake over HTTP",
        "fi": "tarjoa jäljitelmää HTTP:n yli",
    },
    "serve_help_description": {
        "en": "Serve the fake Allas over HTTP and print the OS_* variables to use it.",
        "fi": "Tarjoa Allas-jäljitelmää HTTP:n yli ja tulosta sen käyttöön tarvittavat "
        "OS_*-muuttujat.",
    },
    "serve_help_host": {
        "en": "address to listen on (loopback)",
        "fi": "kuunneltava osoite (loopback)",
    },
    "serve_help_port": {
        "en": "port (default: a free one)",
        "fi": "portti (oletus: jokin vapaa)",
    },
    "serve_help_flavor": {
        "en": "answer as Ceph RGW (Allas) or as OpenStack Swift",
        "fi": "vastaa kuten Ceph RGW (Allas) tai kuten OpenStack Swift",
    },
    "serve_help_user": {
        "en": "add a user (repeatable), in domain D (default: Default, for the user and "
        "the project) with the roles R (default: member); the first one is printed "
        "(default: John)",
        "fi": "lisää käyttäjä (toistettavissa), toimialueeseen D (oletus: Default, sekä "
        "käyttäjälle että projektille) rooleilla R (oletus: member); ensimmäinen "
        "tulostetaan (oletus: John)",
    },
    "serve_help_state": {
        "en": "load and save the store in this folder",
        "fi": "lataa ja tallenna tallennustila tähän kansioon",
    },
    "serve_help_public": {
        "en": "allow a --host that is not a loopback address",
        "fi": "salli --host, joka ei ole loopback-osoite",
    },
    "serve_bad_user": {
        "en": "expected NAME:PASSWORD@PROJECT, optionally followed by ,domain=D and "
        ",role=R, got '{value}'",
        "fi": "odotettiin muotoa NAME:PASSWORD@PROJECT (nimi:salasana@projekti), jonka "
        "perässä voi olla ,domain=D ja ,role=R, saatiin '{value}'",
    },
    "serve_refused_host": {
        "en": "fake_swift: refusing to listen on {host}, which is not a loopback address "
        "(anyone who reaches it can log in with the printed password); add --public if you "
        "mean it.",
        "fi": "fake_swift: osoitetta {host} ei kuunnella, koska se ei ole loopback-osoite "
        "(kuka tahansa sen tavoittava voisi kirjautua tulostetulla salasanalla); lisää "
        "--public, jos tarkoitat sitä.",
    },
    "serve_cannot_resolve": {
        "en": "fake_swift: cannot resolve --host {host}: {error}",
        "fi": "fake_swift: osoitetta --host {host} ei voi selvittää: {error}",
    },
    "serve_cannot_load": {
        "en": "fake_swift: cannot load the state in {path}: {error}",
        "fi": "fake_swift: tallennustilaa ei voi ladata kansiosta {path}: {error}",
    },
    "serve_cannot_listen": {
        "en": "fake_swift: cannot listen on {host}:{port}: {error}",
        "fi": "fake_swift: osoitetta {host}:{port} ei voi kuunnella: {error}",
    },
    "serve_cannot_save": {
        "en": "fake_swift: cannot save the state: {error}",
        "fi": "fake_swift: tallennustilaa ei voi tallentaa: {error}",
    },
    "serve_storage_url": {
        "en": "# Storage URL: {url}",
        "fi": "# Tallennuksen osoite (storage URL): {url}",
    },
    "serve_serving": {
        "en": "Serving on {origin} (Ctrl-C stops)",
        "fi": "Palvelee osoitteessa {origin} (Ctrl-C pysäyttää)",
    },
    "serve_stopped": {
        "en": "Stopped.",
        "fi": "Pysäytetty.",
    },
}

# The examples beyond CSC's six operations keep their sentences in modules of their own,
# one a topic, merged here into the one catalog.
from allas_examples import (  # noqa: E402
    texts_benchmarks,
    texts_check,
    texts_faults,
    texts_folders,
    texts_input,
    texts_logins,
    texts_objects,
)

for _topic in (
    texts_logins,
    texts_folders,
    texts_objects,
    texts_input,
    texts_faults,
    texts_benchmarks,
    texts_check,
):
    _clash = set(_topic.TEXTS) & set(CATALOG)
    assert not _clash, f"catalog keys defined twice: {sorted(_clash)}"
    CATALOG.update(_topic.TEXTS)

_current = DEFAULT_LANGUAGE


def resolve_language(requested: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """Pick the language: explicit choice, ALLAS_EXAMPLES_LANG, LC_ALL/LANG, else English."""
    env = os.environ if environ is None else environ
    for choice in (requested, env.get("ALLAS_EXAMPLES_LANG")):
        if choice and choice.lower()[:2] in LANGUAGES:
            return choice.lower()[:2]
    locale = env.get("LC_ALL") or env.get("LANG") or ""
    return "fi" if locale.lower().startswith("fi") else DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    """Make ``language`` the one ``text`` and ``say`` use."""
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    _current = language


def current_language() -> str:
    return _current


def text(key: str, /, **values: object) -> str:
    """The catalog sentence ``key`` in the current language, with ``values`` filled in."""
    return CATALOG[key][_current].format(**values)


def say(key: str, /, **values: object) -> None:
    """Print the catalog sentence ``key`` in the current language."""
    print(text(key, **values), flush=True)


def warn(message: str) -> None:
    """Print an already translated error sentence to standard error."""
    print(message, file=sys.stderr, flush=True)
