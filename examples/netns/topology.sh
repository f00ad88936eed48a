#!/bin/sh
# Builds or removes the two-namespace topology of GOST's "Network Namespace" walk-through, on
# 198.18.0.0/24 and 198.18.1.0/24 (addresses reserved for benchmarking, RFC 2544) instead of 10.0.x.0/24:
#
#   default namespace                      ns1                    ns2
#   veth0 198.18.0.11/24  <-- veth pair --> veth1 198.18.0.1/24
#   veth2 198.18.1.11/24  <-- veth pair -------------------------> veth3 198.18.1.1/24
#
# usage: topology.sh up|down [SUFFIX]
#   up     create ns1, ns2 and the veth pairs (needs root)
#   down   remove them; parts that are already gone are skipped
#   SUFFIX appended to every name (ns1SUFFIX, veth0SUFFIX ...), so that several copies can coexist; at most
#          10 letters, digits, '-' or '_' (interface names have at most 15 characters). Copies with a suffix
#          still use the same addresses, so only one copy can carry traffic at a time.
set -eu

usage() {
    echo "usage: $0 up|down [SUFFIX]" >&2
    exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    usage
fi
action=$1
suffix=${2:-}
case $suffix in
    *[!A-Za-z0-9_-]*) echo "$0: suffix '$suffix' may only contain letters, digits, '-' and '_'" >&2; exit 2 ;;
esac
if [ ${#suffix} -gt 10 ]; then
    echo "$0: suffix '$suffix' is longer than 10 characters; interface names would exceed 15" >&2
    exit 2
fi
if ! command -v ip >/dev/null 2>&1; then
    echo "$0: the ip command of iproute2 is missing; install it (apt-get install -y iproute2)" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "$0: creating network namespaces needs root; run it with sudo" >&2
    exit 1
fi

ns1=ns1$suffix ns2=ns2$suffix
veth0=veth0$suffix veth1=veth1$suffix veth2=veth2$suffix veth3=veth3$suffix

run() {
    echo "+ $*"
    "$@"
}

# One namespace, joined to the default namespace by a veth pair, exactly as the walk-through does it.
up_namespace() { # namespace outside-veth inside-veth outside-address inside-address
    run ip netns add "$1"
    run ip link add dev "$2" type veth peer name "$3" netns "$1"
    run ip addr add "$4/24" dev "$2"
    run ip link set dev "$2" up
    run ip -n "$1" addr add "$5/24" dev "$3"
    run ip -n "$1" link set dev lo up
    run ip -n "$1" link set dev "$3" up
}

down_namespace() { # namespace outside-veth
    # Deleting one end of a veth pair deletes both.
    if ip link show dev "$2" >/dev/null 2>&1; then
        run ip link del dev "$2"
    else
        echo "  $2 is already gone"
    fi
    if [ -e "/run/netns/$1" ]; then
        run ip netns del "$1"
    else
        echo "  network namespace $1 is already gone"
    fi
}

case $action in
    up)
        if [ -e "/run/netns/$ns1" ] || [ -e "/run/netns/$ns2" ]; then
            echo "$0: $ns1 or $ns2 exists already; remove it first with: $0 down $suffix" >&2
            exit 1
        fi
        trap 'echo "$0: building the topology failed; remove what was made with: $0 down $suffix" >&2' EXIT
        up_namespace "$ns1" "$veth0" "$veth1" 198.18.0.11 198.18.0.1
        up_namespace "$ns2" "$veth2" "$veth3" 198.18.1.11 198.18.1.1
        trap - EXIT
        echo "ready: $ns1 has 198.18.0.1, $ns2 has 198.18.1.1, the default namespace 198.18.0.11 and 198.18.1.11"
        echo "check with: ip -n $ns1 addr; remove with: $0 down $suffix"
        ;;
    down)
        down_namespace "$ns1" "$veth0"
        down_namespace "$ns2" "$veth2"
        ;;
    *)
        usage
        ;;
esac
