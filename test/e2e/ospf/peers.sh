# The neighbour router of the OSPF boot (test/e2e/ospf/intent.yaml): the network namespace `n1`, wired
# by the veth `vo` (a member of red) and running its own FRR (a pathspace instance, `frrinit.sh start
# n1`, whose daemons run inside /run/netns/n1). n1 is in area 0 on its end of the veth, point to point,
# with the same timers and BFD profile as red's side, and announces two subnets of its own from dummy
# links (passive): 10.71.1.0/24 and 10.71.2.0/24. Then bgpd, ospfd and bfdd are switched on for the
# host's FRR, the way the frr target's reload does.
set -eu
ip netns add n1
ip link add vo type veth peer name vop
ip link set vop netns n1
ip -n n1 link set lo up
ip -n n1 addr add 10.70.0.2/24 dev vop
ip -n n1 link set vop up
for n in 1 2; do
  ip -n n1 link add "d$n" type dummy
  ip -n n1 addr add "10.71.$n.1/24" dev "d$n"
  ip -n n1 link set "d$n" up
done
mkdir -p /etc/frr/n1
sed -e 's/^ospfd=no$/ospfd=yes/' -e 's/^bfdd=no$/bfdd=yes/' \
  -e 's/^#* *watchfrr_options=.*/watchfrr_options="--netns --restart-timeout 300 --timeout 300"/' \
  /etc/frr/daemons >/etc/frr/n1/daemons
grep -q '^watchfrr_options="--netns' /etc/frr/n1/daemons ||
  echo 'watchfrr_options="--netns --restart-timeout 300 --timeout 300"' >>/etc/frr/n1/daemons
: >/etc/frr/n1/vtysh.conf
cat >/etc/frr/n1/frr.conf <<'CONF'
frr defaults traditional
!
interface vop
 ip ospf area 0
 ip ospf bfd
 ip ospf bfd profile fast
 ip ospf dead-interval 8
 ip ospf hello-interval 2
 ip ospf network point-to-point
exit
!
interface d1
 ip ospf area 0
 ip ospf passive
exit
!
interface d2
 ip ospf area 0
 ip ospf passive
exit
!
router ospf
 ospf router-id 10.70.0.2
exit
!
bfd
 profile fast
  transmit-interval 100
  receive-interval 100
 exit
 !
exit
CONF
chown -R frr:frr /etc/frr/n1
/usr/lib/frr/frrinit.sh start n1
sed -i -e 's/^bgpd=no$/bgpd=yes/' -e 's/^ospfd=no$/ospfd=yes/' -e 's/^bfdd=no$/bfdd=yes/' /etc/frr/daemons
systemctl restart frr.service
# networkd puts vo into red; the adjacency, OSPF's routes in red and the leak into blue follow. Bounded.
for i in $(seq 120); do
  ip route show vrf red 2>/dev/null | grep -q '^10.71.2.0/24 .*proto ospf' &&
    ip route show vrf blue 2>/dev/null | grep -q '^10.71.1.0/24 .*proto bgp' && break
  sleep 1
done
echo "routes after ${i} s"
# Time for a second prefix to leak into blue if the route-map let it (it must not).
sleep 5
vtysh -c 'show running-config' >"$1/running-config.txt" 2>&1 || true
cp /etc/frr/frr.conf "$1/frr.conf"
vtysh -c 'show bgp vrf red ipv4 unicast json' >"$1/red-bgp.json" 2>&1 || true
vtysh -c 'show bgp vrf blue ipv4 unicast json' >"$1/blue-bgp.json" 2>&1 || true
vtysh -c 'show bfd vrf red peers json' >"$1/red-bfd.json" 2>&1 || true
vtysh -N n1 -c 'show ip ospf neighbor json' >"$1/n1-neighbors.json" 2>&1 || true
vtysh -N n1 -c 'show ip route json' >"$1/n1-routes.json" 2>&1 || true
