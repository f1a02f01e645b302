"""Create a connection to Allas and show where your data lives.

Muodostaa yhteyden Allakseen ja näyttää, missä tietosi sijaitsevat.

The connection comes from ``allas_examples.connection.connect()``, which reads the
``OS_*`` variables of your OpenStack RC file (a keystoneauth1 v3 password login), or
``OS_STORAGE_URL`` and ``OS_AUTH_TOKEN`` as ``allas-conf`` exports them.

    python examples/create_connection.py [--fake] [--lang fi|en]
"""

# --8<-- [start:imports]
import swiftclient

from allas_examples import script
from allas_examples.connection import storage_url_and_token
from allas_examples.messages import say

# --8<-- [end:imports]


# --8<-- [start:describe_connection]
def describe_connection(conn: swiftclient.Connection) -> dict:
    """Log in (if not yet), print the storage URL and what the project holds."""
    url, _token = storage_url_and_token(conn)  # the token is a secret: never print it
    say("connected", url=url)
    headers = conn.head_account()
    say(
        "account_summary",
        buckets=headers.get("x-account-container-count", 0),
        objects=headers.get("x-account-object-count", 0),
        bytes=headers.get("x-account-bytes-used", 0),
    )
    return headers


# --8<-- [end:describe_connection]


if __name__ == "__main__":
    parser = script.parser(__doc__)
    with script.session(parser) as (conn, args):
        describe_connection(conn)
