# After the clean state (stacks.ts, `again`): a restart of networkd, after which FRR's routes must
# still be in rs's tables (as collect records them again) and `vrfgen check` clean.
set -u
x="$1/survive"
mkdir -p "$x"
# networkd says at debug level which routes it removes and why (its journal is kept below).
mkdir -p /run/systemd/system/systemd-networkd.service.d
printf '[Service]\nEnvironment=SYSTEMD_LOG_LEVEL=debug\n' >/run/systemd/system/systemd-networkd.service.d/e2e-debug.conf
systemctl daemon-reload
systemctl restart systemd-networkd
for i in $(seq 120); do
  [ "$(networkctl list --no-legend rs anycast0 vr 2>/dev/null | grep -c ' configured')" -ge 3 ] && break
  sleep 1
done
echo "networkd configured after $i s"
# zebra takes FRR's routes back once networkd's route to the appliances is there again (bounded).
for i in $(seq 120); do
  ip route show vrf rs 2>/dev/null | grep -q '^10.200.5.16/29 .*proto bgp' &&
    ip -6 route show vrf rs 2>/dev/null | grep -q '^2001:db8:200:1::/64 .*proto bgp' && break
  sleep 1
done
echo "routes back after $i s"
vtysh -c 'show ip route vrf all' -c 'show ipv6 route vrf all' >"$x/zebra.txt" 2>&1
ip -j route show table 3000 >"$x/table3000.json" 2>&1
ip nexthop show >"$x/nexthops.txt" 2>&1
journalctl -b -u systemd-networkd -o short-monotonic --no-pager >"$x/networkd-journal.txt" 2>&1
sleep 3
