import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach } from 'vitest';
import type { Browser } from '../../bench/lib/chromium';

export { hasChromium, openBrowser } from '../../bench/lib/chromium';
export type { Browser };

export const SCREENSHOTS = path.resolve(__dirname, '../../.tmp/screenshots');

/** The SPA must be built (npm run build does it); build it when a test runs before any build. */
export function ensureWebUiBuilt(): void {
  const root = path.resolve(__dirname, '../..');
  if (fs.existsSync(path.join(root, 'dist/web-ui/index.html'))) return;
  execFileSync(
    path.join(root, 'node_modules/.bin/vite'),
    ['build', '--config', 'web/vite.config.mts', '--logLevel', 'warn'],
    { cwd: root, stdio: 'inherit' },
  );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/**
 * The hooks every browser suite needs: after the suite, the browser and the server are closed;
 * after a failed test, its page is kept as a screenshot (`.tmp/screenshots/FAILED-<test>.png`).
 */
export function browserSuiteHooks(get: () => { browser?: Browser; server?: { close(): Promise<void> } }): void {
  afterAll(async () => {
    const { browser, server } = get();
    await browser?.close();
    await server?.close();
  });
  afterEach(async (ctx) => {
    const { browser } = get();
    if (browser && ctx.task.result?.state === 'fail')
      await screenshot(browser.page, `FAILED-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
}
