# After the clean state (stacks.ts, `again`): a restart of networkd, after which FRR's routes must
# still be in rs's tables (as collect records them again) and `vrfgen check` clean.
set -u
systemctl restart systemd-networkd
for i in $(seq 120); do
  [ "$(networkctl list --no-legend rs anycast0 vr 2>/dev/null | grep -c ' configured')" -ge 3 ] && break
  sleep 1
done
echo "networkd configured after $i s"
sleep 3
