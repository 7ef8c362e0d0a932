/** The sign-in page: plain HTML from the gateway, so that signing in needs no script at all. */

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const messages: Record<string, string> = {
  invalid: 'Wrong user name or password.',
  'rate-limited': 'Too many sign-in attempts. Wait a minute and try again.',
  expired: 'Your session has expired. Please sign in again.',
  'oidc-failed': 'Single sign-on did not complete. Try again, or sign in with a password.',
  'oidc-unavailable': 'The single sign-on provider cannot be reached right now.',
  'signed-out': 'You are signed out.',
};

export function loginPage(opts: { next: string; error: string | null; sso: boolean }): string {
  const message = opts.error ? (messages[opts.error] ?? 'Please sign in.') : null;
  const next = escape(opts.next);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Streamwatch</title>
<style>
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #0b1020; color: #e2e8f0; font: 15px system-ui, sans-serif; }
  main { width: 22rem; padding: 2rem; background: #111833; border: 1px solid #26304f; border-radius: 12px; }
  h1 { margin: 0 0 1.25rem; font-size: 1.25rem; } label { display: block; margin: .75rem 0 .25rem; color: #94a3b8; }
  input { width: 100%; box-sizing: border-box; padding: .55rem .6rem; border-radius: 6px; border: 1px solid #334155; background: #0b1020; color: inherit; }
  button, a.sso { display: block; width: 100%; box-sizing: border-box; margin-top: 1.25rem; padding: .6rem; border: 0; border-radius: 6px; background: #2563eb; color: white; font: inherit; text-align: center; text-decoration: none; cursor: pointer; }
  a.sso { background: #334155; } p[role=alert] { margin: 0 0 1rem; padding: .5rem .6rem; border-radius: 6px; background: #3b1d2a; color: #fecdd3; }
</style></head>
<body><main>
<h1>Streamwatch</h1>
${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/auth/login">
  <input type="hidden" name="next" value="${next}">
  <label for="name">User name</label><input id="name" name="name" autocomplete="username" required maxlength="64" autofocus>
  <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
  <button type="submit">Sign in</button>
</form>
${opts.sso ? `<a class="sso" href="/auth/oidc/start?next=${encodeURIComponent(opts.next)}">Sign in with single sign-on</a>` : ''}
</main></body></html>`;
}

/** A page that says why a screen or panel cannot be shown (expired or revoked token, no permission). */
export function refusalPage(title: string, reason: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Streamwatch</title>
<style>body{margin:0;min-height:100vh;display:grid;place-items:center;background:#0b1020;color:#e2e8f0;font:16px system-ui,sans-serif}main{max-width:32rem;padding:2rem;text-align:center}</style>
</head><body><main><h1>${escape(title)}</h1><p data-testid="refusal-reason">${escape(reason)}</p></main></body></html>`;
}
