# Run after the boot, before the state is recorded (stacks.ts, `setup`; $1 is the results folder):
# the underlay and the other end of the VXLAN, then traffic through each member of blue, recorded
# in $1/ping/NAME.{txt,rc} for the host (stacks.ts, verifyMembers). Namespaces from early.sh;
# busybox ping: minbase has no iputils-ping.
set -eu
out=$1

# The underlay in the default VRF: a veth, 10.0.0.1 here (the VXLAN's `local`), 10.0.0.2 in peer.
ip link add vxu type veth peer name vxup
ip link set vxup netns peer
ip addr add 10.0.0.1/24 dev vxu
ip link set vxu up
ip -n peer addr add 10.0.0.2/24 dev vxup
ip -n peer link set vxup up
ip -n peer link add vx100 type vxlan id 100 local 10.0.0.2 remote 10.0.0.1 dstport 4789
ip -n peer addr add 172.16.100.2/24 dev vx100
ip -n peer link set vx100 up

# The lease's default route, in blue's table (bounded: the state records it either way).
i=0
while ! ip route show table 1100 default | grep -q 'via 10.30.0.1'; do
  i=$((i + 1))
  [ "$i" -le 60 ] || break
  sleep 1
done
echo "lease route after $i s"

mkdir -p "$out/ping"
ping_as() { # NAME COMMAND...: its output and exit status
  name=$1
  shift
  rc=0
  "$@" >"$out/ping/$name.txt" 2>&1 || rc=$?
  echo "$rc" >"$out/ping/$name.rc"
}
ping_as bridge ip vrf exec blue busybox ping -c 2 -W 3 198.51.100.2
ping_as bond ip vrf exec blue busybox ping -c 2 -W 3 203.0.113.2
ping_as vxlan ip vrf exec blue busybox ping -c 2 -W 3 172.16.100.2
ping_as dhcp-default ip vrf exec blue busybox ping -c 2 -W 3 10.99.0.1
ping_as vrf-localhost ip vrf exec blue busybox ping -c 1 -W 3 127.0.0.1
ping_as anycast ip netns exec peer busybox ping -c 2 -W 3 10.255.0.9
# Not through main: the lease's default route is blue's alone.
ping_as main-dhcp-default busybox ping -c 1 -W 2 10.99.0.1
ip route show table 1100 >"$out/ping/table1100.txt" 2>&1 || true
ip route show table main >"$out/ping/main.txt" 2>&1 || true
ip -d link show >"$out/ping/links.txt" 2>&1 || true
