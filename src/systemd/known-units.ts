/**
 * Well-known units per platform: what a distribution's package ships, for when the unit file is not in
 * the tree under --root (an image whose packages are installed later, or a machine vrfgen does not run
 * on). Each entry is the unit's [Service] section, verbatim, so it is checked exactly like a unit file
 * read from disk. Platform profiles (src/platforms/platforms.ts) pick their table from here.
 */
export interface KnownUnit {
  /** Where the text comes from: package, version, path. Shown in messages and drop-in comments. */
  readonly source: string;
  /** The [Service] (or [Socket]) section of the unit file, verbatim. */
  readonly text?: string;
  /** This name is an Alias= of that unit: its drop-ins go to the unit itself. */
  readonly aliasOf?: string;
  /** The socket unit the distribution enables by default to start this service on demand. */
  readonly activatedBy?: string;
}

export type KnownUnits = Readonly<Record<string, KnownUnit>>;

// Debian's openssh-server; the [Service] section is the same in bookworm and trixie.
const SSH_SERVICE = `[Service]
EnvironmentFile=-/etc/default/ssh
ExecStartPre=/usr/sbin/sshd -t
ExecStart=/usr/sbin/sshd -D $SSHD_OPTS
ExecReload=/usr/sbin/sshd -t
ExecReload=/bin/kill -HUP $MAINPID
KillMode=process
Restart=on-failure
RestartPreventExitStatus=255
Type=notify
RuntimeDirectory=sshd
RuntimeDirectoryMode=0755
`;

/** The per-connection sshd (`Accept=yes` sockets): StandardInput=socket makes it unbindable as a service. */
const SSHD_PER_CONNECTION = `[Service]
EnvironmentFile=-/etc/default/ssh
ExecStart=-/usr/sbin/sshd -i $SSHD_OPTS
StandardInput=socket
RuntimeDirectory=sshd
RuntimeDirectoryPreserve=yes
RuntimeDirectoryMode=0755
`;

const SNMPD_SERVICE = `[Service]
Type=notify
RuntimeDirectory=agentx
ExecStart=/usr/sbin/snmpd -LOw -u Debian-snmp -g Debian-snmp -I -smux,mteTrigger,mteTriggerConf -f
ExecReload=/bin/kill -HUP $MAINPID
`;

// chrony's hardening is why it is here: it shows what `ip vrf exec` cannot run under.
const CHRONY_SERVICE = `[Service]
Type=forking
PIDFile=/run/chrony/chronyd.pid
EnvironmentFile=-/etc/default/chrony
User=_chrony
# Daemon is started as root, but still sandboxed
ExecStart=!/usr/sbin/chronyd $DAEMON_OPTS

CapabilityBoundingSet=~CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE
CapabilityBoundingSet=~CAP_BLOCK_SUSPEND CAP_KILL CAP_LEASE CAP_LINUX_IMMUTABLE
CapabilityBoundingSet=~CAP_MAC_ADMIN CAP_MAC_OVERRIDE CAP_MKNOD CAP_SYS_ADMIN
CapabilityBoundingSet=~CAP_SYS_BOOT CAP_SYS_CHROOT CAP_SYS_MODULE CAP_SYS_PACCT
CapabilityBoundingSet=~CAP_SYS_PTRACE CAP_SYS_RAWIO CAP_SYS_TTY_CONFIG CAP_WAKE_ALARM
DeviceAllow=char-pps rw
DeviceAllow=char-ptp rw
DeviceAllow=char-rtc rw
DevicePolicy=closed
LockPersonality=yes
MemoryDenyWriteExecute=yes
NoNewPrivileges=yes
PrivateTmp=yes
ProcSubset=pid
ProtectControlGroups=yes
ProtectHome=yes
ProtectHostname=yes
ProtectKernelLogs=yes
ProtectKernelModules=yes
ProtectKernelTunables=yes
ProtectProc=invisible
ProtectSystem=strict
# Used for gps refclocks
ReadWritePaths=/run
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictSUIDSGID=yes
SystemCallArchitectures=native
SystemCallFilter=~@cpu-emulation @debug @module @mount @obsolete @raw-io @reboot @swap

ConfigurationDirectory=chrony
RuntimeDirectory=chrony
RuntimeDirectoryMode=0700
# See dumpdir in chrony.conf(5)
RuntimeDirectoryPreserve=restart
StateDirectory=chrony
StateDirectoryMode=0750
LogsDirectory=chrony
LogsDirectoryMode=0750

# Adjust restrictions for /usr/sbin/sendmail (mailonchange directive)
NoNewPrivileges=no
ReadWritePaths=-/var/spool
RestrictAddressFamilies=AF_NETLINK
`;

