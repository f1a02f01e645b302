"""The connection module: environment parsing, token mode, the project-domain fix."""

import pytest
import swiftclient
from keystoneauth1 import exceptions as ksa_exceptions

from allas_examples.connection import (
    PASSWORD_VARIABLES,
    connect,
    connect_with_password,
    connect_with_token,
    service_options,
)
from allas_examples.errors import ConfigurationError, describe
from fake_swift import AUTH_URL


def missing_names(environ):
    with pytest.raises(ConfigurationError) as caught:
        connect(environ)
    assert caught.value.key == "missing_variables"
    return caught.value.values["names"].split(", ")


def test_no_variables_names_every_password_variable():
    assert missing_names({}) == list(PASSWORD_VARIABLES)


def test_only_the_missing_and_empty_variables_are_named(fake_allas):
    environ = fake_allas.environ()
    del environ["OS_PASSWORD"]
    environ["OS_PROJECT_NAME"] = "  "
    assert missing_names(environ) == ["OS_PASSWORD", "OS_PROJECT_NAME"]


def test_half_a_token_pair_names_the_other_half():
    assert missing_names({"OS_STORAGE_URL": "https://a3s.fi/swift/v1/AUTH_x"}) == ["OS_AUTH_TOKEN"]


def test_password_login_from_the_environment(fake_allas):
    conn = connect(fake_allas.environ())
    assert conn.head_account()["x-account-container-count"] == "0"
    assert conn.url == fake_allas.storage_url("project_123456")


def test_explicit_values_as_in_the_rc_file(fake_allas):
    conn = connect_with_password(AUTH_URL, "John", "John1234", "project_123456")
    conn.put_container("snakebucket")
    assert [c["name"] for c in conn.get_account()[1]] == ["snakebucket"]


def test_token_wins_over_a_password_login(fake_allas):
    environ = {
        **fake_allas.environ(),
        "OS_PASSWORD": "not the password",
        "OS_STORAGE_URL": fake_allas.storage_url("project_123456"),
        "OS_AUTH_TOKEN": fake_allas.token_for("John"),
    }
    conn = connect(environ)
    conn.put_container("from-token")
    assert conn.head_container("from-token")["x-container-object-count"] == "0"


def test_a_wrong_token_is_refused_in_the_users_words(fake_allas):
    conn = connect_with_token(fake_allas.storage_url("project_123456"), "wrong-token")
    with pytest.raises(swiftclient.ClientException) as caught:
        conn.head_account()
    message, code = describe(caught.value)
    assert (code, "token" in message) == (1, True)


def test_project_domain_is_read_from_its_own_variable(fake_allas):
    fake_allas.add_user(
        "Maija", "Maija1234", "project_2002", user_domain="Default", project_domain="research"
    )
    environ = fake_allas.environ("Maija")
    assert environ["OS_PROJECT_DOMAIN_NAME"] == "research"
    assert connect(environ).head_account()
    # The CSC pages' way, the project's domain taken from OS_USER_DOMAIN_NAME, is refused:
    seed_way = connect({**environ, "OS_PROJECT_DOMAIN_NAME": environ["OS_USER_DOMAIN_NAME"]})
    with pytest.raises(ksa_exceptions.Unauthorized):
        seed_way.head_account()


def test_project_domain_falls_back_to_the_user_domain(fake_allas):
    environ = fake_allas.environ()
    del environ["OS_PROJECT_DOMAIN_NAME"]
    assert connect(environ).head_account()


def test_wrong_password_gives_the_login_sentence(fake_allas):
    conn = connect({**fake_allas.environ(), "OS_PASSWORD": "wrong"})
    with pytest.raises(ksa_exceptions.Unauthorized) as caught:
        conn.head_account()
    message, code = describe(caught.value)
    assert code == 1 and "401" in message and "wrong" not in message


@pytest.mark.parametrize("url", ["pouta.csc.fi:5001/v3", "", "ftp://pouta.csc.fi/v3"])
def test_malformed_auth_url_is_a_configuration_error(fake_allas, url):
    with pytest.raises(ConfigurationError) as caught:
        connect({**fake_allas.environ(), "OS_AUTH_URL": url})
    assert caught.value.exit_code == 2
    assert caught.value.key in ("bad_auth_url", "missing_variables")


def test_service_options_reuse_the_login(fake_allas):
    conn = connect(fake_allas.environ())
    options = service_options(conn, object_uu_threads=2)
    assert options["os_storage_url"] == fake_allas.storage_url("project_123456")
    assert options["os_auth_token"] and options["object_uu_threads"] == 2
