"""Sentences of the examples on pseudo-folders, metadata, copy and move, and the course mode.

Merged into ``messages.CATALOG``: every key has "en" and "fi".
"""

TEXTS: dict[str, dict[str, str]] = {
    # --- list_pseudo_folders.py ---
    "desc_list_pseudo_folders": {
        "en": "Browse a bucket like folders with a prefix and a delimiter.",
        "fi": "Selaa bucketia kuin kansioita etuliitteen ja erottimen avulla.",
    },
    "pseudo_level_heading_top": {
        "en": "Top level of bucket '{bucket}' (folders end with the delimiter):",
        "fi": "Bucketin '{bucket}' ylin taso (kansiot päättyvät erottimeen):",
    },
    "pseudo_level_heading": {
        "en": "Level '{prefix}' of bucket '{bucket}' (folders end with the delimiter):",
        "fi": "Bucketin '{bucket}' taso '{prefix}' (kansiot päättyvät erottimeen):",
    },
    "pseudo_folder_line": {
        "en": "  [folder] {folder}",
        "fi": "  [kansio] {folder}",
    },
    "pseudo_level_empty": {
        "en": "  (nothing at this level)",
        "fi": "  (tällä tasolla ei ole mitään)",
    },
    "pseudo_tree_total": {
        "en": "The walk found {count} objects in bucket '{bucket}'.",
        "fi": "Läpikäynti löysi bucketista '{bucket}' {count} objektia.",
    },
    "pseudo_demo_tree_created": {
        "en": "Put {count} demo objects with folder-like names in bucket '{bucket}'.",
        "fi": "Lisäsin bucketiin '{bucket}' {count} kansiomaisesti nimettyä esimerkkiobjektia.",
    },
    "pseudo_help_prefix": {
        "en": "list only names that start with this (end it with the delimiter, e.g. reports/)",
        "fi": "listaa vain tällä alkavat nimet (päätä se erottimeen, esim. reports/)",
    },
    "pseudo_help_delimiter": {
        "en": "the character that separates folder levels in names (default /)",
        "fi": "merkki, joka erottaa kansiotasot nimissä (oletus /)",
    },
    "pseudo_help_tree": {
        "en": "walk every level below the prefix, one listing per folder",
        "fi": "käy läpi kaikki etuliitteen alaiset tasot, yksi listaus kansiota kohden",
    },
    # --- object_metadata.py ---
    "desc_object_metadata": {
        "en": "Read and change the metadata of an object or a bucket.",
        "fi": "Lue ja muuta objektin tai bucketin metatietoja.",
    },
    "meta_bad_name": {
        "en": "The metadata name '{name}' is not allowed: use only ASCII letters, digits "
        "and hyphens. Names travel as HTTP header names, and Python's HTTP client cannot "
        "read other characters back (reading the object can hang); values may be any "
        "UTF-8 text.",
        "fi": "Metatiedon nimi '{name}' ei kelpaa: käytä vain ASCII-kirjaimia, numeroita "
        "ja yhdysmerkkejä. Nimet kulkevat HTTP-otsakkeiden niminä, eikä Pythonin "
        "HTTP-asiakas pysty lukemaan muita merkkejä takaisin (objektin luku voi jäädä "
        "jumiin); arvot voivat olla mitä tahansa UTF-8-tekstiä.",
    },
    "meta_name_too_long": {
        "en": "The metadata name '{name}' is longer than {limit} bytes, the most Allas accepts.",
        "fi": "Metatiedon nimi '{name}' on pidempi kuin {limit} tavua, mikä on Allaksen yläraja.",
    },
    "meta_bad_pair": {
        "en": "'{pair}' is not of the form NAME=VALUE (NAME= with no value removes NAME).",
        "fi": "'{pair}' ei ole muotoa NIMI=ARVO (NIMI= ilman arvoa poistaa nimen).",
    },
    "meta_object_replaced": {
        "en": "Object '{bucket}/{object}' now has exactly {count} metadata items; any "
        "others it had are gone.",
        "fi": "Objektilla '{bucket}/{object}' on nyt täsmälleen {count} metatietoa; "
        "muut aiemmat poistuivat.",
    },
    "meta_object_updated": {
        "en": "Object '{bucket}/{object}': {count} metadata items set or removed; the "
        "others were read and sent again, because a POST replaces them all.",
        "fi": "Objekti '{bucket}/{object}': {count} metatietoa asetettu tai poistettu; "
        "muut luettiin ja lähetettiin uudelleen, koska POST korvaa ne kaikki.",
    },
    "meta_bucket_updated": {
        "en": "Bucket '{bucket}': {count} metadata items set or removed; the others were "
        "left as they were.",
        "fi": "Bucket '{bucket}': {count} metatietoa asetettu tai poistettu; muut jäivät "
        "ennalleen.",
    },
    "meta_object_heading": {
        "en": "Metadata of object '{bucket}/{object}':",
        "fi": "Objektin '{bucket}/{object}' metatiedot:",
    },
    "meta_bucket_heading": {
        "en": "Metadata of bucket '{bucket}':",
        "fi": "Bucketin '{bucket}' metatiedot:",
    },
    "meta_none": {
        "en": "  (no metadata)",
        "fi": "  (ei metatietoja)",
    },
    "meta_demo_object_created": {
        "en": "Created the object '{bucket}/{object}' to work on.",
        "fi": "Loin käsiteltäväksi objektin '{bucket}/{object}'.",
    },
    "meta_help_set": {
        "en": "set NAME to VALUE (repeatable); NAME= removes NAME",
        "fi": "aseta NIMI arvoon ARVO (voi toistaa); NIMI= poistaa nimen",
    },
    "meta_help_replace": {
        "en": "replace all of the object's metadata with the --set pairs",
        "fi": "korvaa kaikki objektin metatiedot --set-pareilla",
    },
    "meta_help_bucket_metadata": {
        "en": "work on the bucket's metadata instead of the object's",
        "fi": "käsittele bucketin metatietoja objektin sijaan",
    },
    # --- copy_and_move.py ---
    "desc_copy_and_move": {
        "en": "Copy an object to another bucket, or move it (copy, verify, delete).",
        "fi": "Kopioi objekti toiseen bucketiin tai siirrä se (kopioi, tarkista, poista).",
    },
    "copy_done": {
        "en": "Copied '{source}' to '{target}' inside Allas; the ETags match ({etag}).",
        "fi": "Objekti '{source}' kopioitu kohteeseen '{target}' Allaksen sisällä; "
        "ETagit täsmäävät ({etag}).",
    },
    "copy_streamed": {
        "en": "'{source}' is a segmented object: copied it through this computer into the "
        "single object '{target}' ({size} bytes, md5 {md5} verified).",
        "fi": "'{source}' on segmentoitu objekti: kopioitu tämän tietokoneen kautta "
        "yhdeksi objektiksi '{target}' ({size} tavua, md5 {md5} tarkistettu).",
    },
    "move_done": {
        "en": "Removed the original '{source}'; the object is now only at '{target}'.",
        "fi": "Alkuperäinen '{source}' poistettu; objekti on nyt vain kohteessa '{target}'.",
    },
    "copy_checksum_mismatch": {
        "en": "The copy's checksum {copied} differs from the original's {original}; the "
        "original was left as it was.",
        "fi": "Kopion tarkistussumma {copied} eroaa alkuperäisen tarkistussummasta "
        "{original}; alkuperäinen jätettiin ennalleen.",
    },
    "copy_too_large": {
        "en": "'{object}' is a segmented object of {size} bytes, more than the 5 GiB one "
        "object can hold, so it cannot be copied into one; download it and upload it again "
        "with examples/upload_large_object.py.",
        "fi": "'{object}' on {size} tavun segmentoitu objekti, enemmän kuin yhteen "
        "objektiin mahtuvat 5 GiB, joten sitä ei voi kopioida yhdeksi objektiksi; lataa se "
        "palvelimelta ja uudelleen palvelimelle skriptillä examples/upload_large_object.py.",
    },
    "copy_same_object": {
        "en": "'{bucket}/{object}' would be copied onto itself; give another target bucket "
        "or object name.",
        "fi": "'{bucket}/{object}' kopioitaisiin itsensä päälle; anna toinen kohdebucket "
        "tai objektin nimi.",
    },
    "copy_demo_object_created": {
        "en": "Created the object '{bucket}/{object}' to copy.",
        "fi": "Loin kopioitavaksi objektin '{bucket}/{object}'.",
    },
    "copy_help_target_bucket": {
        "en": "bucket to copy into (default: the same bucket)",
        "fi": "bucket, johon kopioidaan (oletus: sama bucket)",
    },
    "copy_help_target_object": {
        "en": "name of the copy (default: the same name, or copy_of_NAME in the same bucket)",
        "fi": "kopion nimi (oletus: sama nimi, tai copy_of_NIMI samassa bucketissa)",
    },
    "copy_help_move": {
        "en": "move: delete the original once the copy is verified",
        "fi": "siirrä: poista alkuperäinen, kun kopio on tarkistettu",
    },
    # --- the tour's course mode (allas-examples tour --step) ---
    "course_help_step": {
        "en": "course mode: explain each step and wait for Enter before running it",
        "fi": "kurssitila: selitä jokainen vaihe ja odota Enteriä ennen sen ajamista",
    },
    "course_press_enter": {
        "en": "Press Enter to run this step (Ctrl-C stops the tour). ",
        "fi": "Paina Enteriä ajaaksesi tämän vaiheen (Ctrl-C lopettaa kierroksen). ",
    },
    "course_tour_connect": {
        "en": "We log in to Keystone with the OS_* variables of the OpenStack RC file and "
        "get a token and the storage URL of the project. Every later request carries that "
        "token, so the password is sent once and never stored in the script.",
        "fi": "Kirjaudumme Keystoneen OpenStack RC -tiedoston OS_*-muuttujilla ja saamme "
        "tunnisteen (token) sekä projektin tallennusosoitteen. Jokainen myöhempi pyyntö "
        "kulkee tunnisteella, joten salasana lähetetään kerran eikä sitä tallenneta "
        "skriptiin.",
    },
    "course_tour_create": {
        "en": "We create a bucket, the container that holds objects. Bucket names are "
        "shared by all Allas projects, so a name someone else already uses is refused; "
        "creating a bucket you already have is harmless.",
        "fi": "Luomme bucketin eli säiliön, johon objektit tallennetaan. Bucket-nimet ovat "
        "yhteisiä kaikille Allaksen projekteille, joten toisen jo käyttämä nimi hylätään; "
        "oman, jo olemassa olevan bucketin luominen uudelleen ei haittaa.",
    },
    "course_tour_upload": {
        "en": "We upload a small file, read in binary mode so that every byte arrives as "
        "it is. Allas answers with the ETag, the md5 of what it stored, and we compare it "
        "with the md5 of the local file.",
        "fi": "Lataamme pienen tiedoston palvelimelle binääritilassa luettuna, jotta "
        "jokainen tavu säilyy sellaisenaan. Allas vastaa ETagilla eli tallentamansa "
        "sisällön md5-summalla, ja vertaamme sitä paikallisen tiedoston md5-summaan.",
    },
    "course_tour_upload_large": {
        "en": "One upload holds at most 5 GiB, so a large file goes in segments into the "
        "bucket <bucket>_segments, joined by a small manifest object. The segments here "
        "are tiny so that you can see them.",
        "fi": "Yksi lataus voi olla enintään 5 GiB, joten suuri tiedosto ladataan "
        "segmentteinä bucketiin <bucket>_segments, ja pieni manifestiobjekti yhdistää ne. "
        "Segmentit ovat tässä pieniä, jotta ne näkyvät.",
    },
    "course_tour_list": {
        "en": "We list the project's buckets and the objects of our bucket. Allas returns "
        "at most 10,000 names per request, so the listing asks for more pages until "
        "everything is in.",
        "fi": "Listaamme projektin bucketit ja oman bucketimme objektit. Allas palauttaa "
        "enintään 10 000 nimeä pyyntöä kohden, joten listaus pyytää lisää sivuja, kunnes "
        "kaikki on saatu.",
    },
    "course_tour_download": {
        "en": "We download both objects and check them: the small one against its md5, "
        "the segmented one against its size. The data goes to a temporary file first, so "
        "a failed download leaves nothing half-written.",
        "fi": "Lataamme molemmat objektit palvelimelta ja tarkistamme ne: pienen md5-summan "
        "ja segmentoidun koon perusteella. Data kirjoitetaan ensin väliaikaiseen "
        "tiedostoon, joten epäonnistunut lataus ei jätä puolikasta tiedostoa.",
    },
    "course_tour_not_empty": {
        "en": "We try to remove the bucket while it still holds objects. Allas refuses "
        "with HTTP 409, which protects data from a careless delete; the tour shows the "
        "message you would get.",
        "fi": "Yritämme poistaa bucketin, jossa on vielä objekteja. Allas kieltäytyy "
        "(HTTP 409), mikä suojaa dataa huolimattomalta poistolta; kierros näyttää viestin, "
        "jonka saisit.",
    },
    "course_tour_remove": {
        "en": "We remove the objects, the segments of the large one with it, and then the "
        "empty buckets. Afterwards nothing the tour made is left in the project.",
        "fi": "Poistamme objektit, suuren objektin segmentit samalla, ja sitten tyhjät "
        "bucketit. Sen jälkeen projektiin ei jää mitään kierroksen tekemää.",
    },
}
