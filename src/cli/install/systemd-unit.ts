import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const UNIT_TEMPLATE = fileURLToPath(new URL('../../../../config/systemd/outbox.service', import.meta.url));

export interface UnitValues {
  installDir: string;
  node: string;
  config: string;
  user: string;
  /** The service's own graceful-stop limit; systemd waits this plus a margin. */
  shutdownTimeoutMs: number;
}

/** The unit file for this installation: the template with its placeholders filled in. */
export function renderSystemdUnit(values: UnitValues): string {
  const fields: Record<string, string> = {
    INSTALL_DIR: values.installDir,
    NODE: values.node,
    CONFIG: values.config,
    USER: values.user,
    STOP_TIMEOUT_SECONDS: String(Math.ceil(values.shutdownTimeoutMs / 1000) + 5),
  };
  return readFileSync(UNIT_TEMPLATE, 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => {
    const value = fields[name];
    if (value === undefined) throw new Error(`unknown placeholder ${whole} in ${UNIT_TEMPLATE}`);
    return value;
  });
}
