import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: runs every benchmark module in this folder (each exports run()), or only those
 * named on the command line (`npm run bench -- capture`). Figures are printed, never asserted:
 * these machines are shared and noisy, so each benchmark reports ratios against a baseline it
 * measures in the same run.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((file) => file.endsWith('.js') && file !== 'run.js')
  .map((file) => file.replace(/\.js$/, ''))
  .filter((name) => wanted.length === 0 || wanted.includes(name));

if (modules.length === 0) {
  process.stderr.write(`no benchmark named ${wanted.join(', ')}\n`);
  process.exit(2);
}

for (const name of modules) {
  const { run } = (await import(path.join(here, `${name}.js`))) as { run: () => Promise<void> };
  process.stdout.write(`\n== ${name} ==\n`);
  await run();
}
