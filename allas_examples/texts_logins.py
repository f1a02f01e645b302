"""Sentences of the examples about logins, sharing, temporary URLs and expiry.

Merged into ``messages.CATALOG``: every key has "en" and "fi".
"""

TEXTS: dict[str, dict[str, str]] = {
    # --- log_in.py ---
    "desc_log_in": {
        "en": "Log in with an allas-conf token, an RC file or an application credential.",
        "fi": "Kirjaudu allas-conf-tunnisteella, RC-tiedostolla tai sovellustunnuksella.",
    },
    "help_login_method": {
        "en": "how to log in (default: as the OS_* variables say)",
        "fi": "kirjautumistapa (oletus: OS_*-muuttujien mukaan)",
    },
    "help_rc_file": {
        "en": "OpenStack RC file to read (it is not run)",
        "fi": "luettava OpenStack RC -tiedosto (sitä ei ajeta)",
    },
    "logged_in_with_token": {
        "en": "Logged in with the allas-conf token. Storage URL: {url}",
        "fi": "Kirjauduttu allas-conf-tunnisteella (token). Tallennusosoite: {url}",
    },
    "logged_in_with_rc_file": {
        "en": "Logged in with the settings of '{path}'. Storage URL: {url}",
        "fi": "Kirjauduttu tiedoston '{path}' asetuksilla. Tallennusosoite: {url}",
    },
    "logged_in_with_application_credential": {
        "en": "Logged in with the application credential {id}. Storage URL: {url}",
        "fi": "Kirjauduttu sovellustunnuksella (application credential) {id}. "
        "Tallennusosoite: {url}",
    },
    "password_prompt": {
        "en": "Password of {username} for project {project} (not shown): ",
        "fi": "Käyttäjän {username} salasana projektiin {project} (ei näy kirjoitettaessa): ",
    },
    "rc_sample_created": {
        "en": "Wrote the sample RC file '{path}' (it holds no password).",
        "fi": "Kirjoitin esimerkin RC-tiedostosta '{path}' (siinä ei ole salasanaa).",
    },
    "rc_file_needed": {
        "en": "Name the RC file to read, for example: "
        "python examples/log_in.py --method rc-file project_2001234-openrc.sh",
        "fi": "Anna luettavan RC-tiedoston nimi, esimerkiksi: "
        "python examples/log_in.py --method rc-file project_2001234-openrc.sh",
    },
    "rc_file_empty": {
        "en": "'{path}' sets no OS_* variables; is it an OpenStack RC file?",
        "fi": "'{path}' ei aseta yhtään OS_*-muuttujaa; onko se OpenStack RC -tiedosto?",
    },
    "rc_file_unreadable": {
        "en": "Line {line} of '{path}' is not valid shell (an unclosed quote?).",
        "fi": "Tiedoston '{path}' rivi {line} ei ole kelvollista shelliä "
        "(sulkematon lainausmerkki?).",
    },
    # --- share_bucket.py ---
    "desc_share_bucket": {
        "en": "Share a bucket with another project or everyone, and take it back.",
        "fi": "Jaa bucket toiselle projektille tai kaikille ja peru jako.",
    },
    "help_share_read": {
        "en": "let this project read the bucket (Allas: project_2001234 or its id)",
        "fi": "anna tämän projektin lukea bucketia (Allas: project_2001234 tai sen tunniste)",
    },
    "help_share_write": {
        "en": "let this project also add and remove objects",
        "fi": "anna tämän projektin myös lisätä ja poistaa objekteja",
    },
    "help_share_public": {
        "en": "let anyone read the objects at https://a3s.fi/BUCKET/OBJECT",
        "fi": "anna kenen tahansa lukea objekteja osoitteessa https://a3s.fi/BUCKET/OBJEKTI",
    },
    "help_share_private": {
        "en": "take the public access back (projects keep theirs)",
        "fi": "peru julkinen pääsy (projektien oikeudet säilyvät)",
    },
    "help_share_revoke": {
        "en": "take this project's access back; alone: everyone's",
        "fi": "peru tämän projektin pääsy; yksinään: kaikkien",
    },
    "bad_grantee": {
        "en": "'{project}' is not a project to share with: give a project name or id such "
        "as project_2001234, without spaces or commas.",
        "fi": "'{project}' ei ole projekti, jolle voi jakaa: anna projektin nimi tai "
        "tunniste, esimerkiksi project_2001234, ilman välilyöntejä tai pilkkuja.",
    },
    "shared_for_reading": {
        "en": "Bucket '{bucket}': {who} may now read.",
        "fi": "Bucket '{bucket}': {who} voi nyt lukea.",
    },
    "shared_for_writing": {
        "en": "Bucket '{bucket}': {who} may now add and remove objects.",
        "fi": "Bucket '{bucket}': {who} voi nyt lisätä ja poistaa objekteja.",
    },
    "made_public": {
        "en": "Bucket '{bucket}' is now public: anyone can read and list its objects.",
        "fi": "Bucket '{bucket}' on nyt julkinen: kuka tahansa voi lukea ja listata sen objektit.",
    },
    "public_url": {
        "en": "  public URL: {url}",
        "fi": "  julkinen osoite: {url}",
    },
    "made_private": {
        "en": "Bucket '{bucket}' is no longer public.",
        "fi": "Bucket '{bucket}' ei ole enää julkinen.",
    },
    "access_revoked": {
        "en": "Bucket '{bucket}': the access of {who} is taken back.",
        "fi": "Bucket '{bucket}': pääsy peruttu kohteelta {who}.",
    },
    "access_revoked_all": {
        "en": "Bucket '{bucket}': all sharing is taken back; only your project has access.",
        "fi": "Bucket '{bucket}': kaikki jaot on peruttu; pääsy on vain omalla projektillasi.",
    },
    "access_now": {
        "en": "Access to bucket '{bucket}' besides your project: read: {read}; write: {write}.",
        "fi": "Pääsy buckettiin '{bucket}' oman projektisi lisäksi: luku: {read}; "
        "kirjoitus: {write}.",
    },
    "access_nobody": {"en": "nobody", "fi": "ei kenelläkään"},
    # --- make_temp_url.py ---
    "desc_make_temp_url": {
        "en": "Make a temporary URL that downloads an object without a login.",
        "fi": "Tee väliaikainen osoite, jolla objektin voi ladata ilman kirjautumista.",
    },
    "help_seconds": {
        "en": "how many seconds the URL works (default: 3600)",
        "fi": "kuinka monta sekuntia osoite toimii (oletus: 3600)",
    },
    "help_check_temp_url": {
        "en": "download through the URL once, without a login, to show that it works",
        "fi": "lataa objekti kerran osoitteen kautta ilman kirjautumista ja näytä, että se toimii",
    },
    "bad_seconds": {
        "en": "'{value}' is not a number of seconds: give a whole number, 1 or more.",
        "fi": "'{value}' ei ole sekuntimäärä: anna kokonaisluku, vähintään 1.",
    },
    "temp_url_key_in_use": {
        "en": "Signing with the project's temp URL key (it is not shown).",
        "fi": "Allekirjoitetaan projektin temp URL -avaimella (sitä ei näytetä).",
    },
    "temp_url_key_set": {
        "en": "The project had no temp URL key, so a random one was set "
        "(X-Account-Meta-Temp-URL-Key; it is not shown).",
        "fi": "Projektilla ei ollut temp URL -avainta, joten sille asetettiin satunnainen "
        "avain (X-Account-Meta-Temp-URL-Key; sitä ei näytetä).",
    },
    "temp_url_made": {
        "en": "Anyone with this URL can download '{bucket}/{object}' until {until} ({seconds} s):",
        "fi": "Kuka tahansa, jolla on tämä osoite, voi ladata objektin '{bucket}/{object}' "
        "{until} asti ({seconds} s):",
    },
    "temp_url": {"en": "  {url}", "fi": "  {url}"},
    "temp_url_works": {
        "en": "Checked: the URL downloaded {size} bytes without a login.",
        "fi": "Tarkistettu: osoitteesta latautui {size} tavua ilman kirjautumista.",
    },
    "temp_url_refused": {
        "en": "Allas refused the temporary URL (HTTP {status}): it has expired, or the "
        "project's temp URL key has changed since it was made.",
        "fi": "Allas hylkäsi väliaikaisen osoitteen (HTTP {status}): se on vanhentunut, "
        "tai projektin temp URL -avain on vaihtunut osoitteen tekemisen jälkeen.",
    },
    # --- upload_with_expiry.py ---
    "desc_upload_with_expiry": {
        "en": "Upload an object that removes itself after a while, and watch it go.",
        "fi": "Lataa objekti, joka poistuu itsestään hetken kuluttua, ja seuraa sen katoamista.",
    },
    "help_expiring_object": {
        "en": "object name in the bucket (default: expiring_ and the file's name)",
        "fi": "objektin nimi bucketissa (oletus: expiring_ ja tiedoston nimi)",
    },
    "help_after": {
        "en": "remove the object this many seconds after the upload "
        "(default: 2 with --fake, else 10)",
        "fi": "poista objekti näin monen sekunnin kuluttua latauksesta "
        "(oletus: 2 valitsimella --fake, muuten 10)",
    },
    "help_wait": {
        "en": "wait at most this many seconds for the object to go (default: 60; 0: do not wait)",
        "fi": "odota objektin poistumista enintään näin monta sekuntia (oletus: 60; 0: älä odota)",
    },
    "bad_after": {
        "en": "'{value}' is not a number of seconds for --after: give a whole number, 1 or more.",
        "fi": "'{value}' ei ole sekuntimäärä valitsimelle --after: anna kokonaisluku, vähintään 1.",
    },
    "bad_wait": {
        "en": "'{value}' is not a number of seconds for --wait: give a whole number, 0 or more.",
        "fi": "'{value}' ei ole sekuntimäärä valitsimelle --wait: anna kokonaisluku, vähintään 0.",
    },
    "expiring_uploaded": {
        "en": "Uploaded '{path}' to '{bucket}/{object}' ({size} bytes); Allas removes it "
        "after {after} s, at {at}.",
        "fi": "Tiedosto '{path}' ladattu kohteeseen '{bucket}/{object}' ({size} tavua); "
        "Allas poistaa sen {after} s kuluttua, {at}.",
    },
    "expiry_waiting": {
        "en": "Asking for '{object}' until it is gone (due at {at})...",
        "fi": "Kysytään objektia '{object}', kunnes se on poistunut (määräaika {at})...",
    },
    "expiry_not_waiting": {
        "en": "Not waiting: the object goes at {at}, later than --wait {wait} s allows.",
        "fi": "Ei odoteta: objekti poistuu {at}, myöhemmin kuin --wait {wait} s sallii.",
    },
    "expiry_gone": {
        "en": "Gone: '{bucket}/{object}' answers 404 (HTTP HEAD).",
        "fi": "Poistunut: '{bucket}/{object}' vastaa 404 (HTTP HEAD).",
    },
    "expiry_not_seen": {
        "en": "'{bucket}/{object}' was still there after {wait} s; the server has not "
        "removed it yet.",
        "fi": "'{bucket}/{object}' oli yhä olemassa {wait} s jälkeen; palvelin ei ole vielä "
        "poistanut sitä.",
    },
    "expired_not_listed": {
        "en": "The listing of bucket '{bucket}' no longer names it either.",
        "fi": "Myöskään bucketin '{bucket}' listaus ei enää mainitse sitä.",
    },
    "expired_name_removed": {
        "en": "The listing of bucket '{bucket}' still named '{object}': servers drop expired "
        "objects from listings only when their expirer runs. Removed the leftover name.",
        "fi": "Bucketin '{bucket}' listaus mainitsi yhä objektin '{object}': palvelimet "
        "poistavat vanhentuneet objektit listauksista vasta, kun niiden siivousprosessi "
        "(expirer) ehtii niihin. Jäljelle jäänyt nimi poistettiin.",
    },
}
