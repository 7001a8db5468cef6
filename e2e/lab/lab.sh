#!/usr/bin/env bash
# The netatlas lab: the seed articles' scenarios, built on this host's Docker engine.
#   lab.sh up     idempotent: makes whatever is missing
#   lab.sh down   removes what `up` made (everything labelled netatlas.lab, the demo namespace) and nothing else
# Every address is inside 198.18.0.0/15 (see scripts/ensure-docker.sh for the daemon's pools).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
IMAGE=netatlas-lab/busybox:1
LABEL=netatlas.lab=1
NET_A=netatlas-lab-a   # 198.18.1.0/24: api (+ sidecar sharing its namespace), db
NET_B=netatlas-lab-b   # 198.18.2.0/24: worker, and api's second leg
NETNS=netatlas-demo    # an `ip netns` namespace joined to the host by a veth
VETH_HOST=na-demo-h
VETH_NS=na-demo-ns

exists_container() { docker container inspect "$1" >/dev/null 2>&1; }
exists_network() { docker network inspect "$1" >/dev/null 2>&1; }

make_image() {
  docker image inspect "$IMAGE" >/dev/null 2>&1 && return
  local root; root="$(mktemp -d)"
  mkdir -p "$root/bin" "$root/www/cgi-bin" "$root/etc" "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"; done
  echo 'root:x:0:0:root:/:/bin/sh' > "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
  echo 'netatlas lab' > "$root/www/index.html"
  # Prints the peer address the server saw: how the packet-path tests learn what NAT did.
  printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\necho "$REMOTE_ADDR"\n' > "$root/www/cgi-bin/remote"
  chmod +x "$root/www/cgi-bin/remote"
  tar -C "$root" -c . | docker import -c 'CMD ["httpd","-f","-p","80","-h","/www"]' - "$IMAGE" >/dev/null
  rm -rf "$root"
}

run() { # run NAME [docker run args…] — only when missing; starts it again if it was stopped
  local name="$1"; shift
  if exists_container "$name"; then
    [ "$(docker inspect -f '{{.State.Running}}' "$name")" = true ] || docker start "$name" >/dev/null
    return
  fi
  docker run -d --name "$name" --label "$LABEL" "$@" >/dev/null
}

network() { # network NAME SUBNET [extra args…]
  local name="$1" subnet="$2"; shift 2
  exists_network "$name" || docker network create --label "$LABEL" --subnet "$subnet" "$@" "$name" >/dev/null
}

up() {
  make_image
  network "$NET_A" 198.18.1.0/24
  network "$NET_B" 198.18.2.0/24
  # Default bridge with a port published on all addresses, and one published on loopback only.
  run lab-web -p 18080:80 -p 127.0.0.1:18081:80 "$IMAGE"
  run lab-api --network "$NET_A" --network-alias api "$IMAGE"
  docker inspect -f '{{json .NetworkSettings.Networks}}' lab-api | grep -q "\"$NET_B\"" \
    || docker network connect "$NET_B" lab-api
  run lab-sidecar --network container:lab-api "$IMAGE" sleep 2147483647
  run lab-db --network "$NET_A" -e NETATLAS_LAB_SECRET=must-never-be-collected "$IMAGE"
  run lab-worker --network "$NET_B" "$IMAGE"
  run lab-none --network none "$IMAGE" sleep 2147483647
  run lab-hostnet --network host "$IMAGE" sleep 2147483647
  if ! ip netns list | grep -qw "$NETNS"; then
    ip netns add "$NETNS"
  fi
  if ! ip link show "$VETH_HOST" >/dev/null 2>&1; then
    ip link add "$VETH_HOST" type veth peer name "$VETH_NS" netns "$NETNS"
    ip addr add 198.19.255.1/30 dev "$VETH_HOST"
    ip link set "$VETH_HOST" up
    ip -n "$NETNS" addr add 198.19.255.2/30 dev "$VETH_NS"
    ip -n "$NETNS" link set "$VETH_NS" up
    ip -n "$NETNS" link set lo up
  fi
  # A user rule in the demo namespace whose comment is hostile HTML: rule text is untrusted and must render as text.
  if ! ip netns exec "$NETNS" iptables-save 2>/dev/null | grep -q 'netatlas-lab-xss'; then
    ip netns exec "$NETNS" iptables -A INPUT -p tcp --dport 9 -m comment --comment 'netatlas-lab-xss <img src=x onerror=alert(1)>' -j ACCEPT
  fi
  echo "lab is up: $(docker ps -q --filter label=$LABEL | wc -l) containers, namespace $NETNS"
}

down() {
  local ids; ids="$(docker ps -aq --filter "label=$LABEL")"
  # Containers that share another's namespace go first, or Docker refuses to remove the owner.
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
  local nets; nets="$(docker network ls -q --filter "label=$LABEL")"
  [ -z "$nets" ] || docker network rm $nets >/dev/null
  docker image inspect "$IMAGE" >/dev/null 2>&1 && docker image rm "$IMAGE" >/dev/null
  ip link show "$VETH_HOST" >/dev/null 2>&1 && ip link del "$VETH_HOST"
  ip netns list | grep -qw "$NETNS" && ip netns del "$NETNS"
  echo "lab is down"
}

case "${1:-}" in
  up) bash "$here/../../scripts/ensure-deps.sh" lab; bash "$here/../../scripts/ensure-docker.sh"; up ;;
  down) down ;;
  image) make_image ;;
  *) echo "usage: $0 up|down|image" >&2; exit 2 ;;
esac
