#!/bin/sh
# As the official Node image: `docker run <image> -e '...'` or `<image> script.js` run node;
# a command found on PATH runs as given.
set -e
case "$1" in
  -*) set -- node "$@" ;;
  *) if ! command -v "$1" >/dev/null 2>&1 || { [ -f "$1" ] && [ ! -x "$1" ]; }; then
       set -- node "$@"
     fi ;;
esac
exec "$@"
