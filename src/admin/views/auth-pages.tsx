import { Bare } from './layout.js';
import { ErrorText } from './widgets.js';

export function LoginPage({ error, expired }: { error?: string | undefined; expired?: boolean }) {
  return (
    <Bare title="Sign in">
      {expired ? (
        <p class="notice" role="status">
          Your session ended after a while without use, or you signed out. Sign in again.
        </p>
      ) : null}
      <ErrorText message={error} />
      <form method="post" action="/admin/login" class="stack" autocomplete="off">
        <label for="key">API key with the admin scope</label>
        <input id="key" name="key" type="password" required autocomplete="off" spellcheck={false} aria-describedby="key-help" />
        <p id="key-help" class="help">
          Create one on the server with <code>npm run admin-key</code> (on the embedded database, stop the service first) or{' '}
          <code>outbox keys create --name "your name" --scopes admin</code>. The key is exchanged for a session and is not kept in this
          browser.
        </p>
        <button type="submit">Sign in</button>
      </form>
    </Bare>
  );
}

export function ProblemPage({ title, message }: { title: string; message: string }) {
  return (
    <Bare title={title}>
      <p>{message}</p>
      <p>
        <a href="/admin">Back to the portal</a>
      </p>
    </Bare>
  );
}
