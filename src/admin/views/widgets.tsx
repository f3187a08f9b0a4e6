import type { ComponentChildren } from 'preact';

/** "2026-11-28 10:30:05 UTC": one unambiguous form for every instance and every viewer. */
export function utc(value: Date | null | undefined): string {
  if (!value) return '—';
  return `${value.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function Time({ value }: { value: Date | null | undefined }) {
  if (!value) return <span>—</span>;
  return <time dateTime={value.toISOString()}>{utc(value)}</time>;
}

/** "12 s", "4 min", "3 h", "2 d". */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

const TONE: Record<string, string> = {
  succeeded: 'good',
  enabled: 'good',
  pending: 'wait',
  failed: 'bad',
  disabled: 'bad',
  cancelled: 'muted',
};

/** A status word with a colour; the word itself carries the meaning, the colour only repeats it. */
export function Badge({ status }: { status: string }) {
  return <span class={`badge ${TONE[status] ?? 'muted'}`}>{status}</span>;
}

/** A link to the next page of a keyset list, or nothing on the last page. */
export function Pager({ next, first }: { next: string | null; first: string | null }) {
  if (!next && !first) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {first ? <a href={first}>Newest</a> : null}
      {next ? (
        <a href={next} rel="next">
          Older →
        </a>
      ) : (
        <span>End of the list</span>
      )}
    </nav>
  );
}

/**
 * A horizontal bar chart as inline SVG (no script, no style attributes), with the same numbers
 * in a table for screen readers and for copying.
 */
export function BarChart({ label, rows }: { label: string; rows: { name: string; value: number; tone?: 'good' | 'bad' }[] }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const rowHeight = 28;
  const labelWidth = 165;
  const barWidth = 150;
  const height = Math.max(1, rows.length) * rowHeight;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${labelWidth + barWidth + 60} ${height}`} role="img" aria-label={label} width="100%">
        {rows.length === 0 ? (
          <text x="0" y="18" class="chart-label">
            nothing in the last 24 h
          </text>
        ) : null}
        {rows.map((r, i) => (
          <g key={r.name} transform={`translate(0 ${i * rowHeight})`}>
            <text x={labelWidth - 8} y="17" text-anchor="end" class="chart-label">
              {r.name}
            </text>
            <rect
              x={labelWidth}
              y="4"
              height="18"
              width={Math.max(2, Math.round((r.value / max) * barWidth))}
              class={`chart-bar ${r.tone ?? ''}`}
              rx="3"
            />
            <text x={labelWidth + Math.max(2, Math.round((r.value / max) * barWidth)) + 6} y="17" class="chart-value">
              {r.value.toLocaleString('en-US')}
            </text>
          </g>
        ))}
      </svg>
      <figcaption class="visually-hidden">
        <table>
          <caption>{label}</caption>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name}>
                <th scope="row">{r.name}</th>
                <td>{r.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </figcaption>
    </figure>
  );
}

export function Card({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card">
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function ErrorText({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

/** A response body or error as text in a scrollable block; escaping is the renderer's. */
export function Pre({ text, label }: { text: string; label: string }) {
  return (
    <pre class="code" tabIndex={0} aria-label={label}>
      {text}
    </pre>
  );
}

/** A wide table's box: scrolls sideways on a phone, reachable with the keyboard to do so. */
export function Scroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
