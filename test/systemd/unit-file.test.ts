/** The unit-file parser and the folds of repeated settings, table-driven against systemd's rules. */
import { describe, expect, test } from 'vitest';
import { splitExecPrefix } from '../../src/systemd/exec-command.ts';
import {
  addressFamilyAllowed,
  boundingSetHas,
  lastValue,
  listValue,
  parseUnitFile,
  templateOf,
} from '../../src/systemd/unit-file.ts';

const unit = (body: string) => parseUnitFile(`[Service]\n${body}`, 'x.service');

describe('parseUnitFile', () => {
  test('sections, comments, whitespace around =, continuation lines (the backslash becomes a space)', () => {
    const s = parseUnitFile(
      '# c\n[Unit]\nDescription = a  b \n; c\n[Service]\nExecStart=/bin/a \\\n  --b \\\n# skipped\n  --c\nnot a setting\n',
      'f',
    );
    expect(s.map((x) => [x.section, x.key, x.value, x.line])).toEqual([
      ['Unit', 'Description', 'a  b', 3],
      ['Service', 'ExecStart', '/bin/a  --b  --c', 6],
    ]);
  });

  test('list settings reset on an empty assignment; single ones take the last, empty meaning default', () => {
    const s = unit('ExecStart=/a\nExecStart=\nExecStart=/b\nExecStart=/c\nUser=x\nUser=\n');
    expect(listValue(s, 'Service', 'ExecStart').map((x) => x.value)).toEqual(['/b', '/c']);
    expect(lastValue(s, 'Service', 'User')).toBeUndefined();
  });
});

describe('CapabilityBoundingSet= folds as config_parse_capability_set() does', () => {
  test.each([
    ['', 'CAP_SYS_ADMIN', true],
    ['CapabilityBoundingSet=CAP_NET_ADMIN', 'CAP_SYS_ADMIN', false],
    ['CapabilityBoundingSet=CAP_NET_ADMIN\nCapabilityBoundingSet=cap_sys_admin', 'CAP_SYS_ADMIN', true],
    ['CapabilityBoundingSet=~CAP_SYS_ADMIN CAP_KILL', 'CAP_SYS_ADMIN', false],
    ['CapabilityBoundingSet=~CAP_SYS_ADMIN', 'CAP_NET_ADMIN', true],
    ['CapabilityBoundingSet=~CAP_KILL\nCapabilityBoundingSet=~CAP_SYS_ADMIN', 'CAP_SYS_ADMIN', false],
    ['CapabilityBoundingSet=CAP_NET_ADMIN CAP_SYS_ADMIN\nCapabilityBoundingSet=~CAP_SYS_ADMIN', 'CAP_SYS_ADMIN', false],
    ['CapabilityBoundingSet=', 'CAP_SYS_ADMIN', false],
    ['CapabilityBoundingSet=\nCapabilityBoundingSet=~', 'CAP_SYS_ADMIN', true],
  ])('%j keeps %s: %s', (body, cap, want) => expect(boundingSetHas(unit(body), cap)).toBe(want));
});

describe('RestrictAddressFamilies= folds as config_parse_address_families() does', () => {
  test.each([
    ['', true],
    ['RestrictAddressFamilies=AF_INET AF_INET6', false],
    ['RestrictAddressFamilies=AF_INET\nRestrictAddressFamilies=AF_NETLINK', true],
    ['RestrictAddressFamilies=~AF_NETLINK', false],
    ['RestrictAddressFamilies=~AF_PACKET', true],
    ['RestrictAddressFamilies=AF_INET AF_NETLINK\nRestrictAddressFamilies=~AF_NETLINK', false],
    ['RestrictAddressFamilies=AF_INET\nRestrictAddressFamilies=', true],
    ['RestrictAddressFamilies=none', false],
  ])('%j allows AF_NETLINK: %s', (body, want) => expect(addressFamilyAllowed(unit(body), 'AF_NETLINK')).toBe(want));
});

test.each([
  ['/usr/sbin/sshd -D', '', '/usr/sbin/sshd -D'],
  ['-/bin/a', '-', '/bin/a'],
  ['+-:/bin/a x', '+-:', '/bin/a x'],
  ['!!/bin/a', '!!', '/bin/a'],
  ['@/bin/a a0', '@', '/bin/a a0'],
])('ExecStart=%s has prefix %j and command %j', (line, prefix, command) => {
  expect(splitExecPrefix(line)).toEqual({ prefix, command });
});

test.each([
  ['ssh.service', 'ssh.service'],
  ['probe@eth1.service', 'probe@.service'],
  ['container@web.example.service', 'container@.service'],
  ['sshd@.service', 'sshd@.service'],
])('the template of %s is %s', (name, template) => expect(templateOf(name)).toBe(template));
