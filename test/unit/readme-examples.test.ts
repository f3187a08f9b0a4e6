import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Command, type Option } from 'commander';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { loadConfig } from '../../src/config/load.js';

const README = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');

function codeBlocks(language: string): string[] {
  return [...README.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm'))].map((match) => match[1] ?? '');
}

/** Every `outbox …` invocation the README shows, in code blocks and inline code, as argument lists. */
function outboxInvocations(): string[][] {
  const texts = [...codeBlocks('sh'), ...[...README.matchAll(/`([^`\n]+)`/g)].map((match) => match[1] ?? '')];
  const found: string[][] = [];
  for (const text of texts) {
    for (const match of text.matchAll(/(?:^|[\s(])(?:outbox|npm run (?:--silent )?outbox --)\s+([a-z][^|;&)\n#]*)/gm)) {
      const words = (match[1] ?? '').trim().split(/\s+/);
      found.push(words.filter((word) => !/^[[\]<>]|\]$/.test(word)));
    }
  }
  return found;
}

function program(): Command {
  const root = new Command().name('outbox').option('-c, --config <file>').version('0');
  COMMANDS.forEach((register) => register(root));
  return root;
}

describe('the README examples', () => {
  it('has configuration examples that load as written', () => {
    const blocks = codeBlocks('jsonc');
    expect(blocks.length).to.be.greaterThan(0);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-readme-'));
    try {
      blocks.forEach((block, index) => {
        const file = path.join(dir, `example-${index}.json`);
        writeFileSync(file, block);
        const config = loadConfig({ file, env: {} });
        expect(config.env).to.be.a('string');
      });
      const production = loadConfig({ file: path.join(dir, 'example-0.json'), env: {} });
      expect(production).to.deep.include({ env: 'production', companyId: 92 });
      expect(production.source.timezone).to.equal('America/New_York');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows only outbox commands and options that exist', () => {
    const root = program();
    const invocations = outboxInvocations();
    expect(invocations.length).to.be.greaterThan(10);
    for (const words of invocations) {
      let command = root;
      const rest = [...words];
      while (rest.length > 0) {
        const next = command.commands.find((c) => c.name() === rest[0]);
        if (!next) break;
        command = next;
        rest.shift();
      }
      const shown = `outbox ${words.join(' ')}`;
      if (command === root) {
        // `outbox --version`, `outbox <command>` placeholders and the bare default command.
        expect(rest[0] ?? '--version', shown).to.match(/^(--version|--config|<command>|run)$/);
        continue;
      }
      const known = new Set<string>();
      for (let c: Command | null = command; c; c = c.parent) c.options.forEach((o: Option) => known.add(o.long ?? ''));
      for (const word of rest) {
        const flag = word.split('=')[0] ?? '';
        if (flag.startsWith('--'))
          expect(
            known.has(flag) || flag === '--help' || (flag === '--no-migrate' && known.has('--no-migrate')),
            `${shown}: ${flag}`,
          ).to.equal(true);
      }
    }
  });
});
