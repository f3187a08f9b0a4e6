import { execFileSync } from 'node:child_process';
import { writeFileSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { renderSystemdUnit, type UnitValues } from './systemd-unit.js';

export const SERVICE_NAME = 'outbox';
const UNIT_PATH = `/etc/systemd/system/${SERVICE_NAME}.service`;

/** Registering, starting and stopping the service with the operating system's manager. */
export interface ServiceManager {
  install(values: UnitValues): Promise<string>;
  uninstall(): Promise<string>;
  start(): Promise<string>;
  stop(): Promise<string>;
  status(): Promise<string>;
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; status?: number };
    throw new Error(
      `${command} ${args.join(' ')} failed${e.status === undefined ? '' : ` (exit ${e.status})`}: ${(e.stderr || e.stdout || '').trim()}`,
      {
        cause: error,
      },
    );
  }
}

export const systemdManager: ServiceManager = {
  async install(values) {
    writeFileSync(UNIT_PATH, renderSystemdUnit(values), { mode: 0o644 });
    run('systemctl', ['daemon-reload']);
    run('systemctl', ['enable', SERVICE_NAME]);
    return `installed ${UNIT_PATH} and enabled it; start it with 'outbox service start' (it runs as user ${values.user}, which must exist)`;
  },
  async uninstall() {
    if (existsSync(UNIT_PATH)) {
      run('systemctl', ['disable', '--now', SERVICE_NAME]);
      rmSync(UNIT_PATH);
      run('systemctl', ['daemon-reload']);
    }
    return `removed ${UNIT_PATH}`;
  },
  async start() {
    run('systemctl', ['start', SERVICE_NAME]);
    return 'started';
  },
  async stop() {
    run('systemctl', ['stop', SERVICE_NAME]);
    return 'stopped';
  },
  async status() {
    try {
      return run('systemctl', ['status', '--no-pager', SERVICE_NAME]);
    } catch (error) {
      return (error as Error).message;
    }
  },
};

interface NodeWindowsService {
  on(event: string, listener: (...args: unknown[]) => void): void;
  install(): void;
  uninstall(): void;
  start(): void;
  stop(): void;
}

/**
 * Windows: node-windows registers the service with the Service Control Manager (through the
 * winsw wrapper it ships), restarts it on failure and writes to the Windows event log. It is an
 * optional dependency, installed only on Windows.
 */
function windowsService(values?: UnitValues): NodeWindowsService {
  const require = createRequire(import.meta.url);
  let nodeWindows: { Service: new (options: Record<string, unknown>) => NodeWindowsService };
  try {
    nodeWindows = require('node-windows') as typeof nodeWindows;
  } catch {
    throw new Error("node-windows is not installed: run 'npm install node-windows' in the install folder");
  }
  const installDir = values?.installDir ?? process.cwd();
  return new nodeWindows.Service({
    name: SERVICE_NAME,
    description: 'crm-outbox: CRM change capture, webhook delivery and events API',
    script: path.join(installDir, 'dist', 'src', 'cli', 'main.js'),
    scriptOptions: values ? `run --config "${values.config}"` : 'run',
    workingDirectory: installDir,
    // Restart after a failure, waiting longer each time, as the SCM's recovery actions would.
    wait: 5,
    grow: 0.5,
    maxRestarts: 10,
    stopparentfirst: true,
  });
}

function windowsAction(act: 'install' | 'uninstall' | 'start' | 'stop', done: string, values?: UnitValues): Promise<string> {
  const service = windowsService(values);
  return new Promise((resolve, reject) => {
    const events: Record<typeof act, string> = { install: 'install', uninstall: 'uninstall', start: 'start', stop: 'stop' };
    service.on(events[act], () => resolve(done));
    service.on('alreadyinstalled', () => resolve('already installed'));
    service.on('error', (error) => reject(error instanceof Error ? error : new Error(String(error))));
    service[act]();
  });
}

export const windowsManager: ServiceManager = {
  install: (values) =>
    windowsAction('install', `installed the Windows service '${SERVICE_NAME}'; start it with 'outbox service start'`, values),
  uninstall: () => windowsAction('uninstall', `removed the Windows service '${SERVICE_NAME}'`),
  start: () => windowsAction('start', 'started'),
  stop: () => windowsAction('stop', 'stopped'),
  async status() {
    return run('sc.exe', ['query', SERVICE_NAME]);
  },
};

export function serviceManager(platform: NodeJS.Platform = process.platform): ServiceManager {
  return platform === 'win32' ? windowsManager : systemdManager;
}