/** A package's unit and the aliases its [Install] section declares. */
function unit(
  pkg: string,
  path: string,
  text: string,
  aliases: readonly string[] = [],
  extra: Partial<KnownUnit> = {},
): KnownUnits {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return {
    [name]: { source: `${pkg}, ${path}`, text, ...extra },
    ...Object.fromEntries(aliases.map((a) => [a, { source: `${pkg}, Alias=${a}`, aliasOf: name }])),
  };
}

/** Debian 12, read from the bookworm packages (dpkg-deb -x). */
export const DEBIAN_12_UNITS: KnownUnits = {
  ...unit('openssh-server 1:9.2p1-2+deb12u10', '/lib/systemd/system/ssh.service', SSH_SERVICE, ['sshd.service']),
  ...unit('snmpd 5.9.3+dfsg-2+deb12u1', '/lib/systemd/system/snmpd.service', SNMPD_SERVICE),
  ...unit('chrony 4.3-2+deb12u3', '/lib/systemd/system/chrony.service', CHRONY_SERVICE, ['chronyd.service']),
};

/** Debian 13, read from the trixie packages. openssh-server now ships sshd@.service (per connection). */
export const DEBIAN_13_UNITS: KnownUnits = {
  ...unit('openssh-server 1:10.0p1-7+deb13u4', '/usr/lib/systemd/system/ssh.service', SSH_SERVICE, ['sshd.service']),
  ...unit('openssh-server 1:10.0p1-7+deb13u4', '/usr/lib/systemd/system/sshd@.service', SSHD_PER_CONNECTION),
  ...unit('snmpd 5.9.4+dfsg-2+deb13u1', '/usr/lib/systemd/system/snmpd.service', SNMPD_SERVICE),
  ...unit('chrony 4.6.1-3+deb13u2', '/usr/lib/systemd/system/chrony.service', CHRONY_SERVICE, ['chronyd.service']),
};

/**
 * Ubuntu 22.04 (openssh 1:8.9p1-3ubuntu0): ssh.service as in Debian; ssh.socket is Accept=yes and
 * starts the per-connection ssh@.service. Ubuntu's archive was not reachable when this was written:
 * taken from the published packaging, not read from the .deb.
 */
export const UBUNTU_2204_UNITS: KnownUnits = {
  ...unit('openssh-server 1:8.9p1-3ubuntu0 (Ubuntu 22.04)', '/lib/systemd/system/ssh.service', SSH_SERVICE, [
    'sshd.service',
  ]),
  ...unit('openssh-server 1:8.9p1-3ubuntu0 (Ubuntu 22.04)', '/lib/systemd/system/ssh@.service', SSHD_PER_CONNECTION),
};

/**
 * Ubuntu 24.04 (openssh 1:9.6p1-3ubuntu13): sshd is socket-activated by default since Ubuntu 22.10 —
 * ssh.socket (Accept=no, enabled) listens and starts ssh.service on the first connection, so the
 * listener belongs to PID 1 and must be bound on the socket. Same provenance caveat as 22.04.
 */
export const UBUNTU_2404_UNITS: KnownUnits = unit(
  'openssh-server 1:9.6p1-3ubuntu13 (Ubuntu 24.04)',
  '/usr/lib/systemd/system/ssh.service',
  SSH_SERVICE,
  ['sshd.service'],
  { activatedBy: 'ssh.socket' },
);
