"""The fake's Keystone v3, checked with keystoneauth1, python-keystoneclient and swiftclient."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
import requests
import swiftclient
from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import session
from keystoneauth1.identity import generic, v3

from fake_swift import AUTH_URL, STORAGE_ROOT, MockAllas

JOHN_PROJECT_ID = hashlib.md5(b"project_123456").hexdigest()
JOHN_STORAGE_URL = f"{STORAGE_ROOT}/AUTH_{JOHN_PROJECT_ID}"
TOKENS_URL = f"{AUTH_URL}/auth/tokens"


def password_body(
    user: dict | None = None, password: str = "John1234", scope: object = "default"
) -> dict:
    user = user if user is not None else {"name": "John", "domain": {"name": "Default"}}
    body: dict = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {**user, "password": password}},
            }
        }
    }
    if scope == "default":
        scope = {"project": {"name": "project_123456", "domain": {"name": "Default"}}}
    if scope is not None:
        body["auth"]["scope"] = scope
    return body


def john_password(**overrides: str) -> v3.Password:
    options = {
        "auth_url": AUTH_URL,
        "username": "John",
        "password": "John1234",
        "user_domain_name": "Default",
        "project_name": "project_123456",
        "project_domain_name": "Default",
        **overrides,
    }
    return v3.Password(**options)


def test_constants_and_identity_of_the_example_user(fake_allas: MockAllas) -> None:
    assert AUTH_URL == "https://pouta.csc.fi:5001/v3"
    assert STORAGE_ROOT == "https://a3s.fi:443/swift/v1"
    assert fake_allas.storage_url("project_123456") == JOHN_STORAGE_URL
    assert fake_allas.environ() == {
        "OS_AUTH_URL": AUTH_URL,
        "OS_IDENTITY_API_VERSION": "3",
        "OS_USERNAME": "John",
        "OS_PASSWORD": "John1234",
        "OS_USER_DOMAIN_NAME": "Default",
        "OS_PROJECT_DOMAIN_NAME": "Default",
        "OS_PROJECT_NAME": "project_123456",
    }


def test_keystoneauth_session_finds_the_storage_url(fake_allas: MockAllas) -> None:
    sess = session.Session(auth=john_password())
    assert sess.get_token()
    endpoint = sess.get_endpoint(service_type="object-store", interface="public")
    assert endpoint == JOHN_STORAGE_URL
    assert sess.get_endpoint(service_type="object-store", region_name="regionOne") == endpoint
    assert sess.get_project_id() == JOHN_PROJECT_ID


def test_versionless_auth_url_goes_through_discovery(fake_allas: MockAllas) -> None:
    root = AUTH_URL.removesuffix("/v3")
    discovery = requests.get(root)
    assert discovery.status_code == 300
    assert discovery.json()["versions"]["values"][0]["id"].startswith("v3")
    assert requests.get(AUTH_URL).json()["version"]["status"] == "stable"
    before = len(fake_allas.responses.calls)

    auth = generic.Password(
        auth_url=root,
        username="John",
        password="John1234",
        user_domain_name="Default",
        project_name="project_123456",
        project_domain_name="Default",
    )
    sess = session.Session(auth=auth)
    assert sess.get_endpoint(service_type="object-store", interface="public") == JOHN_STORAGE_URL
    urls = [call.request.url for call in fake_allas.responses.calls][before:]
    assert urls[0].rstrip("/") == root and urls[1] == TOKENS_URL


def test_swiftclient_with_keystoneauth_session(fake_allas: MockAllas) -> None:
    conn = swiftclient.Connection(session=session.Session(auth=john_password()))
    conn.put_container("session-bucket")
    assert [c["name"] for c in conn.get_account()[1]] == ["session-bucket"]


@pytest.mark.parametrize("auth_url", [AUTH_URL, AUTH_URL.removesuffix("/v3")])
def test_swiftclient_user_key_login_uses_keystoneclient(
    fake_allas: MockAllas, auth_url: str
) -> None:
    conn = swiftclient.Connection(
        auth_url,
        "John",
        "John1234",
        os_options={
            "user_domain_name": "Default",
            "project_domain_name": "Default",
            "project_name": "project_123456",
        },
        auth_version="3",
    )
    url, token = conn.get_auth()
    assert url == JOHN_STORAGE_URL
    assert token
    conn.put_container("keystoneclient-bucket")
    assert conn.head_container("keystoneclient-bucket")["x-container-object-count"] == "0"


def test_swiftclient_region_name_must_match(fake_allas: MockAllas) -> None:
    def connect(region: str) -> swiftclient.Connection:
        options = {"project_name": "project_123456", "user_domain_name": "Default"}
        options |= {"project_domain_name": "Default", "region_name": region}
        return swiftclient.Connection(
            AUTH_URL, "John", "John1234", os_options=options, auth_version="3", retries=0
        )

    assert connect("regionOne").get_auth()[0] == JOHN_STORAGE_URL
    with pytest.raises(swiftclient.ClientException, match="Endpoint for object-store not found"):
        connect("regionTwo").get_auth()


def test_token_document_has_what_clients_read(fake_allas: MockAllas) -> None:
    reply = requests.post(TOKENS_URL, json=password_body())
    assert reply.status_code == 201
    assert reply.headers["X-Subject-Token"]
    token = reply.json()["token"]
    assert token["methods"] == ["password"]
    issued = datetime.strptime(token["issued_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    expires = datetime.strptime(token["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert expires > issued
    assert token["user"]["name"] == "John"
    assert token["user"]["domain"] == {"id": "default", "name": "Default"}
    assert token["project"]["id"] == JOHN_PROJECT_ID
    assert token["project"]["domain"]["id"] == "default"
    # The assigned role and the one it implies, as Keystone lists them.
    assert sorted(role["name"] for role in token["roles"]) == ["member", "reader"]
    services = {service["type"]: service for service in token["catalog"]}
    endpoints = services["object-store"]["endpoints"]
    assert [e["interface"] for e in endpoints] == ["public", "internal", "admin"]
    assert {(e["region"], e["region_id"]) for e in endpoints} == {("regionOne", "regionOne")}
    assert {e["url"] for e in endpoints} == {JOHN_STORAGE_URL}
    assert catalog_url(token, "identity") == AUTH_URL


@pytest.mark.parametrize(
    "body",
    [
        password_body(password="wrong"),
        password_body(user={"name": "Nobody", "domain": {"name": "Default"}}),
        password_body(user={"name": "John", "domain": {"name": "Elsewhere"}}),
        password_body(scope={"project": {"name": "project_999", "domain": {"id": "default"}}}),
        password_body(scope={"domain": {"name": "Default"}}),
    ],
    ids=["password", "user", "user-domain", "project", "domain-scope"],
)
def test_wrong_credentials_get_keystone_shaped_401(fake_allas: MockAllas, body: dict) -> None:
    reply = requests.post(TOKENS_URL, json=body)
    assert reply.status_code == 401
    assert "X-Subject-Token" not in reply.headers
    assert reply.json() == {
        "error": {
            "code": 401,
            "title": "Unauthorized",
            "message": "The request you have made requires authentication.",
        }
    }


def test_malformed_login_gets_400(fake_allas: MockAllas) -> None:
    reply = requests.post(TOKENS_URL, json={"auth": {}})
    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == 400


def test_wrong_password_raises_in_both_clients(fake_allas: MockAllas) -> None:
    with pytest.raises(ks_exceptions.Unauthorized):
        session.Session(auth=john_password(password="nope")).get_token()
    conn = swiftclient.Connection(
        AUTH_URL,
        "John",
        "nope",
        os_options={"project_name": "project_123456", "user_domain_name": "Default"},
        auth_version="3",
        retries=0,
    )
    with pytest.raises(swiftclient.ClientException, match="Unauthorized"):
        conn.get_auth()


def test_added_user_logs_in_by_names_or_ids(fake_allas: MockAllas) -> None:
    fake_allas.add_user("Jane", "pw", "project_2001", user_domain="Csc", project_domain="Csc")
    env = fake_allas.environ("Jane")
    assert env["OS_USER_DOMAIN_NAME"] == env["OS_PROJECT_DOMAIN_NAME"] == "Csc"
    by_names = requests.post(
        TOKENS_URL,
        json=password_body(
            user={"name": "Jane", "domain": {"name": "Csc"}},
            password="pw",
            scope={"project": {"name": "project_2001", "domain": {"name": "Csc"}}},
        ),
    ).json()["token"]
    project_id = by_names["project"]["id"]
    by_ids = requests.post(
        TOKENS_URL,
        json=password_body(
            user={"id": by_names["user"]["id"]},
            password="pw",
            scope={"project": {"id": project_id}},
        ),
    ).json()["token"]
    assert by_ids["project"]["id"] == project_id
    assert catalog_url(by_ids) == fake_allas.storage_url("project_2001", project_domain="Csc")
    # A user may not scope to a project they are not a member of.
    john_project = {"project": {"name": "project_123456", "domain": {"name": "Default"}}}
    body = password_body(user={"name": "Jane", "domain": {"name": "Csc"}}, password="pw")
    body["auth"]["scope"] = john_project
    assert requests.post(TOKENS_URL, json=body).status_code == 401


def test_without_scope_the_default_project_is_used_and_unscoped_has_no_catalog(
    fake_allas: MockAllas,
) -> None:
    default = requests.post(TOKENS_URL, json=password_body(scope=None)).json()["token"]
    assert default["project"]["name"] == "project_123456"
    unscoped = requests.post(TOKENS_URL, json=password_body(scope="unscoped")).json()["token"]
    assert "project" not in unscoped and "catalog" not in unscoped


def test_token_method_rescopes_an_existing_token(fake_allas: MockAllas) -> None:
    token = fake_allas.token_for("John")
    body = {"auth": {"identity": {"methods": ["token"], "token": {"id": token}}}}
    reply = requests.post(TOKENS_URL, json=body)
    assert reply.status_code == 201
    assert reply.json()["token"]["project"]["id"] == JOHN_PROJECT_ID
    body["auth"]["identity"]["token"]["id"] = "not-a-token"
    refused = requests.post(TOKENS_URL, json=body)
    assert keystone_error(refused, 404, "Not Found") == "Could not recognize Fernet token"


def test_token_validation_and_revocation(fake_allas: MockAllas) -> None:
    token = fake_allas.token_for("John")
    subject = requests.post(TOKENS_URL, json=password_body()).headers["X-Subject-Token"]
    headers = {"X-Auth-Token": token, "X-Subject-Token": subject}
    valid = requests.get(TOKENS_URL, headers=headers)
    assert valid.status_code == 200
    assert valid.headers["X-Subject-Token"] == subject
    assert valid.json()["token"]["user"]["name"] == "John"
    assert requests.get(TOKENS_URL, headers={"X-Subject-Token": subject}).status_code == 401
    assert requests.delete(TOKENS_URL, headers=headers).status_code == 204
    assert requests.get(TOKENS_URL, headers=headers).status_code == 404
    expired = fake_allas.token_for("John", expires_in=-1)
    assert (
        requests.get(TOKENS_URL, headers={**headers, "X-Subject-Token": expired}).status_code == 404
    )


# --- application credentials -------------------------------------------------------


def app_credential_body(credential: dict, scope: object = None) -> dict:
    body: dict = {
        "auth": {
            "identity": {
                "methods": ["application_credential"],
                "application_credential": credential,
            }
        }
    }
    if scope is not None:
        body["auth"]["scope"] = scope
    return body


def keystone_error(reply: requests.Response, code: int, title: str) -> str:
    """The message of a Keystone-shaped error body, after checking its shape."""
    assert reply.status_code == code
    error = reply.json()["error"]
    assert set(error) - {"identity"} == {"code", "title", "message"}
    assert (error["code"], error["title"]) == (code, title)
    return error["message"]


def catalog_url(token: dict, kind: str = "object-store") -> str:
    """The public URL of a service in a token document's catalog."""
    (service,) = [service for service in token["catalog"] if service["type"] == kind]
    return next(e["url"] for e in service["endpoints"] if e["interface"] == "public")


