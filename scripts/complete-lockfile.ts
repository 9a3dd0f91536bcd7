// Completes package-lock.json with the optional platform packages npm left out.
//
// npm 11 writes a lockfile without the optional per-platform packages its registry does not
// serve (this machine's mirror has only the Linux builds of Biome, buf and msgpackr-extract),
// and `npm ci` then refuses that lockfile as out of sync (npm/cli#9846). Each missing package
// gets an entry with the exact version its parent pins and the os/cpu/libc its name states, so
// `npm ci` accepts the lockfile everywhere and skips the packages for other platforms. These
// entries carry no integrity hash (the mirror cannot supply one): on a platform that installs
// one of them, npm fetches it by version like `npm install` would.
//
//   npm run lockfile:complete      (after anything that rewrites package-lock.json)
import { readFileSync, writeFileSync } from 'node:fs';

const OS = ['aix', 'android', 'darwin', 'freebsd', 'linux', 'netbsd', 'openbsd', 'sunos', 'win32'];
const CPU = ['arm', 'arm64', 'armv7', 'ia32', 'loong64', 'mips64el', 'ppc64', 'riscv64', 's390x', 'x64'];

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optionalDependencies?: Record<string, string>;
}

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8')) as { packages: Record<string, LockEntry> };
const added: string[] = [];
for (const [key, pkg] of Object.entries(lock.packages)) {
  for (const [name, spec] of Object.entries(pkg.optionalDependencies ?? {})) {
    if (lock.packages[`node_modules/${name}`] || lock.packages[`${key}/node_modules/${name}`]) continue;
    if (!/^\d+\.\d+\.\d+/.test(spec)) throw new Error(`${name}: "${spec}" is not an exact version`);
    const words = name.split('/').pop()!.split('-');
    const os = words.find((w) => OS.includes(w));
    const cpu = words.find((w) => CPU.includes(w));
    if (os === undefined || cpu === undefined) throw new Error(`${name}: no platform in its name`);
    lock.packages[`node_modules/${name}`] = {
      version: spec,
      cpu: [cpu === 'armv7' ? 'arm' : cpu],
      ...(pkg.dev ? { dev: true } : {}),
      ...(words.includes('musl') ? { libc: ['musl'] } : {}),
      optional: true,
      os: [os],
    };
    added.push(`${name}@${spec}`);
  }
}
const order = (a: string, b: string) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0);
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => order(a, b)));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length === 0 ? 'lockfile already complete' : `added:\n  ${added.join('\n  ')}`);
