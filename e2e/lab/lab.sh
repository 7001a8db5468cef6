#!/usr/bin/env bash
# The netatlas lab: the seed articles' scenarios, built on this host's Docker engine.
#   lab.sh up     idempotent: makes whatever is missing
#   lab.sh down   removes what `up` made (everything labelled netatlas.lab, the demo namespace, the outside client's
#                 httpd, the host DOCKER-USER rule commented netatlas-lab, the macvlan parent veth and the
#                 netatlas-mvlan namespace) and nothing else; leaves swarm mode too
#   lab.sh swarm-up    single-node swarm mode with a service (see swarm_up); changes the shared dockerd's rules, so
#                      only tests that need it turn it on, and always turn it off again:
#   lab.sh swarm-down  leaves swarm mode, removes docker_gwbridge and the advertise veth
# Every address is inside 198.18.0.0/15 (see scripts/ensure-docker.sh for the daemon's pools).
#
# The packet-path matrix (server/paths/matrix.int.test.ts) connects every source to every target here, so every
# container with an address serves /cgi-bin/remote on port 80 (the image's default httpd), and so does the
# "outside client" namespace netatlas-demo (198.19.255.2, default route via the host end of its veth).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
IMAGE=netatlas-lab/busybox:1
LABEL=netatlas.lab=1
NET_A=netatlas-lab-a   # 198.18.1.0/24: api (+ sidecar sharing its namespace), db
NET_B=netatlas-lab-b   # 198.18.2.0/24: worker, and api's second leg
NET_INT=netatlas-lab-int      # 198.18.3.0/24, --internal: int1 (no way in or out but the host)
NET_NOICC=netatlas-lab-noicc  # 198.18.4.0/24, icc disabled: noicc1, noicc2 (may not talk to each other)
NET_SHOP=netatlas-lab-shop    # 198.18.7.0/24: a compose project's network (labels as `docker compose` sets them)
SHOP=netatlas-shop            # the project: web, api, db (`docker run` with compose labels; Debian has no compose v2)
NETNS=netatlas-demo    # an `ip netns` namespace joined to the host by a veth
VETH_HOST=na-demo-h
VETH_NS=na-demo-ns
NS_IP=198.19.255.2     # the outside client, on the namespace's end of the veth
HOST_IP=198.19.255.1   # the host's end: the namespace's default gateway
STATE=/run/netatlas-lab            # the outside client's httpd: pid file and its www directory
WWW="$STATE/www"
HTTPD_PID="$STATE/httpd.pid"
USER_RULE_COMMENT=netatlas-lab     # the host DOCKER-USER rule `up` inserts and `down` deletes
# A macvlan network on a veth the lab makes (this kernel has no dummy module): its parent na-mv-parent is in the host,
# with the host's own address 198.18.6.254 on it; the other end is the "LAN" namespace netatlas-mvlan (198.18.6.1, the
# network's gateway). lab-mv1 (198.18.6.2) talks to the LAN, but not to the host through the parent: macvlan's classic.
NET_MV=netatlas-lab-mv        # 198.18.6.0/24, driver macvlan, parent na-mv-parent
MV_PARENT=na-mv-parent
MV_PEER=na-mv-peer
MV_NETNS=netatlas-mvlan
CGI='#!/bin/sh\necho "Content-Type: text/plain"\necho\necho "$REMOTE_ADDR"\n'

# Swarm (swarm-up / swarm-down). This kernel has vxlan but no IPVS, so the routing mesh cannot run: the service
# publishes in host mode and resolves by DNS round robin, which need no IPVS.
SW_NETNS=netatlas-swarm   # the far end of the advertise veth (this kernel has no dummy module)
SW_VETH=na-sw-adv         # 198.18.60.1/30: the address swarm advertises
SW_VETH_PEER=na-sw-peer   # 198.18.60.2/30, in $SW_NETNS
SW_ADDR=198.18.60.1
SW_POOL=198.18.64.0/18    # swarm's own address pool (the ingress network comes from it)
SW_GWBRIDGE_SUBNET=198.18.61.0/24
SW_OVERLAY=netatlas-lab-overlay   # 198.18.62.0/24
SW_OVERLAY_SUBNET=198.18.62.0/24
SW_SERVICE=netatlas-lab-svc       # one task, port 80 published in host mode on 18090
SW_PORT=18090

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
  printf "$CGI" > "$root/www/cgi-bin/remote"
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

