/**
 * Property tests over the intent language (fast-check): thousands of generated intents, most of them
 * plausible, many hostile in some field or damaged as text (test/support/fuzz/intents.ts). For every one:
 * loading and resolving never throws — it gives diagnostics, each with a position, or a model — and
 * for a model, every target renders without throwing, and each output re-parsed the way its consumer
 * reads it holds exactly the sections, keys, YAML structure and facts the model implies, whatever the
 * strings contained (test/support/fuzz/oracle.ts).
 *
 * 10 000 intents per run by default (VRFGEN_FUZZ_RUNS to change it). The seed differs per run and is
 * printed with any failure, with the shrunk counterexample: VRFGEN_FUZZ_SEED=<seed> repeats the run.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { hasErrors } from '../src/diagnostics/diagnostics.ts';
import { validate, validateText } from '../src/index.ts';
import type { Model } from '../src/model/model.ts';
import { renderTargets } from '../src/render/render.ts';
import type { Target } from '../src/render/target.ts';
import { stringify } from 'yaml';
import { stringifyPlainYaml } from '../src/intent/plain-yaml-stringify.ts';
import { targets } from '../targets/index.ts';
import { netplanDocument } from '../targets/netplan.ts';
import { intentText } from './support/fuzz/intents.ts';
import { ROOT } from './support/helpers.ts';
import {
  fileProblems,
  frrProblems,
  ifupdown2Problems,
  ifupdownProblems,
  netavarkProblems,
  netplanProblems,
  networkdProblems,
  networkmanagerProblems,
  servicesProblems,
  sysctlProblems,
} from './support/fuzz/oracle.ts';

const RUNS = Number(process.env.VRFGEN_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.VRFGEN_FUZZ_SEED ?? Date.now() % 2 ** 31);

const checks: Record<
  keyof typeof targets,
  (
    model: Model,
    files: Parameters<typeof networkdProblems>[1],
    diags: Parameters<typeof servicesProblems>[2],
  ) => string[]
> = {
  networkd: networkdProblems,
  netplan: netplanProblems,
  ifupdown2: ifupdown2Problems,
  ifupdown: ifupdownProblems,
  networkmanager: networkmanagerProblems,
  netavark: netavarkProblems,
  sysctl: sysctlProblems,
  services: servicesProblems,
  frr: frrProblems,
};

/** A target's problems; a check that throws on what it reads reports that as one. */
function problemsOf(
  name: keyof typeof targets,
  model: Model,
  files: Parameters<typeof networkdProblems>[1],
  diags: Parameters<typeof servicesProblems>[2],
): string[] {
  try {
    return [...fileProblems(model, files, targets[name].owns), ...checks[name](model, files, diags)];
  } catch (e) {
    return [`${name}: the re-parse failed: ${(e as Error).message}`];
  }
}

const tally = { intents: 0, valid: 0, files: 0, yamlByLibrary: 0, routed: 0 };

