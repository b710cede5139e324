# Run by e2e-early.service before any network stack starts (stacks.ts, `early`): what the members
# boot's stacks must find at boot. The NICs that share a QEMU hub with a member (qemu.ts) go into
# network namespaces, so each member has a peer on its link:
#   eth1 (hub of eth0, the DHCP member) → namespace dhcp: busybox udhcpd on 10.30.0.1/24, which it
#     names as the router; 10.99.0.1 on its loopback is reached only through the lease's default route;
#   eth4 (hub of eth2, a port of br0) → namespace peer: 198.51.100.2/24, and a route to the anycast /32;
#   eth7 (hub of eth5 and eth6, the ports of bond0) → namespace peer: 203.0.113.2/24.
# The DHCP server runs before the clients start (ifupdown's dhclient gives up after a minute).
set -eu
# The members' kinds' modules, before a stack needs them: on a busy host an emulated guest loaded them
# slower than networkd's netlink time-out, and it gave up ("blue: Failed to create netdev: Connection
# timed out"). The stacks still create every device. systemd's modprobe.d keeps bonding and dummy
# from creating a bond0 and a dummy0 of their own (max_bonds=0, numdummies=0).
modprobe -a vrf bonding bridge vxlan dummy veth
for n in eth1 eth4 eth7; do
  i=0
  while [ ! -e "/sys/class/net/$n" ]; do
    i=$((i + 1))
    [ "$i" -le 600 ] || { echo "$n never appeared"; exit 1; }
    sleep 0.1
  done
done

ip netns add dhcp
ip link set eth1 netns dhcp
ip -n dhcp link set lo up
ip -n dhcp addr add 10.99.0.1/32 dev lo
ip -n dhcp addr add 10.30.0.1/24 dev eth1
ip -n dhcp link set eth1 up
mkdir -p /run/e2e-dhcp
cat >/run/e2e-dhcp/udhcpd.conf <<CONF
interface eth1
start 10.30.0.100
end 10.30.0.149
max_leases 50
lease_file /run/e2e-dhcp/leases
pidfile /run/e2e-dhcp/udhcpd.pid
option subnet 255.255.255.0
option router 10.30.0.1
option lease 3600
CONF
: >/run/e2e-dhcp/leases
# Daemonizes (its process stays in this oneshot unit's cgroup); -S logs to the journal.
ip netns exec dhcp busybox udhcpd -S /run/e2e-dhcp/udhcpd.conf

ip netns add peer
ip -n peer link set lo up
for n in eth4 eth7; do ip link set "$n" netns peer; done
ip -n peer addr add 198.51.100.2/24 dev eth4
ip -n peer addr add 203.0.113.2/24 dev eth7
ip -n peer link set eth4 up
ip -n peer link set eth7 up
ip -n peer route add 10.255.0.9/32 via 198.51.100.1
