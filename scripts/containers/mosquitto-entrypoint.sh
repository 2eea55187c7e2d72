#!/bin/sh
# Same behaviour as the official image's entrypoint: started as root, the broker's tree is
# handed to the broker user (errors on read-only mounts ignored), then the command runs.
set -e
if [ "$(id -u)" = 0 ] && [ -d /mosquitto ]; then
  chown -R mosquitto:mosquitto /mosquitto || true
fi
exec "$@"
