# The peers of the anycast route server (route-server/intent.yaml), each an FRR in a network
# namespace (a pathspace instance, `frrinit.sh start NAME`, its daemons inside /run/netns/NAME):
#   fabric  the router one hop from rs: vr's other end (10.50.0.254, 2001:db8:50::fe), and one
#           link to each appliance; routes to rs's anycast addresses via vr. Its FRR is the fabric's
#           iBGP peer of rs (static neighbour, BFD on, bfdd running).
#   a1, a2  IPv4 appliances in 10.60.1.0/24 and 10.60.2.0/24, default route via fabric: multihop
#           iBGP to 10.255.0.1 with the MD5 key, each announcing a /32 and a /29 inside rs's filter,
#           a /24 inside 10.200.0.0/16 and a /29 outside it.
#   a6      the IPv6 appliance in 2001:db8:60:1::/64: multihop eBGP (AS 65100) to 2001:db8:ff::1,
#           announcing a /64 inside rs's filter and the /48 around it.
# Then the frr target's reload (bgpd and bfdd on, restart). What each peer sees goes to $1/peers.
set -eu
out="$1/peers"
mkdir -p "$out"
frr() { # name, daemons to switch on, config (stdin)
  mkdir -p "/etc/frr/$1"
  cp /etc/frr/daemons "/etc/frr/$1/daemons"
  for d in $2; do sed -i "s/^$d=no\$/$d=yes/" "/etc/frr/$1/daemons"; done
  sed -i 's/^#* *watchfrr_options=.*/watchfrr_options="--netns --restart-timeout 300 --timeout 300"/' "/etc/frr/$1/daemons"
  grep -q '^watchfrr_options="--netns --restart-timeout 300 --timeout 300"' "/etc/frr/$1/daemons" || echo 'watchfrr_options="--netns --restart-timeout 300 --timeout 300"' >>"/etc/frr/$1/daemons"
  : >"/etc/frr/$1/vtysh.conf"
  cat >"/etc/frr/$1/frr.conf"
  chown -R frr:frr "/etc/frr/$1"
  /usr/lib/frr/frrinit.sh start "$1"
}
link() { # namespace A, its end, namespace B (or - for the host), its end
  ip link add "$2" type veth peer name "$4"
  ip link set "$2" netns "$1"
  [ "$3" = - ] || ip link set "$4" netns "$3"
}
for ns in fabric a1 a2 a6; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
done
ip netns exec fabric sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
link fabric vrp - vr
link fabric f1 a1 a1p
link fabric f2 a2 a2p
link fabric f6 a6 a6p
ip -n fabric addr add 10.50.0.254/24 dev vrp
ip -n fabric addr add 2001:db8:50::fe/64 dev vrp nodad
ip -n fabric addr add 10.60.1.1/24 dev f1
ip -n fabric addr add 10.60.2.1/24 dev f2
ip -n fabric addr add 2001:db8:60:1::1/64 dev f6 nodad
ip -n a1 addr add 10.60.1.2/24 dev a1p
ip -n a2 addr add 10.60.2.2/24 dev a2p
ip -n a6 addr add 2001:db8:60:1::2/64 dev a6p nodad
for l in fabric:vrp fabric:f1 fabric:f2 fabric:f6 a1:a1p a2:a2p a6:a6p; do ip -n "${l%%:*}" link set "${l#*:}" up; done
ip -n fabric route add 10.255.0.1/32 via 10.50.0.1
ip -n fabric route add 2001:db8:ff::1/128 via 2001:db8:50::1
ip -n a1 route add default via 10.60.1.1
ip -n a2 route add default via 10.60.2.1
ip -n a6 route add default via 2001:db8:60:1::1

frr fabric 'bgpd bfdd' <<'CONF'
frr defaults traditional
!
router bgp 65000
 bgp router-id 10.50.0.254
 neighbor 10.50.0.1 remote-as 65000
 neighbor 10.50.0.1 bfd
 neighbor 10.50.0.1 timers connect 5
exit
CONF
appliance() { # name, address, key, four prefixes
  name=$1 address=$2 key=$3
  shift 3
  {
    # An appliance reaches rs by its default route: FRR 8.4 connects over it only with resolve-via-default.
    printf 'frr defaults traditional\n!\nip nht resolve-via-default\n!\n'
    printf 'router bgp 65000\n bgp router-id %s\n no bgp network import-check\n' "$address"
    printf ' neighbor 10.255.0.1 remote-as 65000\n neighbor 10.255.0.1 password %s\n' "$key"
    printf ' neighbor 10.255.0.1 update-source %s\n neighbor 10.255.0.1 timers connect 5\n !\n' "$address"
    printf ' address-family ipv4 unicast\n'
    for p in "$@"; do printf '  network %s\n' "$p"; done
    printf ' exit-address-family\nexit\n'
  } | frr "$name" bgpd
}
appliance a1 10.60.1.2 s3cret 10.200.1.1/32 10.200.3.8/29 10.200.2.0/24 10.201.0.8/29
appliance a2 10.60.2.2 s3cret 10.200.4.4/32 10.200.5.16/29 10.200.6.0/24 10.201.0.16/29
frr a6 bgpd <<'CONF'
frr defaults traditional
!
ipv6 nht resolve-via-default
!
router bgp 65100
 bgp router-id 10.60.6.2
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 no bgp network import-check
 neighbor 2001:db8:ff::1 remote-as 65000
 neighbor 2001:db8:ff::1 ebgp-multihop 4
 neighbor 2001:db8:ff::1 update-source 2001:db8:60:1::2
 neighbor 2001:db8:ff::1 timers connect 5
 !
 address-family ipv6 unicast
  network 2001:db8:200:1::/64
  network 2001:db8:200::/48
  neighbor 2001:db8:ff::1 activate
 exit-address-family
exit
CONF

# The frr target's reload: the daemons its file needs, then a restart.
sed -i -e 's/^bgpd=no$/bgpd=yes/' -e 's/^bfdd=no$/bfdd=yes/' /etc/frr/daemons
systemctl restart frr.service
# networkd puts vr into rs; the sessions and the routes follow. Bounded waits.
for i in $(seq 120); do
  ip route show vrf rs 2>/dev/null | grep -q '^10.200.5.16/29 .*proto bgp' &&
    ip -6 route show vrf rs 2>/dev/null | grep -q '^2001:db8:200:1::/64 .*proto bgp' &&
    ip netns exec fabric ip route show | grep -q '^10.200.4.4 .*proto bgp' && break
  sleep 1
done
echo "routes after ${i} s"
for ns in fabric a1 a2 a6; do
  vtysh -N "$ns" -c 'show bgp summary json' >"$out/$ns-summary.json" 2>&1 || true
  vtysh -N "$ns" -c 'show bgp ipv4 unicast json' >"$out/$ns-ipv4.json" 2>&1 || true
  vtysh -N "$ns" -c 'show bgp ipv6 unicast json' >"$out/$ns-ipv6.json" 2>&1 || true
done
vtysh -N fabric -c 'show bfd peers json' >"$out/fabric-bfd.json" 2>&1 || true
vtysh -c 'show bfd vrf rs peers json' >"$out/rs-bfd.json" 2>&1 || true
vtysh -c 'show running-config' >"$1/running-config.txt" 2>&1 || true
ss -tanpe >"$out/rs-sockets.txt" 2>&1 || true
ip netns exec a1 ss -tanpe >"$out/a1-sockets.txt" 2>&1 || true
cp /etc/frr/frr.conf "$1/frr.conf"
