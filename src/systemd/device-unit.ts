/**
 * The device unit udev creates for a network interface (udev's 99-systemd.rules tags every net device
 * but lo): the path /sys/subsystem/net/devices/NAME escaped as systemd-escape(1) --path does. Names
 * reaching here are [A-Za-z0-9_.-] starting with a letter or digit, so only '-' needs escaping.
 */
export const deviceUnit = (ifname: string): string =>
  `sys-subsystem-net-devices-${ifname.replace(/-/g, '\\x2d')}.device`;
