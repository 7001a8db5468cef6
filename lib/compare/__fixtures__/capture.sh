#!/bin/bash
# Captures before/after lab snapshots for lib/compare fixtures; undoes everything on exit.
set -u
cd "$(dirname "$0")/../../.."
OUT=${OUT:?set OUT to a directory for the snapshots}
IMG=netatlas-lab/busybox:1
L=netatlas.lab=1
snap() { node bin/netatlas.mjs snapshot --json > "$OUT/$1.json"; echo "$(date +%T) $1"; }
cleanup() {
  iptables -D DOCKER-USER -s 203.0.113.0/24 -m comment --comment netatlas-lab-test -j DROP 2>/dev/null
  docker rm -f i16-p1 i16-p2 i16-q1 i16-c1 i16-c2 i16-pub >/dev/null 2>&1
  docker network rm netatlas-i16-p netatlas-i16-q netatlas-i16-icc >/dev/null 2>&1
  echo cleaned
}
trap cleanup EXIT
cleanup
docker network create --label $L --subnet 198.18.160.0/24 netatlas-i16-p >/dev/null
docker network create --label $L --subnet 198.18.161.0/24 netatlas-i16-q >/dev/null
docker run -d --name i16-p1 --label $L --network netatlas-i16-p --ip 198.18.160.11 $IMG >/dev/null
docker run -d --name i16-p2 --label $L --network netatlas-i16-p --ip 198.18.160.12 $IMG >/dev/null
docker run -d --name i16-q1 --label $L --network netatlas-i16-q --ip 198.18.161.11 $IMG >/dev/null
sleep 2
want() { [[ " $SCENARIOS " == *" $1 "* ]]; }
SCENARIOS="${*:-connect rule port restart icc}"
if want connect; then
snap connect.before
docker network connect --ip 198.18.160.21 netatlas-i16-p i16-q1
snap connect.after
docker network disconnect netatlas-i16-p i16-q1
fi
# 2. DOCKER-USER rule with a TEST-NET source
if want rule; then
snap rule.before
iptables -I DOCKER-USER -s 203.0.113.0/24 -m comment --comment netatlas-lab-test -j DROP
snap rule.after
iptables -D DOCKER-USER -s 203.0.113.0/24 -m comment --comment netatlas-lab-test -j DROP
fi
# 3. a port published (a new container with -p)
if want port; then
snap port.before
docker run -d --name i16-pub --label $L --network netatlas-i16-p --ip 198.18.160.30 -p 127.0.0.1:18350:80 $IMG >/dev/null
snap port.after
docker rm -f i16-pub >/dev/null
fi
# 4. a container restarted
if want restart; then
snap restart.before
docker restart -t 1 i16-p2 >/dev/null
snap restart.after
fi
# 5. icc flip: the same containers on a network with icc on, then recreated with icc off
if want icc; then
docker network create --label $L --subnet 198.18.162.0/24 netatlas-i16-icc >/dev/null
docker run -d --name i16-c1 --label $L --network netatlas-i16-icc --ip 198.18.162.11 $IMG >/dev/null
docker run -d --name i16-c2 --label $L --network netatlas-i16-icc --ip 198.18.162.12 $IMG >/dev/null
sleep 1
snap icc.before
docker network disconnect netatlas-i16-icc i16-c1; docker network disconnect netatlas-i16-icc i16-c2
docker network rm netatlas-i16-icc >/dev/null
docker network create --label $L --subnet 198.18.162.0/24 -o com.docker.network.bridge.enable_icc=false netatlas-i16-icc >/dev/null
docker network connect --ip 198.18.162.11 netatlas-i16-icc i16-c1; docker network connect --ip 198.18.162.12 netatlas-i16-icc i16-c2
sleep 1
snap icc.after
fi