def test_application_credential_with_keystoneauth_session(fake_allas: MockAllas) -> None:
    credential_id, secret = fake_allas.add_application_credential("John", name="ci")
    assert len(secret) >= 64 and credential_id != secret
    auth = v3.ApplicationCredential(
        auth_url=AUTH_URL,
        application_credential_id=credential_id,
        application_credential_secret=secret,
    )
    sess = session.Session(auth=auth)
    assert sess.get_endpoint(service_type="object-store", interface="public") == JOHN_STORAGE_URL
    assert sess.get_project_id() == JOHN_PROJECT_ID
    conn = swiftclient.Connection(session=sess)
    conn.put_container("app-cred-bucket")
    assert [c["name"] for c in conn.get_account()[1]] == ["app-cred-bucket"]


def test_application_credential_token_document(fake_allas: MockAllas) -> None:
    credential_id, secret = fake_allas.add_application_credential("John", name="ci")
    body = app_credential_body({"id": credential_id, "secret": secret})
    reply = requests.post(TOKENS_URL, json=body)
    assert reply.status_code == 201 and reply.headers["X-Subject-Token"]
    token = reply.json()["token"]
    assert token["methods"] == ["application_credential"]
    assert token["application_credential"] == {
        "id": credential_id,
        "name": "ci",
        "restricted": True,
    }
    assert token["user"]["name"] == "John"
    assert token["project"]["id"] == JOHN_PROJECT_ID
    assert catalog_url(token) == JOHN_STORAGE_URL


