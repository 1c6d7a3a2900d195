"""S3 Control clients against a local server. SDKs put the account id in front of the S3
Control host (`<account>.127.0.0.1`), which does not resolve here: `to_the_server` sends
a client's requests to the server's own host (on a machine where `*.localhost` resolves,
an endpoint of `http://localhost:<port>` needs no such help; against AWS, nothing changes)."""
import re


def to_the_server(server, client):
    """`client` (an s3control client), its requests sent to the server's own host."""
    if server.endpoint:
        host = server.endpoint.split("//", 1)[1]

        def rewrite(request, **_):
            request.url = re.sub(r"//\d{12}\." + re.escape(host), "//" + host, request.url)
        client.meta.events.register("before-sign.s3-control.*", rewrite)
    return client
