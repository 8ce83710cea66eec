"""The web situation picture: the dashboard's pages, the JSON API (/api/v1), downloads and the
printable monthly report, over one county database (`tilannekuva serve`). See docs/web.md."""
