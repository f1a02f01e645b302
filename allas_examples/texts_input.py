"""Sentences about bad input: names, files and folders the scripts refuse before sending or writing.

Merged into ``messages.CATALOG``: every key has "en" and "fi".
"""

TEXTS: dict[str, dict[str, str]] = {
    # --- bucket names, checked before anything is sent (exit code 2) ---
    "bucket_name_too_short": {
        "en": "The bucket name '{bucket}' is too short: Allas needs at least 3 characters.",
        "fi": "Bucketin nimi '{bucket}' on liian lyhyt: Allas vaatii vähintään 3 merkkiä.",
    },
    "bucket_name_too_long": {
        "en": "The bucket name is too long ({size} bytes): Allas allows at most 255 bytes "
        "(ä, ö and other letters outside A-Z take 2 bytes or more).",
        "fi": "Bucketin nimi on liian pitkä ({size} tavua): Allas sallii enintään 255 tavua "
        "(ä, ö ja muut A–Z:n ulkopuoliset kirjaimet vievät 2 tavua tai enemmän).",
    },
    "bucket_name_has_slash": {
        "en": "The bucket name '{bucket}' contains '/', which Allas does not allow in bucket "
        "names; put the folder part in the object name instead.",
        "fi": "Bucketin nimessä '{bucket}' on merkki '/', jota Allas ei salli; laita "
        "kansio-osa objektin nimeen.",
    },
    "bucket_name_starts_with_dot": {
        "en": "The bucket name '{bucket}' starts with '.', which Allas does not allow.",
        "fi": "Bucketin nimi '{bucket}' alkaa pisteellä, eikä Allas salli sellaista nimeä.",
    },
    "bucket_name_refused": {
        "en": "Allas refused the bucket name '{bucket}' (HTTP 400 InvalidBucketName); use "
        "3 to 255 bytes, no '/' and no '.' at the start.",
        "fi": "Allas hylkäsi bucketin nimen '{bucket}' (HTTP 400 InvalidBucketName); käytä "
        "3–255 tavua, ei merkkiä '/' eikä pistettä alussa.",
    },
    # --- local files (exit code 2) ---
    "file_too_large_for_one_upload": {
        "en": "'{path}' is {size} bytes, more than the 5 GiB that one upload can hold; "
        "nothing was sent. Upload it in segments with examples/upload_large_object.py.",
        "fi": "Tiedoston '{path}' koko on {size} tavua, mikä ylittää yhden latauksen "
        "enimmäiskoon 5 GiB; mitään ei lähetetty. Lataa se segmentteinä skriptillä "
        "examples/upload_large_object.py.",
    },
    "target_folder_not_writable": {
        "en": "Cannot write '{path}': no permission to write in the folder '{folder}'; "
        "choose another folder.",
        "fi": "Tiedostoa '{path}' ei voi kirjoittaa: kansioon '{folder}' ei ole "
        "kirjoitusoikeutta; valitse toinen kansio.",
    },
    "target_folder_missing": {
        "en": "Cannot write '{path}': the folder '{folder}' does not exist.",
        "fi": "Tiedostoa '{path}' ei voi kirjoittaa: kansiota '{folder}' ei ole olemassa.",
    },
    # --- failures during a transfer (exit code 1) ---
    "disk_full": {
        "en": "The disk is full: '{path}' could not be written, and nothing was left under "
        "that name. Free some space and run the command again.",
        "fi": "Levy on täynnä: tiedostoa '{path}' ei voitu kirjoittaa, eikä sen nimellä "
        "jäänyt keskeneräistä tiedostoa. Vapauta tilaa ja aja komento uudelleen.",
    },
    "transfer_broken": {
        "en": "The connection to Allas broke off during the transfer; no partial file was "
        "left behind. Run the command again.",
        "fi": "Yhteys Allakseen katkesi kesken siirron; keskeneräistä tiedostoa ei jäänyt. "
        "Aja komento uudelleen.",
    },
}