# The DOCKER-USER rule, for the worker's current address (which may change when dockerd restarts the lab):
# lab-worker may not open HTTP connections to the outside client, while the other containers may (masqueraded), so
# its effect shows. (The other direction would show nothing: FORWARD's DROP policy already stops the outside client
# from reaching any container but a published port's.) Docker keeps DOCKER-USER's rules across restarts; `up`
# re-inserts ours when it is missing or names an old address.
user_rule_spec() { # prints the rule's match and target, for iptables -I/-C/-D DOCKER-USER
  local ip; ip="$(docker inspect -f "{{(index .NetworkSettings.Networks \"$NET_B\").IPAddress}}" lab-worker)"
  [ -n "$ip" ] || { echo "lab.sh: lab-worker has no address on $NET_B" >&2; return 1; }
  echo "-s $ip/32 -d $NS_IP/32 -p tcp -m tcp --dport 80 -m comment --comment $USER_RULE_COMMENT -j DROP"
}

delete_user_rules() { # every host DOCKER-USER rule with our comment, whatever its addresses
  iptables -S DOCKER-USER >/dev/null 2>&1 || return 0
  local rule
  while rule="$(iptables -S DOCKER-USER | grep -m1 -e "--comment $USER_RULE_COMMENT -j")"; do
    # shellcheck disable=SC2086 # the rule is our own words, no quoting inside
    iptables -D DOCKER-USER ${rule#-A DOCKER-USER }
  done
}

ensure_user_rule() {
  local spec; spec="$(user_rule_spec)"
  # shellcheck disable=SC2086
  if iptables -C DOCKER-USER $spec 2>/dev/null \
    && [ "$(iptables -S DOCKER-USER | grep -c -e "--comment $USER_RULE_COMMENT -j")" = 1 ]; then
    return
  fi
  delete_user_rules
  # shellcheck disable=SC2086
  iptables -I DOCKER-USER $spec
}

# The outside client's httpd is ours when the pid file names a live busybox httpd in the current netatlas-demo.
pid_of_ours() { # pid_of_ours PIDFILE TEXT — prints the recorded pid while its command line still holds TEXT
  [ -f "$1" ] || return 1
  local pid; pid="$(cat "$1")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "$2" || return 1
  echo "$pid"
}

httpd_pid_ours() { pid_of_ours "$HTTPD_PID" "httpd -f -p 80 -h $WWW"; } # our httpd (in whatever namespace)

stop_httpd() {
  local pid
  if pid="$(httpd_pid_ours)"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  fi
  rm -f "$HTTPD_PID"
}

ensure_httpd() {
  mkdir -p "$WWW/cgi-bin"
  echo 'netatlas lab (outside client)' > "$WWW/index.html"
  printf "$CGI" > "$WWW/cgi-bin/remote"
  chmod 755 "$STATE" "$WWW" "$WWW/cgi-bin" "$WWW/cgi-bin/remote"
  local pid
  if pid="$(httpd_pid_ours)" \
    && [ "$(stat -L -c %i "/proc/$pid/ns/net")" = "$(stat -L -c %i "/var/run/netns/$NETNS")" ]; then
    return
  fi
  stop_httpd # a leftover in an older incarnation of the namespace
  # No fork between here and httpd (ip netns exec and setsid exec), so $! is httpd's pid. Its output goes nowhere:
  # an inherited pipe would keep whoever ran `lab.sh up` waiting.
  setsid ip netns exec "$NETNS" busybox httpd -f -p 80 -h "$WWW" </dev/null >/dev/null 2>&1 &
  echo $! > "$HTTPD_PID"
  for _ in $(seq 50); do
    ip netns exec "$NETNS" timeout 1 busybox wget -qO- "http://$NS_IP/cgi-bin/remote" >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "lab.sh: the outside client's httpd does not answer on $NS_IP:80" >&2
  return 1
}

# A UDP echo server in lab-db (busybox nc has no -u here): answers each datagram with the peer address it saw, as
# /cgi-bin/remote does for TCP. Python from the host, in lab-db's network namespace; the pid file marks it ours.
UDP_PORT=18053
UDP_PID="$STATE/udp.pid"
UDP_ECHO='import socket  # netatlas-lab-udp
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 18053))
while True:
    data, peer = s.recvfrom(512)
    s.sendto(peer[0].encode() + b"\n", peer)'

udp_pid_ours() { pid_of_ours "$UDP_PID" "netatlas-lab-udp"; }

stop_udp() {
  local pid
  if pid="$(udp_pid_ours)"; then kill "$pid" 2>/dev/null || true; fi
  rm -f "$UDP_PID"
}

ensure_udp() {
  local pid owner; owner="$(docker inspect -f '{{.State.Pid}}' lab-db)"
  if pid="$(udp_pid_ours)" && [ "$(stat -L -c %i "/proc/$pid/ns/net")" = "$(stat -L -c %i "/proc/$owner/ns/net")" ]; then
    return
  fi
  stop_udp # a leftover from an older lab-db
  mkdir -p "$STATE"
  setsid nsenter -t "$owner" -n /usr/bin/python3 -c "$UDP_ECHO" </dev/null >/dev/null 2>&1 &
  echo $! > "$UDP_PID"
}

ensure_macvlan() {
  ip netns list | grep -qw "$MV_NETNS" || ip netns add "$MV_NETNS"
  if ! ip link show "$MV_PARENT" >/dev/null 2>&1; then
    ip link add "$MV_PARENT" type veth peer name "$MV_PEER" netns "$MV_NETNS"
    ip addr add 198.18.6.254/24 dev "$MV_PARENT"
    ip link set "$MV_PARENT" up
    ip -n "$MV_NETNS" addr add 198.18.6.1/24 dev "$MV_PEER"
    ip -n "$MV_NETNS" link set "$MV_PEER" up
    ip -n "$MV_NETNS" link set lo up
  fi
  network "$NET_MV" 198.18.6.0/24 -d macvlan --gateway 198.18.6.1 -o parent="$MV_PARENT"
  run lab-mv1 --network "$NET_MV" --ip 198.18.6.2 "$IMAGE"
}

up() {
  make_image
  network "$NET_A" 198.18.1.0/24
  network "$NET_B" 198.18.2.0/24
  # Named bridges (com.docker.network.bridge.name) rather than br-<id>: that option exists in the wild too.
  network "$NET_INT" 198.18.3.0/24 --internal -o com.docker.network.bridge.name=nalab-int
  network "$NET_NOICC" 198.18.4.0/24 -o com.docker.network.bridge.enable_icc=false -o com.docker.network.bridge.name=nalab-noicc
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
  run lab-int1 --network "$NET_INT" "$IMAGE"
  run lab-noicc1 --network "$NET_NOICC" "$IMAGE"
  run lab-noicc2 --network "$NET_NOICC" "$IMAGE"
  # Default bridge, naming lab-web through a legacy --link (an /etc/hosts line): the default bridge has no embedded DNS.
  run lab-linked --link lab-web:web "$IMAGE"
  network "$NET_SHOP" 198.18.7.0/24 --label com.docker.compose.project=$SHOP --label com.docker.compose.network=default
  for svc in web api db; do
    run "$SHOP-$svc-1" --network "$NET_SHOP" --network-alias "$svc" \
      --label com.docker.compose.project=$SHOP --label com.docker.compose.service=$svc "$IMAGE"
  done
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
  # An outside client: everything beyond its /30 goes through the host.
  ip -n "$NETNS" route replace default via "$HOST_IP" dev "$VETH_NS"
  # A user rule in the demo namespace whose comment is hostile HTML: rule text is untrusted and must render as text.
  if ! ip netns exec "$NETNS" iptables-save 2>/dev/null | grep -q 'netatlas-lab-xss'; then
    ip netns exec "$NETNS" iptables -A INPUT -p tcp --dport 9 -m comment --comment 'netatlas-lab-xss <img src=x onerror=alert(1)>' -j ACCEPT
  fi
  ensure_httpd
  ensure_user_rule
  ensure_macvlan
  ensure_udp
  echo "lab is up: $(docker ps -q --filter label=$LABEL | wc -l) containers, namespace $NETNS (httpd on $NS_IP:80)"
}

down() {
  delete_user_rules
  stop_httpd
  stop_udp
  local ids; ids="$(docker ps -aq --filter "label=$LABEL")"
  # Containers that share another's namespace go first, or Docker refuses to remove the owner.
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
  local nets; nets="$(docker network ls -q --filter "label=$LABEL")"
  [ -z "$nets" ] || docker network rm $nets >/dev/null
  docker image inspect "$IMAGE" >/dev/null 2>&1 && docker image rm "$IMAGE" >/dev/null
  ip link show "$VETH_HOST" >/dev/null 2>&1 && ip link del "$VETH_HOST"
  ip netns list | grep -qw "$NETNS" && ip netns del "$NETNS"
  ip link show "$MV_PARENT" >/dev/null 2>&1 && ip link del "$MV_PARENT"
  ip netns list | grep -qw "$MV_NETNS" && ip netns del "$MV_NETNS"
  rm -rf "$WWW"
  rmdir "$STATE" 2>/dev/null || true
  echo "lab is down"
}

swarm_up() {
  make_image
  if ! ip netns list | grep -qw "$SW_NETNS"; then ip netns add "$SW_NETNS"; fi
  if ! ip link show "$SW_VETH" >/dev/null 2>&1; then
    ip link add "$SW_VETH" type veth peer name "$SW_VETH_PEER" netns "$SW_NETNS"
    ip addr add "$SW_ADDR/30" dev "$SW_VETH"
    ip link set "$SW_VETH" up
    ip -n "$SW_NETNS" addr add 198.18.60.2/30 dev "$SW_VETH_PEER"
    ip -n "$SW_NETNS" link set "$SW_VETH_PEER" up
  fi
  if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
    # Made before swarm init, or swarm would make it from Docker's default pool, outside 198.18.0.0/15.
    exists_network docker_gwbridge || docker network create --subnet "$SW_GWBRIDGE_SUBNET" \
      -o com.docker.network.bridge.name=docker_gwbridge -o com.docker.network.bridge.enable_icc=false \
      -o com.docker.network.bridge.enable_ip_masquerade=true docker_gwbridge >/dev/null
    docker swarm init --advertise-addr "$SW_ADDR" --listen-addr "$SW_ADDR:2377" \
      --default-addr-pool "$SW_POOL" --default-addr-pool-mask-length 24 >/dev/null
  fi
  exists_network "$SW_OVERLAY" || docker network create --driver overlay --label "$LABEL" \
    --subnet "$SW_OVERLAY_SUBNET" "$SW_OVERLAY" >/dev/null
  if ! docker service inspect "$SW_SERVICE" >/dev/null 2>&1; then
    docker service create --detach --name "$SW_SERVICE" --label "$LABEL" --container-label "$LABEL" \
      --no-resolve-image --network "$SW_OVERLAY" --endpoint-mode dnsrr \
      --publish "mode=host,target=80,published=$SW_PORT" "$IMAGE" >/dev/null
  fi
  for _ in $(seq 120); do
    [ -n "$(docker ps -q --filter "label=com.docker.swarm.service.name=$SW_SERVICE")" ] && break
    sleep 0.5
  done
  for _ in $(seq 60); do
    curl -fsS -m 2 "http://127.0.0.1:$SW_PORT/cgi-bin/remote" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fsS -m 5 "http://127.0.0.1:$SW_PORT/cgi-bin/remote" >/dev/null 2>&1 \
    || { echo "lab.sh: the swarm service does not answer on port $SW_PORT" >&2; return 1; }
  echo "swarm is up: service $SW_SERVICE on $SW_OVERLAY ($SW_OVERLAY_SUBNET), port $SW_PORT published in host mode"
}

swarm_down() {
  docker service rm "$SW_SERVICE" >/dev/null 2>&1 || true
  if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != inactive ]; then docker swarm leave --force >/dev/null; fi
  # Swarm leaves its gateway bridge behind; the task's endpoint on it may take a moment to go.
  for _ in $(seq 30); do
    exists_network docker_gwbridge || break
    docker network rm docker_gwbridge >/dev/null 2>&1 && break
    sleep 0.5
  done
  ip link show "$SW_VETH" >/dev/null 2>&1 && ip link del "$SW_VETH"
  ip netns list | grep -qw "$SW_NETNS" && ip netns del "$SW_NETNS"
  echo "swarm is down"
}

case "${1:-}" in
  up) bash "$here/../../scripts/ensure-deps.sh" lab; bash "$here/../../scripts/ensure-docker.sh"; up ;;
  down) swarm_down; down ;;
  swarm-up) bash "$here/../../scripts/ensure-docker.sh"; swarm_up ;;
  swarm-down) swarm_down ;;
  image) make_image ;;
  *) echo "usage: $0 up|down|swarm-up|swarm-down|image" >&2; exit 2 ;;
esac
