// `npm start` on a fresh clone: installs the locked dependencies first when they are missing.
// Plain JavaScript on purpose: it runs before any dependency (tsx included) exists.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../node_modules/.package-lock.json', import.meta.url))) {
  console.log('Dependencies are not installed yet: running `npm ci` (once)...');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
}