def test_application_credential_by_name_and_user(fake_allas: MockAllas) -> None:
    fake_allas.add_user("Jane", "pw", "project_2001", user_domain="Csc", project_domain="Csc")
    _, secret = fake_allas.add_application_credential("Jane", name="laptop", secret="s3cret")
    assert secret == "s3cret"
    by_name = {"name": "laptop", "secret": secret}
    reply = requests.post(
        TOKENS_URL,
        json=app_credential_body({**by_name, "user": {"name": "Jane", "domain": {"name": "Csc"}}}),
    )
    assert reply.status_code == 201
    user_id = reply.json()["token"]["user"]["id"]
    assert reply.json()["token"]["project"]["name"] == "project_2001"
    by_user_id = app_credential_body({**by_name, "user": {"id": user_id}})
    assert requests.post(TOKENS_URL, json=by_user_id).status_code == 201
    # The same name under another user (or domain) is not Jane's credential.
    for user in ({"name": "John", "domain": {"id": "default"}}, {"name": "Jane"}):
        reply = requests.post(TOKENS_URL, json=app_credential_body({**by_name, "user": user}))
        assert reply.status_code in (400, 401)
    # keystoneauth1 sends the same shape.
    auth = v3.ApplicationCredential(
        auth_url=AUTH_URL,
        application_credential_name="laptop",
        application_credential_secret=secret,
        username="Jane",
        user_domain_name="Csc",
    )
    expected = fake_allas.storage_url("project_2001", project_domain="Csc")
    assert session.Session(auth=auth).get_endpoint(service_type="object-store") == expected


