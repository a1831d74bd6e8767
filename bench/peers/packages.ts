// The peers are Debian packages. Missing ones are installed with apt-get when running as root
// (as scripts/setup.sh does), otherwise the exact command is printed and the bench stops.

import { execFileSync, spawnSync } from 'node:child_process';

/** minizinc needs Gecode's FlatZinc back end (the `flatzinc` package, through libgecodeflatzinc49). */
export const PEER_PACKAGES = ['minizinc', 'libgecodeflatzinc49', 'flatzinc', 'cadical', 'cryptominisat', 'time'];

function installed(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

export function ensurePeers(log: (line: string) => void): void {
  const missing = PEER_PACKAGES.filter((p) => !installed(p));
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) throw new Error(`missing Debian packages; run: sudo apt-get update && sudo ${command}`);
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

/** Debian package versions of the peers, for the report. */
export function peerVersions(): Record<string, string> {
  return Object.fromEntries(PEER_PACKAGES.map((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', p], { encoding: 'utf8' });
    return [p, r.status === 0 ? r.stdout.trim() : 'not installed'];
  }));
}
