import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const TEST_DIR = fileURLToPath(new URL('../../../test/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * A skipped test must say why in the run's output: mocha's skip call within three lines after the
 * console.log that prints the reason; no skipping forms that print nothing (it/describe .skip, xit).
 */
describe('skipped tests say why', () => {
  it('every skip prints its reason first, and nothing skips silently', () => {
    const silent: string[] = [];
    for (const file of sources(TEST_DIR)) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, index) => {
        const where = `${path.relative(TEST_DIR, file)}:${index + 1}`;
        if (/\b(it|describe|context)\.skip\(|\bx(it|describe)\(/.test(line)) silent.push(`${where} ${line.trim()}`);
        if (!/\bthis\.skip\(\)/.test(line)) return;
        const before = lines.slice(Math.max(0, index - 3), index + 1).join('\n');
        if (!/console\.log\(/.test(before)) silent.push(`${where} ${line.trim()}`);
      });
    }
    expect(silent, 'skips that print no reason').to.deep.equal([]);
  });
});