@pytest.mark.parametrize(
    ("credential", "scope", "code"),
    [
        ({"secret": "wrong"}, None, 401),
        ({"id": "0" * 32}, None, 404),
        ({}, {"project": {"id": JOHN_PROJECT_ID}}, 401),
        ({"secret": None}, None, 400),
        ({"id": None, "name": None, "secret": "x"}, None, 400),
        ({"id": ["not", "a", "string"]}, None, 400),
    ],
    ids=["secret", "unknown-id", "scope", "no-secret", "no-id-or-name", "id-not-a-string"],
)
def test_application_credential_refusals_are_keystone_shaped(
    fake_allas: MockAllas, credential: dict, scope: dict | None, code: int
) -> None:
    credential_id, secret = fake_allas.add_application_credential("John")
    sent = {"id": credential_id, "secret": secret, **credential}
    sent = {key: value for key, value in sent.items() if value is not None}
    reply = requests.post(TOKENS_URL, json=app_credential_body(sent, scope))
    title = {401: "Unauthorized", 404: "Not Found", 400: "Bad Request"}[code]
    message = keystone_error(reply, code, title)
    assert "X-Subject-Token" not in reply.headers
    assert secret not in reply.text
    if code == 401:
        assert reply.headers["WWW-Authenticate"] == 'Keystone uri="https://pouta.csc.fi:5001/v3"'
    if scope is not None:
        assert message == (
            "Error authenticating with application credential:"
            " Application credentials cannot request a scope."
        )


def test_wrong_application_credential_raises_in_keystoneauth(fake_allas: MockAllas) -> None:
    credential_id, _ = fake_allas.add_application_credential("John")
    auth = v3.ApplicationCredential(
        auth_url=AUTH_URL,
        application_credential_id=credential_id,
        application_credential_secret="not-it",
    )
    with pytest.raises(ks_exceptions.Unauthorized):
        session.Session(auth=auth).get_token()


def test_a_same_named_credential_replaces_the_old_one(fake_allas: MockAllas) -> None:
    old_id, old_secret = fake_allas.add_application_credential("John", name="ci")
    new_id, new_secret = fake_allas.add_application_credential("John", name="ci")
    assert new_id != old_id and new_secret != old_secret
    old = app_credential_body({"id": old_id, "secret": old_secret})
    assert requests.post(TOKENS_URL, json=old).status_code == 404
    new = app_credential_body({"id": new_id, "secret": new_secret})
    assert requests.post(TOKENS_URL, json=new).status_code == 201


