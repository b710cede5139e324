# The appliances of the FRR boot (test/e2e/frr/intent.yaml): two network namespaces, each wired by a
# veth into a member of red, each with its own FRR (a pathspace instance, `frrinit.sh start NAME`,
# which runs its daemons inside /run/netns/NAME). Both announce the same four prefixes: a /32 and a
# /29 inside the route server's filter, a /24 and a /29 outside it. `appl` has the right MD5 key,
# `bad` a wrong one. Then bgpd is switched on for the host's FRR, the way the frr target's reload does.
set -eu
peer() { # name, host-side veth, address, route server address, key
  ip netns add "$1"
  ip link add "$2" type veth peer name "$2p"
  ip link set "$2p" netns "$1"
  ip -n "$1" link set lo up
  ip -n "$1" addr add "$3/25" dev "$2p"
  ip -n "$1" link set "$2p" up
  mkdir -p "/etc/frr/$1"
  sed -e 's/^bgpd=no$/bgpd=yes/' -e 's/^#* *watchfrr_options=.*/watchfrr_options="--netns --restart-timeout 300 --timeout 300"/' /etc/frr/daemons >"/etc/frr/$1/daemons"
  grep -q '^watchfrr_options="--netns --restart-timeout 300 --timeout 300"' "/etc/frr/$1/daemons" || echo 'watchfrr_options="--netns --restart-timeout 300 --timeout 300"' >>"/etc/frr/$1/daemons"
  : >"/etc/frr/$1/vtysh.conf"
  cat >"/etc/frr/$1/frr.conf" <<CONF
frr defaults traditional
!
router bgp 65000
 bgp router-id $3
 no bgp network import-check
 neighbor $4 remote-as 65000
 neighbor $4 password $5
 neighbor $4 timers connect 5
 !
 address-family ipv4 unicast
  network 10.200.1.1/32
  network 10.200.3.8/29
  network 10.200.2.0/24
  network 10.201.0.8/29
 exit-address-family
exit
CONF
  chown -R frr:frr "/etc/frr/$1"
  /usr/lib/frr/frrinit.sh start "$1"
}
peer appl vh 10.1.0.2 10.1.0.1 s3cret
peer bad vh2 10.1.0.130 10.1.0.129 wrongkey
sed -i 's/^bgpd=no$/bgpd=yes/' /etc/frr/daemons
systemctl restart frr.service
# networkd puts the new veths into red; the session and the routes follow. Bounded waits.
for i in $(seq 90); do
  ip route show vrf red 2>/dev/null | grep -q '^10.200.3.8/29' && ip route show vrf blue 2>/dev/null | grep -q '^10.200.1.1' && break
  sleep 1
done
echo "routes after ${i} s"
# The wrong key never gets a session: what the bad appliance sees, for the host to read.
sleep 10
vtysh -N bad -c 'show bgp summary json' >"$1/bad-summary.json" 2>&1 || true
vtysh -c 'show running-config' >"$1/running-config.txt" 2>&1 || true
vtysh -c 'show vrf' >"$1/frr-vrfs.txt" 2>&1 || true
cp /etc/frr/frr.conf "$1/frr.conf"
dmesg | grep -i 'MD5' >"$1/md5.txt" 2>&1 || true
