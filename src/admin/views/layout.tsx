import type { ComponentChildren } from 'preact';

export type Section = 'overview' | 'subscriptions' | 'events' | 'deliveries';

/** What every signed-in page needs: the form token for POSTs and the section to mark current. */
export interface PageContext {
  csrfToken: string;
  section: Section;
  /** A fixed message chosen by the server after an action (never text from the request). */
  notice?: string | undefined;
}

const SECTIONS: { id: Section; href: string; label: string }[] = [
  { id: 'overview', href: '/admin', label: 'Overview' },
  { id: 'subscriptions', href: '/admin/subscriptions', label: 'Subscriptions' },
  { id: 'events', href: '/admin/events', label: 'Events' },
  { id: 'deliveries', href: '/admin/deliveries', label: 'Delivery log' },
];

function Document({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{`${title} · crm-outbox admin`}</title>
        <link rel="stylesheet" href="/admin/assets/portal.css" />
        <script src="/admin/assets/portal.js" defer></script>
      </head>
      <body>{children}</body>
    </html>
  );
}

/** The hidden field every state-changing form carries. */
export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function Layout({ title, page, children }: { title: string; page: PageContext; children: ComponentChildren }) {
  return (
    <Document title={title}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/admin">
          crm-outbox <span>admin</span>
        </a>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.id}>
                <a href={s.href} aria-current={s.id === page.section ? 'page' : undefined}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <form method="post" action="/admin/logout" class="signout">
          <Csrf token={page.csrfToken} />
          <button type="submit" class="link">
            Sign out
          </button>
        </form>
      </header>
      <main id="main" tabIndex={-1}>
        <h1>{title}</h1>
        {page.notice ? (
          <p class="notice" role="status">
            {page.notice}
          </p>
        ) : null}
        {children}
      </main>
    </Document>
  );
}

/** Sign-in and error pages shown without a session. */
export function Bare({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <Document title={title}>
      <main id="main" class="narrow">
        <p class="brand">
          crm-outbox <span>admin</span>
        </p>
        <h1>{title}</h1>
        {children}
      </main>
    </Document>
  );
}
