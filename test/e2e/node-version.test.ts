import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CLI } from '../support/cli.js';

/** A `node` on PATH older than 22 (the machine's own, where the devDependency brings 22 for npm scripts). */
function olderNodeOnPath(): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'node');
    if (!existsSync(candidate)) continue;
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
      if (Number(version.replace(/^v/, '').split('.')[0]) < 22) return candidate;
    } catch {
      // not runnable: look further
    }
  }
  return null;
}

describe('the outbox command on an older Node', () => {
  it('says Node.js 22 or newer is required, with the version found, and exits 2 without a stack trace', function () {
    const node = olderNodeOnPath();
    if (!node) {
      console.log('      skipped: no node older than 22 on PATH to run the command with');
      this.skip();
    }
    const result = spawnSync(node, [CLI, '--version'], { encoding: 'utf8' });
    const found = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
    expect(result.status).to.equal(2);
    expect(result.stderr).to.equal(`error: Node.js 22 or newer is required (found ${found})\n`);
    expect(result.stdout).to.equal('');
  });
});
