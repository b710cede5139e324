# Run after the clean state was recorded (stacks.ts, `again`): what the route server goes through
# afterwards, after which FRR's routes must be in red's and blue's tables and `vrfgen check` clean.
# The routes and kernel nexthops after each step go to $1/survive (verifyRouteServer reads them).
set -u
x="$1/survive"
mkdir -p "$x"
routes() {
  ip -j route show table 100 >"$x/$1-table100.json" 2>&1
  ip -j route show table 200 >"$x/$1-table200.json" 2>&1
  ip nexthop show >"$x/$1-nexthops.txt" 2>&1
  # zebra's own view: a route it believes installed ("*") but the kernel lacks is zebra's stale state.
  vtysh -c 'show ip route vrf all' >"$x/$1-zebra.txt" 2>&1
}
# networkd has configured every link of the intent again (bounded).
configured() {
  for i in $(seq 120); do
    [ "$(networkctl list --no-legend red blue vh vh2 eth1 2>/dev/null | grep -c ' configured')" -ge 5 ] && break
    sleep 1
  done
  echo "$1: networkd configured after $i s"
  networkctl list --no-legend >"$x/$1-links.txt" 2>&1
  sleep 3
}
# FRR's routes are in both tables (bounded): the time they took, or that they never came.
settled() {
  for i in $(seq 120); do
    ip route show vrf red 2>/dev/null | grep -q '^10.200.3.8/29 .*proto bgp' &&
      ip route show vrf blue 2>/dev/null | grep -q '^10.200.1.1 .*proto bgp' && { echo "$1: routes there after $i s"; return; }
    sleep 1
  done
  echo "$1: routes not there after 120 s"
}
# 0. Why the networkd target writes its networkd.conf.d drop-in: without it, a restart of networkd
# deletes FRR's routes (verifyRouteServer requires them gone here). Step 1 starts FRR afresh.
conf=/etc/systemd/networkd.conf.d/10-vrfgen-routing-daemon.conf
mv "$conf" /run/e2e-routing-daemon.conf
systemctl restart systemd-networkd
configured without-dropin
routes without-dropin
mv /run/e2e-routing-daemon.conf "$conf"
# 1. FRR asked to start before the VRF devices exist, as it may be at boot (Debian's frr.service is
# ordered after network-pre.target only): networkd stopped, the VRFs deleted, FRR's start queued,
# then networkd. The frr target's drop-in holds FRR back until the VRF devices are there.
systemctl stop systemd-networkd.service systemd-networkd.socket frr.service
ip link del red
ip link del blue
systemctl start --no-block frr.service
sleep 5
systemctl show -p ActiveState --value frr.service >"$x/frr-first-state.txt" 2>&1
ip -br link show type vrf >"$x/frr-first-vrfs.txt" 2>&1
systemctl start systemd-networkd.socket systemd-networkd.service
configured frr-first
settled frr-first
routes frr-first
# networkd says at debug level which routes it removes and why (journal below).
systemctl service-log-level systemd-networkd.service debug
# 2. vrfgen's reload after it changed the members' files: networkd reconfigures a link whose
# .network changed (an unchanged one it leaves alone) and drops what it calls foreign on it.
touch /etc/systemd/network/*vrfgen*.network
networkctl reload
configured reload
routes after-reload
settled reload
# 3. A restart of networkd (a package upgrade does it): it takes over every link again.
systemctl restart systemd-networkd
configured restart
routes after-restart
settled restart
journalctl -b -u systemd-networkd -o short-monotonic --no-pager >"$x/networkd-journal.txt" 2>&1
