import tedious from 'tedious';

type RowListener = (columns: { metadata: { type: { name: string }; dataLength?: number }; value: unknown }[]) => void;

/**
 * tedious returns bigint columns as strings; the PostgreSQL drivers here return numbers (see
 * type-parsers.ts). This Request converts BigInt columns on the way in, keyed on the column's
 * declared type so an nvarchar that merely looks numeric is left alone. A nullable bigint arrives
 * as the variable-length IntN type, 8 bytes long (Babelfish sends every bigint that way).
 */
export class BigIntAsNumberRequest extends tedious.Request {
  readonly #wrapped = new WeakMap<(...args: never[]) => void, RowListener>();

  override on(event: string | symbol, listener: (...args: never[]) => void): this {
    if (event !== 'row') return super.on(event as never, listener as never);
    const wrapped: RowListener = (columns) => {
      for (const column of columns) {
        if (isBigInt(column.metadata) && typeof column.value === 'string') column.value = Number(column.value);
      }
      (listener as unknown as RowListener)(columns);
    };
    this.#wrapped.set(listener, wrapped);
    return super.on('row', wrapped as never);
  }

  override off(event: string | symbol, listener: (...args: never[]) => void): this {
    const wrapped = event === 'row' ? this.#wrapped.get(listener) : undefined;
    return super.off(event as never, (wrapped ?? listener) as never);
  }
}

function isBigInt(metadata: { type: { name: string }; dataLength?: number }): boolean {
  return metadata.type.name === 'BigInt' || (metadata.type.name === 'IntN' && metadata.dataLength === 8);
}