test(`${RUNS} generated intents: diagnostics with positions, or outputs exactly as the model implies (seed ${SEED})`, async () => {
  // Nothing may go to stderr behind the diagnostics' back (the YAML library warns through Node).
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  fc.assert(
    fc.property(intentText, ({ file, text }) => {
      tally.intents++;
      const v = validateText(text, file);
      if (!v.model) {
        expect(hasErrors(v.diagnostics)).toBe(true);
        for (const d of v.diagnostics) expect(d.pos, `${d.code} has no position`).toBeDefined();
        return;
      }
      tally.valid++;
      // The netplan document, written by vrfgen's YAML writer, is the yaml library's byte for byte.
      const doc = netplanDocument(v.model).yaml;
      const ours = stringifyPlainYaml(doc);
      if (ours === undefined) tally.yamlByLibrary++;
      else expect(ours).toBe(stringify(doc, { lineWidth: 0 }));
      if (v.model.vrfs.some((vrf) => vrf.bgp)) tally.routed++;
      for (const [name, target] of Object.entries(targets) as [keyof typeof targets, Target][]) {
        const { files, diagnostics } = renderTargets(v.model, [target]);
        tally.files += files.length;
        expect(problemsOf(name, v.model, files, diagnostics), name).toEqual([]);
      }
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: false },
  );
  await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  process.off('warning', onWarning);
  expect(warnings).toEqual([]);
  console.log(
    `fuzz, seed ${SEED}: ${tally.intents} intents, ${tally.valid} resolved to a model (${tally.routed} with BGP), ${tally.files} files re-parsed, ${tally.yamlByLibrary} netplan documents left to the yaml library`,
  );
  // The generator must reach the targets: a run where (almost) nothing resolves proves little.
  expect(tally.valid).toBeGreaterThan(RUNS / 5);
  // About one model in a hundred has BGP (every BGP error drops the model); the floor sits well
  // below that so that a seed's spread does not fail the run, and above what a broken generator gives.
  expect(tally.routed).toBeGreaterThan(RUNS / 200);
}, 900_000);

/** Each check, fed an output with one injected line, section, key or stanza, reports it: the oracle can fail. */
describe('the re-parse checks catch an injection', () => {
  const example = join(ROOT, 'examples/mgmt-and-production.yaml');
  const containers = join(ROOT, 'examples/containers-in-a-vrf.yaml');
  const broken: [keyof typeof targets, string, string, string?][] = [
    ['networkd', 'Name=eth1\n', 'Name=eth1\n[Route]\nGateway=10.10.0.9\nTable=10\n'],
    ['networkd', 'Address=10.10.0.1/24\n', 'Address=10.10.0.1/24 \\\nVRF=production\n'],
    ['networkd', 'Kind=vrf\n', 'Kind=vrf\nKind=bridge\n'],
    ['netplan', 'renderer: networkd\n', 'renderer: networkd\n      macaddress: 02:00:00:00:00:01\n'],
    ['netplan', '- 10.10.0.1/24\n', '- 10.10.0.1/24\n        - 10.99.0.1/24\n'],
    ['ifupdown2', 'vrf-table 10\n', 'vrf-table 10\n\nauto evil\niface evil\n    address 10.66.0.1/24\n'],
    ['ifupdown', 'up ip addr replace 10.10.0.1/24 dev eth1\n', 'up ip addr replace 10.10.0.1/24 dev eth1 \\\n'],
    ['sysctl', 'net.ipv4.raw_l3mdev_accept = 1\n', 'net.ipv4.raw_l3mdev_accept = 1\nnet.ipv4.ip_forward = 1\n'],
    ['sysctl', 'Conflicts=shutdown.target\n', 'Conflicts=shutdown.target\nExecStartPre=/bin/sh\n'],
    [
      'services',
      'ExecStart=/sbin/ip vrf exec mgmt /usr/sbin/sshd -D $SSHD_OPTS\n',
      'ExecStart=/sbin/ip vrf exec mgmt /usr/sbin/sshd -D $SSHD_OPTS ; /bin/sh\n',
    ],
    [
      'services',
      'BindsTo=sys-subsystem-net-devices-mgmt.device\n',
      'BindsTo=sys-subsystem-net-devices-mgmt.device\n[Install]\nWantedBy=multi-user.target\n',
    ],
    ['networkmanager', 'interface-name=eth2\n', 'interface-name=eth2\n[ipv4]\naddress1=10.66.0.1/24\n'],
    ['networkmanager', 'method=manual\n', 'method=manual\naddress9=10.66.0.1/24\n'],
    ['networkmanager', 'table=20\n', 'table=20\ntable=30\n'],
    ['networkmanager', 'route1_options=table=20\n', 'route1_options=table=20\nroute9=0.0.0.0/1,10.20.0.9\n'],
    ['netavark', '"vrf": "tenant"', '"vrf": "tenant",\n          "isolate": "true"', containers],
    ['netavark', '"dns_enabled": false', '"dns_enabled": true', containers],
  ];
  test.each(broken)('%s: %j', async (name, from, to, intent = example) => {
    const v = await validate(intent);
    const { files, diagnostics } = renderTargets(v.model!, [targets[name]]);
    expect(problemsOf(name, v.model!, files, diagnostics)).toEqual([]);
    const edited = files.map((f) => ({ ...f, content: f.content.replace(from, to) }));
    expect(edited.map((f) => f.content).join(''), 'the edit applies').not.toBe(files.map((f) => f.content).join(''));
    expect(problemsOf(name, v.model!, edited, diagnostics)).not.toEqual([]);
  });

  const routeServer = join(ROOT, 'test/golden/frr-route-server/intent.yaml');
  test.each([
    [' password s3cret\n', ' password s3cret\n neighbor 10.1.0.99 remote-as 65009\n'],
    [' password s3cret\n', ' password s3 cret\n'],
    ['  import vrf blue\n', '  import vrf blue\n  import vrf green\n'],
    ['exit\n!\nip prefix-list', '!\nip prefix-list'],
  ])('frr: %j', async (from, to) => {
    const v = await validate(routeServer);
    const { files, diagnostics } = renderTargets(v.model!, [targets.frr]);
    expect(problemsOf('frr', v.model!, files, diagnostics)).toEqual([]);
    const edited = files.map((f) => ({ ...f, content: f.content.replace(from, to) }));
    expect(edited.map((f) => f.content).join(''), 'the edit applies').not.toBe(files.map((f) => f.content).join(''));
    expect(problemsOf('frr', v.model!, edited, diagnostics)).not.toEqual([]);
  });
});
