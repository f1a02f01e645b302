"""Sentences of the examples about folder transfers, large downloads, progress and integrity checks.

Merged into ``messages.CATALOG``: every key has "en" and "fi".
"""

TEXTS: dict[str, dict[str, str]] = {
    # --- `allas-examples list` ---
    "desc_upload_folder": {
        "en": "Upload a whole folder, skipping files that are already there.",
        "fi": "Lataa koko kansio palvelimelle ja ohita tiedostot, jotka ovat jo siellä.",
    },
    "desc_download_folder": {
        "en": "Download a bucket, or the objects under a prefix, into a folder.",
        "fi": "Lataa bucket tai etuliitteen alla olevat objektit kansioon.",
    },
    "desc_download_large_object": {
        "en": "Download a large object in chunks, verify it and resume if interrupted.",
        "fi": "Lataa suuri objekti paloina, tarkista se ja jatka keskeytyksen jälkeen.",
    },
    "desc_check_integrity": {
        "en": "Compare a local file or folder with the checksums in Allas.",
        "fi": "Vertaa paikallista tiedostoa tai kansiota Allaksen tarkistussummiin.",
    },
    # --- help texts ---
    "help_folder": {"en": "local folder to upload", "fi": "ladattava paikallinen kansio"},
    "help_target_folder": {
        "en": "local folder to download into",
        "fi": "paikallinen kansio, johon ladataan",
    },
    "help_prefix": {
        "en": "object name prefix, e.g. 'data/' (default: none)",
        "fi": "objektien nimen etuliite, esim. 'data/' (oletus: ei etuliitettä)",
    },
    "help_download_prefix": {
        "en": "download only the objects whose names start with this; it is left out of "
        "the local paths (default: the whole bucket)",
        "fi": "lataa vain objektit, joiden nimi alkaa tällä; se jätetään pois paikallisista "
        "poluista (oletus: koko bucket)",
    },
    "help_local_path": {
        "en": "local file or folder to check",
        "fi": "tarkistettava paikallinen tiedosto tai kansio",
    },
    "help_check_object": {
        "en": "object name of a file, or the prefix of a folder's objects",
        "fi": "tiedoston objektin nimi tai kansion objektien etuliite",
    },
    "help_quiet": {
        "en": "show no progress bar (it is shown only on a terminal anyway)",
        "fi": "älä näytä edistymispalkkia (se näytetään vain päätteessä muutenkin)",
    },
    # --- upload_folder.py ---
    "folder_sample_created": {
        "en": "Created the sample folder '{path}' to upload.",
        "fi": "Loin ladattavaksi esimerkkikansion '{path}'.",
    },
    "not_a_folder": {
        "en": "'{path}' is not a folder; give a folder to upload.",
        "fi": "'{path}' ei ole kansio; anna ladattava kansio.",
    },
    "folder_file_uploaded": {
        "en": "  uploaded '{path}' as '{bucket}/{object}' ({size} bytes)",
        "fi": "  ladattu '{path}' objektiksi '{bucket}/{object}' ({size} tavua)",
    },
    "folder_file_skipped": {
        "en": "  skipped '{path}': '{bucket}/{object}' is already identical",
        "fi": "  ohitettu '{path}': '{bucket}/{object}' on jo samanlainen",
    },
    "folder_uploaded": {
        "en": "Folder '{path}' is in bucket '{bucket}': {uploaded} files uploaded, "
        "{skipped} already identical.",
        "fi": "Kansio '{path}' on bucketissa '{bucket}': {uploaded} tiedostoa ladattu, "
        "{skipped} oli jo samanlaisia.",
    },
    # --- download_folder.py ---
    "sample_objects_uploaded": {
        "en": "Put {count} sample objects into bucket '{bucket}' to download.",
        "fi": "Lisäsin bucketiin '{bucket}' {count} esimerkkiobjektia ladattavaksi.",
    },
    "folder_file_downloaded": {
        "en": "  downloaded '{bucket}/{object}' to '{path}' ({size} bytes)",
        "fi": "  ladattu '{bucket}/{object}' tiedostoon '{path}' ({size} tavua)",
    },
    "folder_downloaded": {
        "en": "Downloaded {count} objects ({bytes} bytes) from bucket '{bucket}' into "
        "folder '{path}'.",
        "fi": "Ladattu {count} objektia ({bytes} tavua) bucketista '{bucket}' kansioon '{path}'.",
    },
    "folder_nothing_to_download": {
        "en": "Bucket '{bucket}' has no objects starting with '{prefix}'; nothing was downloaded.",
        "fi": "Bucketissa '{bucket}' ei ole objekteja, joiden nimi alkaa '{prefix}'; "
        "mitään ei ladattu.",
    },
    "unsafe_object_name": {
        "en": "Refused to download: the object name '{object}' would be written outside "
        "the folder '{path}'; nothing was downloaded.",
        "fi": "Lataus hylätty: objektin nimi '{object}' kirjoittaisi kansion '{path}' "
        "ulkopuolelle; mitään ei ladattu.",
    },
    "folder_download_checksum_mismatch": {
        "en": "The downloaded bytes of '{object}' do not match its checksum ({remote} "
        "expected, {local} received); that file was not written, try again.",
        "fi": "Objektin '{object}' ladatut tavut eivät vastaa sen tarkistussummaa "
        "(odotettiin {remote}, saatiin {local}); tiedostoa ei kirjoitettu, yritä uudelleen.",
    },
    # --- download_large_object.py ---
    "large_sample_uploaded": {
        "en": "Uploaded a sample large object '{bucket}/{object}' in {count} segments to download.",
        "fi": "Latasin ladattavaksi esimerkiksi suuren objektin '{bucket}/{object}' "
        "{count} segmenttinä.",
    },
    "large_resuming": {
        "en": "Resuming the download of '{bucket}/{object}': {done} of {size} bytes are "
        "already in '{partial}'.",
        "fi": "Jatketaan objektin '{bucket}/{object}' latausta: {done}/{size} tavua on jo "
        "tiedostossa '{partial}'.",
    },
    "large_downloaded": {
        "en": "Downloaded '{bucket}/{object}' to '{path}' ({size} bytes; the md5 of all "
        "{count} parts verified).",
        "fi": "Objekti '{bucket}/{object}' ladattu tiedostoon '{path}' ({size} tavua; "
        "kaikkien {count} osan md5 tarkistettu).",
    },
    "large_downloaded_size_only": {
        "en": "Downloaded '{bucket}/{object}' to '{path}' ({size} bytes; its segments were "
        "not found, so only its size was verified).",
        "fi": "Objekti '{bucket}/{object}' ladattu tiedostoon '{path}' ({size} tavua; sen "
        "segmenttejä ei löytynyt, joten vain koko tarkistettiin).",
    },
    "large_interrupted": {
        "en": "The download was interrupted after {done} bytes; run the same command again "
        "to continue from '{partial}'.",
        "fi": "Lataus keskeytyi {done} tavun jälkeen; aja sama komento uudelleen, niin "
        "lataus jatkuu tiedostosta '{partial}'.",
    },
    "large_part_mismatch": {
        "en": "Part {index} of '{object}' does not match its checksum ({remote} expected, "
        "{local} received); the partial file was removed, download again.",
        "fi": "Objektin '{object}' osa {index} ei vastaa tarkistussummaansa (odotettiin "
        "{remote}, saatiin {local}); keskeneräinen tiedosto poistettiin, lataa uudelleen.",
    },
    # --- check_integrity.py ---
    "integrity_sample_uploaded": {
        "en": "Uploaded '{path}' to '{bucket}/{object}' to have something to compare with.",
        "fi": "Latasin tiedoston '{path}' objektiksi '{bucket}/{object}' vertailtavaksi.",
    },
    "integrity_ok": {
        "en": "OK         {path} = {bucket}/{object}",
        "fi": "TÄSMÄÄ     {path} = {bucket}/{object}",
    },
    "integrity_different": {
        "en": "DIFFERENT  {path} != {bucket}/{object}",
        "fi": "ERI        {path} != {bucket}/{object}",
    },
    "integrity_missing": {
        "en": "MISSING    {path}: no object {bucket}/{object}",
        "fi": "PUUTTUU    {path}: ei objektia {bucket}/{object}",
    },
    "integrity_unverifiable": {
        "en": "UNKNOWN    {path}: the segments of {bucket}/{object} were not found; the "
        "sizes are equal",
        "fi": "TUNTEMATON {path}: objektin {bucket}/{object} segmenttejä ei löytynyt; "
        "koot ovat samat",
    },
    "integrity_all_ok": {
        "en": "All {count} files match their objects in Allas.",
        "fi": "Kaikki {count} tiedostoa vastaavat objektejaan Allaksessa.",
    },
    "integrity_failed": {
        "en": "{bad} of {count} files do not match Allas (different, missing or unverifiable).",
        "fi": "{bad}/{count} tiedostoa ei vastaa Allasta (eri, puuttuu tai ei tarkistettavissa).",
    },
}
