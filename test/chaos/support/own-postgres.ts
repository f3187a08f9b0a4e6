import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './service-process.js';

const run = promisify(execFile);

/** The newest PostgreSQL server binaries Debian installed, or undefined. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(root, versions[0], 'bin');
}

/**
 * A PostgreSQL server of the scenario's own (initdb into a temporary folder, a spare port on
 * 127.0.0.1), so it can be stopped and started without touching the shared server. PostgreSQL
 * refuses to run as root: as root it runs as the `postgres` user.
 */
export class OwnPostgres {
  private constructor(
    readonly bin: string,
    readonly dataDir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<OwnPostgres> {
    const bin = postgresBin();
    if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
    const folder = mkdtempSync(path.join(os.tmpdir(), 'outbox-chaos-pg-'));
    const server = new OwnPostgres(bin, path.join(folder, 'data'), await freePort());
    if (process.getuid?.() === 0) chownSync(folder, ...(await server.#postgresIds()));
    await server.#as('initdb', ['-D', server.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await server.start();
    return server;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async #postgresIds(): Promise<[number, number]> {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    return [Number(stdout.trim()), Number(group.trim())];
  }

  async #as(tool: string, args: string[]): Promise<void> {
    const command = path.join(this.bin, tool);
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd: '/' });
    else await run(command, args);
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${path.dirname(this.dataDir)} -c fsync=off`;
    await this.#as('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', path.join(path.dirname(this.dataDir), 'log'), '-w', 'start']);
  }

  /** `fast` disconnects everyone and shuts down cleanly; `immediate` is a crash. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.#as('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(path.dirname(this.dataDir), { recursive: true, force: true });
  }
}
