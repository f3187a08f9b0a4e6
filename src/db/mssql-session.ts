import tedious from 'tedious';

/**
 * A tedious connection that runs `settings` (a T-SQL batch of SET statements) once, right after
 * login, before the pool hands it out: session options every statement on it then carries.
 * tedious sets XACT_ABORT and the like at login but has no option for LOCK_TIMEOUT.
 */
export class SessionSettingsConnection extends tedious.Connection {
  readonly #settings: string;

  constructor(config: tedious.ConnectionConfiguration, settings: string) {
    super(config);
    this.#settings = settings;
  }

  override connect(listener?: (error?: Error) => void): void {
    super.connect((error) => {
      if (error) {
        listener?.(error);
        return;
      }
      this.execSqlBatch(new tedious.Request(this.#settings, (settingsError) => listener?.(settingsError ?? undefined)));
    });
  }
}

/** SET LOCK_TIMEOUT takes milliseconds; -1 (wait forever) is what this exists to replace. */
export function lockTimeoutBatch(lockTimeoutMs: number): string {
  if (!Number.isInteger(lockTimeoutMs) || lockTimeoutMs <= 0)
    throw new RangeError(`lock timeout must be a positive integer of ms, got ${lockTimeoutMs}`);
  return `SET LOCK_TIMEOUT ${lockTimeoutMs};`;
}
