/**
 * Who may use web mode, in a real browser: the address `hearth serve` printed opens the app and leaves the
 * address bar without its key; a browser without the key, a page on another port and a page whose name was
 * pointed at this machine (DNS rebinding) get nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppSession, type AppSession } from './app-session.js';

let session: AppSession;
let page: Page;

beforeAll(async () => {
  // The browser resolves this made-up name to 127.0.0.1, as a rebinding attacker's DNS server would.
  session = await openAppSession('access', { chromiumArgs: ['--host-resolver-rules=MAP rebound.example 127.0.0.1'] });
  page = session.page;
}, 120_000);

afterAll(async () => {
  await session?.close();
});

const port = () => new URL(session.server.origin).port;

/** A page of another site or port, in its own tab, so its refusals stay out of the app tab's error log. */
async function otherTab(): Promise<Page> {
  return session.browser.newPage();
}

describe('opening web mode in a browser', () => {
  it('opens the printed address, works, and drops the key from the address bar', async () => {
    expect(session.server.url).toContain('?token=');
    expect(page.url()).toBe(`${session.server.origin}/`);
    await expect.poll(() => page.locator('[data-testid="space-select"] option:checked').textContent()).toContain('My space');
    await expect.poll(() => page.getByTestId('answer-mode').textContent()).toContain('No language model configured');
    // The key now sits in a cookie the page's own scripts cannot read.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const [cookie] = await session.browser.cookies(session.server.origin);
    expect(cookie).toMatchObject({ name: `hearth-token-${port()}`, httpOnly: true, sameSite: 'Strict', path: '/' });

    await page.reload();
    await expect.poll(() => page.getByTestId('answer-mode').textContent()).toContain('No language model configured');
    expect(page.url()).toBe(`${session.server.origin}/`);
  });

  it('tells a browser without the key to open the printed address', async () => {
    const tab = await otherTab();
    // localhost is another site than 127.0.0.1 to the browser, so it has no cookie there.
    const response = await tab.goto(`http://localhost:${port()}/`);
    expect(response?.status()).toBe(401);
    expect(await tab.locator('body').textContent()).toContain('open the address Hearth printed when it started');
    await tab.close();
  });

  it('refuses a page whose name was pointed at this machine', async () => {
    const tab = await otherTab();
    const response = await tab.goto(`http://rebound.example:${port()}/?token=${session.server.token}`);
    expect(response?.status()).toBe(403);
    expect(await tab.locator('body').textContent()).toContain('--allow-host');
    expect(await session.browser.cookies(`http://rebound.example:${port()}`)).toEqual([]);
    await tab.close();
  });

  it('keeps a page on another port of 127.0.0.1 off the WebSocket, though that port is sent the cookie', async () => {
    const cookiesSeen: string[] = [];
    const other = http.createServer((request, response) => {
      cookiesSeen.push(request.headers.cookie ?? '');
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>another app</p>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', () => resolve()));
    const tab = await otherTab();
    try {
      await tab.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      const outcome = await tab.evaluate(
        (rpcUrl) =>
          new Promise<string>((resolve) => {
            const socket = new WebSocket(rpcUrl);
            socket.onopen = () => resolve('open');
            socket.onerror = () => resolve('refused');
            socket.onclose = () => resolve('refused');
          }),
        `ws://127.0.0.1:${port()}/rpc`,
      );
      expect(outcome).toBe('refused');
      // Cookies do not keep ports apart: the known limit of decision 27, why the Origin rule stands beside the cookie.
      expect(cookiesSeen[0]).toContain(`hearth-token-${port()}=`);
    } finally {
      await tab.close();
      await new Promise<void>((resolve) => {
        other.close(() => resolve());
        other.closeAllConnections(); // the browser keeps its connection alive, which close() would wait out
      });
    }
  });

  it('raised no errors in the app page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
