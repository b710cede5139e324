/**
 * `generate --format cloud-init`, checked by Debian's cloud-init: `cloud-init schema` accepts the
 * document, and cloud-init's own write_files module writes exactly the tree `generate --root`
 * writes, while its runcmd module turns the reload commands into the script cloud-final runs. The
 * modules run through `cloud-init single` in private mount and network namespaces: /etc is an
 * overlay whose upper layer the test reads, /run and /var are private, the datasource is None
 * (no metadata service is ever asked), so the host is not touched.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { probeNamespaces } from '../support/consumers.ts';
import {
  describeWithFacility,
  exampleIntents,
  goldenCases,
  modeOf,
  probeCommand,
  read,
  ROOT,
  run,
  treeOf,
  vrfgen,
} from '../support/helpers.ts';

const INTENT = join(ROOT, 'examples/cloud-init/intent.yaml');
const USER_DATA = join(ROOT, 'examples/cloud-init/user-data');
const tmp = () => mkdtempSync(join(tmpdir(), 'vrfgen-cloud-init-'));

const userData = (intent: string, ...args: string[]) => {
  const r = vrfgen('generate', intent, '--format', 'cloud-init', ...args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

/** `cloud-init schema --config-file` on `text`. */
function schema(text: string) {
  const file = join(tmp(), 'user-data');
  writeFileSync(file, text);
  return { file, ...run('cloud-init', ['schema', '--config-file', file]) };
}

test('examples/cloud-init/user-data is what vrfgen generates from the intent beside it', () => {
  expect(userData(INTENT)).toBe(read(USER_DATA));
});

describeWithFacility(
  'cloud-init schema (Debian package cloud-init)',
  () => probeCommand('cloud-init', ['--version']),
  () => {
    test('accepts examples/cloud-init/user-data', () => {
      const r = run('cloud-init', ['schema', '--config-file', USER_DATA]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(`Valid cloud-config: ${USER_DATA}\n`);
      expect(r.code).toBe(0);
    });

    const example = exampleIntents().find((e) => e.name === 'mgmt-and-production')!;
    const documents = [
      // A case's root/ holds the unit files its services are bound from: --root reads them with --format too.
      // The cases whose point is a default target's refusal (netavark before 1.8) have no document.
      ...goldenCases()
        .filter((c) => !/^containers-on-(debian-12|ubuntu-24\.04)$/.test(c.name))
        .map((c) => {
          const root = join(dirname(c.intent), 'root');
          return {
            name: `${c.name} (default targets)`,
            intent: c.intent,
            args: existsSync(root) ? ['--root', root] : [],
          };
        }),
      ...['netplan', 'ifupdown2', 'ifupdown'].map((t) => ({
        name: `${example.name} (${t})`,
        intent: example.intent,
        args: ['--target', `${t},sysctl,services`],
      })),
    ];

    test.each(documents)('accepts the document for $name', ({ intent, args }) => {
      const r = schema(userData(intent, ...args));
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(`Valid cloud-config: ${r.file}\n`);
      expect(r.code).toBe(0);
    });

    test('refuses permissions given as a number (the check can fail)', () => {
      const r = schema(read(USER_DATA).replace('permissions: "0644"', 'permissions: 0644'));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("write_files.0.permissions: 420 is not of type 'string'");
    });
  },
);

// Inside the namespaces: /etc as an overlay (its upper layer is what cloud-init wrote), private /run,
// /var/log and /var/lib, and a config that keeps cloud-init's own state under /run with no datasource.
const CLOUD_INIT = `
set -e
out=$1 userdata=$2
t=$(mktemp -d)
mount -t tmpfs tmpfs "$t"
mkdir -p "$t/up" "$t/work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$t/up,workdir=$t/work" /etc
for d in /run /var/log /var/lib; do mount -t tmpfs tmpfs "$d"; done
cfg=/etc/cloud/cloud.cfg.d/99-vrfgen-test.cfg
printf 'datasource_list: [None]\\nsystem_info:\\n  paths:\\n    cloud_dir: /run/test/cloud\\n    run_dir: /run/test/run\\n' > "$cfg"
for module in write_files runcmd; do cloud-init --file "$userdata" single --name "$module" --frequency always >/dev/null; done
rm "$cfg"
mkdir "$out/etc"
cp -a "$t/up/." "$out/etc/"
cp /run/test/cloud/instances/iid-datasource-none/scripts/runcmd "$out/runcmd"
`;

/** Run cloud-init's write_files and runcmd modules on `text`; what they wrote lands in the returned folder. */
function cloudInitModules(text: string) {
  const dir = tmp();
  writeFileSync(join(dir, 'user-data'), text);
  const out = join(dir, 'out');
  mkdirSync(out);
  return { out, ...run('unshare', ['-m', '-n', 'sh', '-c', CLOUD_INIT, 'sh', out, join(dir, 'user-data')]) };
}

/** The tree `generate --root` writes into an empty root, for the targets a user-data was generated with. */
function generatedTree(intent: string): string {
  const root = tmp();
  const r = vrfgen('generate', intent, '--root', root);
  expect(r.code, r.stderr).toBe(0);
  return root;
}

describeWithFacility(
  "cloud-init's write_files and runcmd modules",
  () =>
    probeCommand('cloud-init', ['--version']) ??
    probeNamespaces() ??
    probeCommand('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs tmpfs /mnt']),
  () => {
    describe('examples/cloud-init/user-data', () => {
      test('write_files writes the tree generate --root writes (contents, modes, root:root); runcmd keeps the reload commands', () => {
        const c = cloudInitModules(read(USER_DATA));
        expect(c.stderr).toBe('');
        expect(c.code).toBe(0);
        const root = generatedTree(INTENT);
        const etc = join(c.out, 'etc');
        const written = treeOf(etc).map((p) => `/etc${p}`);
        expect(written).toEqual(treeOf(root));
        for (const p of written) {
          expect(read(join(c.out, p)), p).toBe(read(join(root, p)));
          expect(modeOf(join(c.out, p)), p).toBe(modeOf(join(root, p)));
        }
        expect(run('stat', ['-c', '%U:%G', ...written.map((p) => join(c.out, p))]).stdout).toBe(
          'root:root\n'.repeat(written.length),
        );
        expect(read(join(c.out, 'runcmd'))).toBe(
          "#!/bin/sh\n'networkctl' 'reload'\n'sysctl' '--system'\n'systemctl' 'daemon-reload'\n'systemctl' 'start' 'vrfgen-local-rule.service'\n'systemctl' 'restart' 'ssh.service'\n",
        );
      });

      test('an entry that is not the generated file shows up (the check can fail)', () => {
        const c = cloudInitModules(read(USER_DATA).replace('Address=172.31.64.10/20', 'Address=172.31.64.11/20'));
        expect(c.code).toBe(0);
        const root = generatedTree(INTENT);
        const differ = treeOf(join(c.out, 'etc')).filter(
          (p) => read(join(c.out, 'etc', p)) !== read(join(root, `/etc${p}`)),
        );
        expect(differ).toEqual(['/systemd/network/10-vrfgen-ens6.network']);
      });
    });
  },
);
