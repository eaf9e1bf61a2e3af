/**
 * Where the app's own pages come from: the built renderer served under the privileged `hearth://app/`
 * scheme, or electron-vite's dev server while developing. Every other URL is foreign, and the security
 * checks (navigation, IPC senders, CSP) all ask this one object.
 */
export const APP_SCHEME = 'hearth';
export const APP_HOST = 'app';

export interface AppOrigin {
  /** The page a new window opens. */
  readonly entryUrl: string;
  /** True while pages come from electron-vite's dev server (hot reload needs a looser CSP). */
  readonly isDevServer: boolean;
  /** True when `url` is one of the app's own pages or assets. */
  owns(url: string): boolean;
}

/**
 * `devServerUrl` is ELECTRON_RENDERER_URL; the caller passes it only for unpackaged runs, so a packaged
 * app can never be pointed at another page (which would then hold the bridge) through the environment.
 */
export function resolveAppOrigin(devServerUrl: string | undefined): AppOrigin {
  if (devServerUrl) {
    const base = parseDevServerUrl(devServerUrl);
    return {
      entryUrl: base.href,
      isDevServer: true,
      owns: (url) => sameOrigin(url, base.protocol, base.host),
    };
  }
  return {
    entryUrl: `${APP_SCHEME}://${APP_HOST}/index.html`,
    isDevServer: false,
    owns: (url) => sameOrigin(url, `${APP_SCHEME}:`, APP_HOST),
  };
}

/** The dev server's WebSocket origin (Vite's hot-reload socket), for the dev-only CSP. */
export function devServerSocketOrigin(entryUrl: string): string {
  const url = new URL(entryUrl);
  return `ws://${url.host}`;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function parseDevServerUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`ELECTRON_RENDERER_URL "${value}" is not a URL; unset it to load the built renderer.`);
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new Error(
      `ELECTRON_RENDERER_URL "${value}" must be an http:// URL on this machine (localhost); unset it to load the built renderer.`,
    );
  }
  return url;
}

/**
 * Compares scheme and host (with port) rather than `URL.origin`, because Node reports the origin of a
 * custom scheme such as `hearth://app` as "null".
 */
function sameOrigin(candidate: string, protocol: string, host: string): boolean {
  try {
    const url = new URL(candidate);
    return url.protocol === protocol && url.host === host;
  } catch {
    // A string that does not parse as a URL is not one of ours.
    return false;
  }
}
