/**
 * Whether the kernel can have VRFs at all: a kernel without CONFIG_NET_VRF (container hosts, some
 * cloud kernels) refuses every VRF device, and a check would otherwise report each VRF item
 * missing as if the configuration were wrong. Asked only when no VRF exists on the host.
 */

/**
 * What the kernel shows of VRF support, without changing anything (loading a module, creating a
 * link): /sys/module/vrf exists once the module is loaded and when it is built in (vrf.c declares
 * MODULE_VERSION, which gives a built-in driver its /sys/module entry); the kernel's configuration
 * (/proc/config.gz, else /boot/config-RELEASE) says y, m or nothing for CONFIG_NET_VRF; without
 * /proc/modules the kernel loads no modules; modules.dep and modules.builtin under
 * /lib/modules/RELEASE list vrf.ko when it can be loaded or is built in. Constant text: nothing of
 * the intent goes into it, and it is one line (a script line of `collect --script`). A
 * configuration that cannot be read says `unreadable`, never unset.
 */
export const KERNEL_VRF_SCRIPT = [
  'r=$(uname -r)',
  'if [ -e /sys/module/vrf ]; then echo sys-module-vrf present; else echo sys-module-vrf absent; fi',
  'if [ -e /proc/modules ]; then echo proc-modules present; else echo proc-modules absent; fi',
  'c=none',
  'for f in /proc/config.gz "/boot/config-$r"; do if [ -r "$f" ]; then ' +
    'case $f in *.gz) set -- gzip -dc ;; *) set -- cat ;; esac; ' +
    'v=$( { "$@" "$f" 2>/dev/null || echo unreadable; } | sed -n "s/^CONFIG_NET_VRF=//p; /^unreadable\\$/p"); ' +
    'case $v in *unreadable*) v=unreadable ;; esac; ' +
    'c="$f ${v:-unset}"; break; fi; done',
  'echo "config $c"',
  'd=/lib/modules/$r',
  'if [ ! -r "$d/modules.dep" ]; then echo "lib-modules $d absent"; ' +
    'elif grep -qs "/vrf\\\\.ko" "$d/modules.dep" "$d/modules.builtin"; then echo "lib-modules $d vrf.ko"; ' +
    'else echo "lib-modules $d none"; fi',
].join('; ');

/** What kernel-vrf.txt shows, line by line (`KEY VALUE…`); a line missing or unlike these is unknown. */
export interface KernelVrf {
  readonly sysModule?: boolean;
  readonly procModules?: boolean;
  /** CONFIG_NET_VRF (`y`, `m`, `unset`, `unreadable`) and the file it is from; `none`: no configuration file. */
  readonly config?: { readonly file: string; readonly value: string } | 'none';
  /** The running kernel's modules folder, and whether modules.dep or modules.builtin list vrf.ko. */
  readonly modules?: { readonly dir: string; readonly vrf: 'vrf.ko' | 'none' | 'absent' };
}

export function parseKernelVrf(stdout: string): KernelVrf {
  const out: {
    sysModule?: boolean;
    procModules?: boolean;
    config?: KernelVrf['config'];
    modules?: KernelVrf['modules'];
  } = {};
  for (const line of stdout.split('\n')) {
    const [key, a, b, ...rest] = line.trim().split(/\s+/);
    if (rest.length) continue;
    if (key === 'sys-module-vrf' && b === undefined && (a === 'present' || a === 'absent'))
      out.sysModule = a === 'present';
    else if (key === 'proc-modules' && b === undefined && (a === 'present' || a === 'absent'))
      out.procModules = a === 'present';
    else if (key === 'config' && a === 'none' && b === undefined) out.config = 'none';
    else if (key === 'config' && a?.startsWith('/') && b !== undefined) out.config = { file: a, value: b };
    else if (key === 'lib-modules' && a?.startsWith('/') && (b === 'vrf.ko' || b === 'none' || b === 'absent'))
      out.modules = { dir: a, vrf: b };
  }
  return out;
}

/**
 * Why this kernel cannot have a VRF, or undefined when it can or the evidence does not say. Only
 * what the kernel shows counts: a module that exists but is not loaded is support (creating the
 * first VRF loads it), and a folder of modules that is not there (a container) tells nothing.
 */
export function noVrfSupport(k: KernelVrf): string | undefined {
  if (k.sysModule !== false) return undefined; // loaded or built in, or not known
  const config = typeof k.config === 'object' ? k.config : undefined;
  if (config?.value === 'y') return undefined;
  if (config?.value === 'unset') return `CONFIG_NET_VRF is not set (${config.file})`;
  if (config?.value === 'm')
    return k.modules?.vrf === 'none' ? `CONFIG_NET_VRF=m, but no vrf.ko in ${k.modules.dir}` : undefined;
  if (k.procModules === false) return 'no vrf in /sys/module, and this kernel loads no modules (no /proc/modules)';
  if (k.modules?.vrf === 'none') return `no vrf in /sys/module, nor in ${k.modules.dir}/modules.dep or modules.builtin`;
  return undefined;
}