@pytest.mark.parametrize("auth_url", [AUTH_URL, AUTH_URL.removesuffix("/v3")])
def test_swiftclient_auth_type_v3applicationcredential(
    fake_allas: MockAllas, auth_url: str
) -> None:
    credential_id, secret = fake_allas.add_application_credential("John")
    conn = swiftclient.Connection(
        auth_url,
        auth_version="3",
        os_options={
            "auth_type": "v3applicationcredential",
            "application_credential_id": credential_id,
            "application_credential_secret": secret,
        },
        retries=0,
    )
    assert conn.get_auth()[0] == JOHN_STORAGE_URL
    conn.put_container("swiftclient-app-cred")
    assert conn.head_container("swiftclient-app-cred")["x-container-object-count"] == "0"
    conn.os_options["application_credential_secret"] = "wrong"
    conn.url = conn.token = None
    with pytest.raises(swiftclient.ClientException, match="Check application credential"):
        conn.get_auth()


def test_environ_for_application_credential_drives_swiftservice(
    fake_allas: MockAllas,
) -> None:
    from swiftclient.service import SwiftService

    credential_id, secret = fake_allas.add_application_credential("John")
    env = fake_allas.environ_for_application_credential(credential_id, secret)
    assert env == {
        "OS_AUTH_TYPE": "v3applicationcredential",
        "OS_AUTH_URL": AUTH_URL,
        "OS_IDENTITY_API_VERSION": "3",
        "OS_APPLICATION_CREDENTIAL_ID": credential_id,
        "OS_APPLICATION_CREDENTIAL_SECRET": secret,
    }
    # The options SwiftService builds from these variables (it reads them at import).
    options = {
        name.lower(): value for name, value in env.items() if name != "OS_IDENTITY_API_VERSION"
    }
    with SwiftService(options=options) as swift:
        result = swift.post(container="from-env")
        assert result["success"], result
        stat = swift.stat(container="from-env")
        assert stat["success"] and stat["container"] == "from-env"
    with pytest.raises(ValueError):
        fake_allas.environ_for_application_credential(credential_id, "wrong")
    with pytest.raises(KeyError):
        fake_allas.environ_for_application_credential("0" * 32, secret)


def test_application_credentials_are_never_saved(tmp_path) -> None:
    from fake_swift import mock_allas

    with mock_allas(state_dir=tmp_path) as allas:
        credential_id, secret = allas.add_application_credential("John", secret="hunter2-secret")
        conn = swiftclient.Connection(
            session=session.Session(
                auth=v3.ApplicationCredential(
                    auth_url=AUTH_URL,
                    application_credential_id=credential_id,
                    application_credential_secret=secret,
                )
            )
        )
        conn.put_container("persisted")
    saved = "".join(
        path.read_text(errors="replace") for path in tmp_path.rglob("*") if path.is_file()
    )
    assert "persisted" in saved
    for secret_part in (secret, credential_id, "hunter2", "John1234"):
        assert secret_part not in saved
    with mock_allas(state_dir=tmp_path):
        body = app_credential_body({"id": credential_id, "secret": secret})
        assert requests.post(TOKENS_URL, json=body).status_code == 404


# --- domains, validation, error shapes ---------------------------------------------


@pytest.mark.parametrize(
    ("user_domain", "project_domain", "status"),
    [
        ({"id": "default"}, {"id": "default"}, 201),
        ({"name": "Default"}, {"id": "default"}, 201),
        ({"id": "default"}, {"name": "Default"}, 201),
        ({"id": "nope"}, {"id": "default"}, 401),
        ({"name": "Nope"}, {"id": "default"}, 401),
        ({"id": "default"}, {"id": "nope"}, 401),
    ],
)
def test_domains_by_id_or_name(
    fake_allas: MockAllas, user_domain: dict, project_domain: dict, status: int
) -> None:
    body = password_body(
        user={"name": "John", "domain": user_domain},
        scope={"project": {"name": "project_123456", "domain": project_domain}},
    )
    assert requests.post(TOKENS_URL, json=body).status_code == status


