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
    assert {role["name"] for role in token["roles"]}
    services = {service["type"]: service for service in token["catalog"]}
    (endpoint,) = services["object-store"]["endpoints"]
    assert endpoint["interface"] == "public"
    assert endpoint["region"] == endpoint["region_id"] == "regionOne"
    assert endpoint["url"] == JOHN_STORAGE_URL
    assert services["identity"]["endpoints"][0]["url"] == AUTH_URL


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
    assert by_ids["catalog"][0]["endpoints"][0]["url"] == fake_allas.storage_url(
        "project_2001", project_domain="Csc"
    )
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
    assert requests.post(TOKENS_URL, json=body).status_code == 401


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
