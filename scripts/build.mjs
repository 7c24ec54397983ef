// Builds dist/ from src/ with the project's TypeScript, then makes the CLI executable.
//
//   node scripts/build.mjs              always build (npm run build)
//   node scripts/build.mjs --if-stale   build only when dist/ is missing or older than a file
//                                       of src/ or a tsconfig (npm run demo, prepare): so
//                                       `npm install && npm run demo` compiles once
//   node scripts/build.mjs --optional   without TypeScript installed here (toolgraph installed
//                                       from an unbuilt folder, whose devDependencies are not
//                                       installed), say what to do and exit 0 instead of failing
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const main = join(root, 'dist', 'cli', 'main.js');
const ifStale = process.argv.includes('--if-stale');
const optional = process.argv.includes('--optional');

/** Newest modification time of the build's inputs: src/**, the tsconfigs. */
function newestInput() {
  let newest = 0;
  for (const file of ['tsconfig.json', 'tsconfig.build.json']) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  const stack = [join(root, 'src')];
  while (stack.length > 0) {
    const dir = stack.pop();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

if (ifStale && existsSync(main) && statSync(main).mtimeMs >= newestInput()) {
  console.log('toolgraph: dist/ is up to date, not rebuilding');
  process.exit(0);
}

let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  const built = existsSync(main);
  const message = built
    ? 'toolgraph: TypeScript is not installed here; using the dist/ already built'
    : `toolgraph: dist/ is not built and TypeScript is not installed in ${root}.\n` +
      '  Run `npm install` inside that folder first (it builds dist/), or install toolgraph from a packed tarball (npm pack).';
  console.error(message);
  process.exit(optional || built ? 0 : 1);
}
console.log('toolgraph: building dist/ (tsc -p tsconfig.build.json)');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
chmodSync(main, 0o755);