def test_domain_by_id_for_a_non_default_domain(fake_allas: MockAllas) -> None:
    from fake_swift.state import domain_id_for

    fake_allas.add_user("Jane", "pw", "project_2001", user_domain="Csc", project_domain="Csc")
    csc = {"id": domain_id_for("Csc")}
    body = password_body(
        user={"name": "Jane", "domain": csc},
        password="pw",
        scope={"project": {"name": "project_2001", "domain": csc}},
    )
    token = requests.post(TOKENS_URL, json=body).json()["token"]
    assert token["user"]["domain"] == {"id": csc["id"], "name": "Csc"}
    assert token["project"]["domain"] == {"id": csc["id"], "name": "Csc"}


def test_validation_of_own_token_200_of_another_users_403(fake_allas: MockAllas) -> None:
    fake_allas.add_user("Jane", "pw", "project_2001")
    john = fake_allas.token_for("John")
    john_again = fake_allas.token_for("John")
    jane = fake_allas.token_for("Jane")
    own = requests.get(TOKENS_URL, headers={"X-Auth-Token": john, "X-Subject-Token": john_again})
    assert own.status_code == 200
    assert own.json()["token"]["expires_at"]
    head = requests.head(TOKENS_URL, headers={"X-Auth-Token": john, "X-Subject-Token": john})
    assert head.status_code == 200
    other = requests.get(TOKENS_URL, headers={"X-Auth-Token": jane, "X-Subject-Token": john})
    message = keystone_error(other, 403, "Forbidden")
    assert message.startswith("You are not authorized to perform the requested action")
    assert john not in other.text
    revoke = requests.delete(TOKENS_URL, headers={"X-Auth-Token": jane, "X-Subject-Token": john})
    assert revoke.status_code == 403
    assert requests.head(f"{JOHN_STORAGE_URL}", headers={"X-Auth-Token": john}).status_code == 204


def test_validation_errors_are_keystone_shaped(fake_allas: MockAllas) -> None:
    token = fake_allas.token_for("John")
    missing = requests.get(TOKENS_URL, headers={"X-Auth-Token": token, "X-Subject-Token": "nope"})
    assert keystone_error(missing, 404, "Not Found") == "Could not recognize Fernet token"
    unauthenticated = requests.get(TOKENS_URL, headers={"X-Subject-Token": token})
    keystone_error(unauthenticated, 401, "Unauthorized")
    assert token not in unauthenticated.text
    # Flask's own answers, as Keystone gives them: a page for an unknown path, and the
    # methods a path takes.
    unknown = requests.get(f"{AUTH_URL}/nothing-here")
    assert unknown.status_code == 404 and "<h1>Not Found</h1>" in unknown.text
    assert unknown.headers["Content-Type"] == "text/html; charset=utf-8"
    put = requests.put(TOKENS_URL)
    assert put.status_code == 405
    assert put.json() == {"message": "The method is not allowed for the requested URL."}
    assert set(put.headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS", "DELETE"}


def test_expired_tokens_are_401_at_swift_and_404_at_validation(fake_allas: MockAllas) -> None:
    expired = fake_allas.token_for("John", expires_in=-1)
    assert requests.head(JOHN_STORAGE_URL, headers={"X-Auth-Token": expired}).status_code == 401
    current = fake_allas.token_for("John")
    headers = {"X-Auth-Token": current, "X-Subject-Token": expired}
    keystone_error(requests.get(TOKENS_URL, headers=headers), 404, "Not Found")
    headers = {"X-Auth-Token": expired, "X-Subject-Token": current}
    keystone_error(requests.get(TOKENS_URL, headers=headers), 401, "Unauthorized")
    body = {"auth": {"identity": {"methods": ["token"], "token": {"id": expired}}}}
    refused = requests.post(TOKENS_URL, json=body)
    assert keystone_error(refused, 404, "Not Found") == "Failed to validate token"


def test_discovery_documents(fake_allas: MockAllas) -> None:
    root = requests.get(AUTH_URL.removesuffix("/v3"))
    assert root.status_code == 300
    (version,) = root.json()["versions"]["values"]
    assert version["id"].startswith("v3.") and version["status"] == "stable"
    assert {"rel": "self", "href": f"{AUTH_URL}/"} in version["links"]
    assert version["media-types"][0]["type"] == "application/vnd.openstack.identity-v3+json"
    assert requests.get(f"{AUTH_URL}/").json() == {"version": version}
    # keystoneauth1 reads the same document when asked what the endpoint offers.
    sess = session.Session(auth=john_password())
    data = sess.get_endpoint_data(service_type="identity", interface="public")
    assert data.url.rstrip("/") == AUTH_URL
    assert data.api_version[0] == 3
