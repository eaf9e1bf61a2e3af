/**
 * The renderer is treated as untrusted content: it gets a strict Content-Security-Policy, no permissions,
 * no new windows, no webviews and no navigation away from the app's own pages. Links to the web open in the
 * user's browser instead, and only http(s) ones.
 */
import { app, shell, type Session, type WebContents } from 'electron';
import { devServerSocketOrigin, type AppOrigin } from './app-origin.js';

/** The CSP for the app's own pages. Dev mode adds only what Vite's hot reload needs. */
export function contentSecurityPolicy(origin: AppOrigin): string {
  const dev = origin.isDevServer;
  return [
    "default-src 'self'",
    // @vitejs/plugin-react injects its Fast Refresh preamble as an inline module script in dev only.
    dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    // Any host: the window's link to a team server whose address the user typed (its socket, and POST /upload).
    dev ? `connect-src 'self' ws: wss: http: https: ${devServerSocketOrigin(origin.entryUrl)}` : "connect-src 'self' ws: wss: http: https:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Session-wide rules: the CSP header on every response from the app's origin (replacing any the server
 * sent), and a refusal of every permission request and check.
 */
export function hardenSession(session: Session, origin: AppOrigin): void {
  const policy = contentSecurityPolicy(origin);
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!origin.owns(details.url)) {
      callback({});
      return;
    }
    const responseHeaders: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = value;
    }
    responseHeaders['Content-Security-Policy'] = [policy];
    callback({ responseHeaders });
  });

  // Hearth needs no camera, microphone, notifications, geolocation, devices or clipboard reads.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    // Writing plain text to the clipboard (a "copy answer" button) is the one thing allowed, and only
    // for the app's own pages: it cannot read anything back.
    permission === 'clipboard-sanitized-write' && origin.owns(requestingOrigin),
  );
  session.setDevicePermissionHandler(() => false);
}

/** Rules for every web contents the app ever creates (windows, and anything a page tries to open). */
export function hardenAllWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      openInBrowser(url);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

/** Keeps a window on the app's own pages; a link elsewhere opens in the user's browser instead. */
export function confineNavigation(contents: WebContents, origin: AppOrigin): void {
  contents.on('will-navigate', (event) => {
    if (origin.owns(event.url)) return;
    event.preventDefault();
    openInBrowser(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!origin.owns(event.url)) event.preventDefault();
  });
}

const BROWSER_SCHEMES = new Set(['http:', 'https:']);

/** Hands an http(s) URL to the OS browser; anything else (file:, custom schemes, javascript:) is dropped. */
export function openInBrowser(raw: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    console.warn('[hearth] refused to open a link that is not a URL:', raw);
    return;
  }
  if (!BROWSER_SCHEMES.has(url.protocol)) {
    console.warn(`[hearth] refused to open a ${url.protocol} link outside the app:`, raw);
    return;
  }
  shell.openExternal(url.href).catch((error: unknown) => {
    console.error('[hearth] could not open the link in the browser:', url.href, error);
  });
}
