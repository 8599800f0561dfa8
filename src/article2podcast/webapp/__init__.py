"""The web app `serve` runs: a private listening queue for a library folder (Starlette on
uvicorn). `app.make_app` wires it: `queue` produces in the background, `api` is the JSON API
the page uses, `pages` the home page and what a phone needs to share into it, `files` the
library's published files, `security` the key, cross-site and rate rules."""
