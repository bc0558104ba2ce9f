import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeApp } from '../support/apps.js';
import { runCli } from '../support/cli.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy, viaProxy, waitTerminal, type DeploymentStatus } from '../support/deploy.js';
import { ROOT } from '../support/paths.js';
import { seriousViolations } from '../support/axe.js';

// Acceptance (issue 12): the web console served by `berth serve`, driven in the apt Chromium
// against a real control plane, Docker and Caddy. One browser for the file; a context per user.

const fastHealth = { path: '/', timeoutSeconds: 20, intervalMs: 100 };
const VIEWPORT = { width: 1280, height: 800 };
// Into the test output, not the repository: BERTH_SCREENSHOT_DIR=docs/console refreshes the README's.
const SCREENSHOTS = process.env.BERTH_SCREENSHOT_DIR ? join(ROOT, process.env.BERTH_SCREENSHOT_DIR) : join(ROOT, '.berth-test/console');

/** The main pages: saved by the tests that reach them. */
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Every page the tests reach passes an axe-core scan with no serious or critical violation. */
const scanned = new Set<string>();
async function expectAccessible(page: Page, name: string): Promise<void> {
  expect({ page: name, violations: await seriousViolations(page) }).toEqual({ page: name, violations: [] });
  scanned.add(name);
}

describe('web console', () => {
  let plane: TestControlPlane;
  let browser: Browser;
  beforeAll(async () => {
    [plane, browser] = await Promise.all([startTestControlPlane(), chromium.launch({ executablePath: '/usr/bin/chromium', headless: true })]);
  });
  afterAll(async () => {
    await browser?.close();
    await plane?.close();
  });

  const signInLink = async (): Promise<string> => {
    const cli = await runCli(['console', '--no-open', '--json'], plane.cliEnv);
    expect(cli.code).toBe(0);
    return cli.json<{ url: string }>().url;
  };

  /** A context signed in through a fresh one-time link, with its session cookie's value. */
  const signedIn = async (): Promise<{ context: BrowserContext; page: Page; cookie: string }> => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await page.goto(await signInLink());
    await page.getByTestId('signed-in-as').waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'berth_session')!;
    return { context, page, cookie: cookie.value };
  };

  const withCookie = (cookie: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    fetch(new URL(path, plane.url), { method, headers: { cookie: `berth_session=${cookie}`, ...headers }, ...(body !== undefined ? { body } : {}) });

  it('the one-time link signs in with an HttpOnly SameSite=Strict cookie, once; the first load stays within budget', async () => {
    const link = await signInLink();
    expect(new URL(link).pathname).toBe('/console/sign-in');
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const scripts: { url: string; bytes: Buffer; type: string; cache: string }[] = [];
    page.on('response', async (res) => {
      if (res.request().resourceType() === 'script') scripts.push({ url: res.url(), bytes: await res.body(), type: res.headers()['content-type'] ?? '', cache: res.headers()['cache-control'] ?? '' });
    });
    const landed = await page.goto(link);
    // The redirect leaves the code out of the address bar.
    expect(new URL(page.url()).pathname).toBe('/');
    expect(new URL(page.url()).search).toBe('');
    expect(landed!.headers()['content-type']).toMatch(/^text\/html/);
    expect(landed!.headers()['cache-control']).toBe('no-cache');
    expect(landed!.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.getByTestId('signed-in-as').waitFor();
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'berth_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

    // Offline: every script comes from the control plane, hashed and immutable, as JavaScript.
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) {
      expect(new URL(s.url).origin).toBe(plane.url);
      expect(s.type).toMatch(/^text\/javascript/);
      expect(s.cache).toContain('immutable');
    }
    const gzipped = scripts.reduce((n, s) => n + gzipSync(s.bytes).length, 0);
    console.log(`console first load: ${scripts.length} script(s), ${gzipped} bytes of JavaScript gzipped`);
    expect(gzipped).toBeLessThanOrEqual(150 * 1024);

    // The same link again, in another browser: refused with its catalogued error, shown by the console.
    const other = await browser.newContext({ viewport: VIEWPORT });
    const otherPage = await other.newPage();
    await otherPage.goto(link);
    expect(new URL(otherPage.url()).pathname).toBe('/');
    const refused = otherPage.getByRole('alert', { name: 'Sign-in link refused' });
    await refused.waitFor();
    expect(await refused.locator('[data-field=code]').textContent()).toBe('sign_in_link_invalid');
    expect(JSON.parse((await refused.locator('[data-field=details]').textContent())!)).toEqual({ reason: 'used' });
    expect((await other.cookies()).filter((c) => c.name === 'berth_session')).toEqual([]);
    await otherPage.getByLabel('Operator token').waitFor();
    await Promise.all([context.close(), other.close()]);
  });

  it('a state-changing request without the CSRF token is refused; with it, the cookie acts as its token', async () => {
    const { context, page, cookie } = await signedIn();
    const missing = await page.evaluate(async () => {
      const res = await fetch('/api/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'from-page' }) });
      return { status: res.status, body: await res.json() };
    });
    expect(missing).toMatchObject({ status: 403, body: { error: { code: 'csrf_token_invalid', category: 'permission', details: { reason: 'missing' } } } });
    const wrong = await withCookie(cookie, 'POST', '/api/tokens', { 'content-type': 'application/json', 'x-berth-csrf': 'not-the-token' }, JSON.stringify({ name: 'wrong' }));
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ error: { code: 'csrf_token_invalid', details: { reason: 'mismatch' } } });
    expect((await plane.store.tokens.list()).map((t) => t.name)).not.toContain('from-page');

    const session = (await (await withCookie(cookie, 'GET', '/console/session')).json()) as { csrfToken: string };
    const issued = await withCookie(cookie, 'POST', '/api/tokens', { 'content-type': 'application/json', 'x-berth-csrf': session.csrfToken }, JSON.stringify({ name: 'with-csrf' }));
    expect(issued.status).toBe(200);
    // Reads need no CSRF token.
    expect((await withCookie(cookie, 'GET', '/api/tokens')).status).toBe(200);
    await context.close();
  });

  it('a deploy from the CLI arrives live in the timeline, reaches succeeded, and the resource shows its readiness and URL', async () => {
    const { context, page } = await signedIn();
    const app = nodeApp({ '/': [200, 'console ok'] });
    const created = await api<{ id: string }>(plane, 'POST', '/api/deployments', { name: 'console-web', source: { kind: 'folder', location: app }, health: fastHealth });
    expect(created.status).toBe(200);
    await page.goto(`${plane.url}/#/deployments/${created.body.id}`);
    const status = page.getByTestId('live-status');
    const seen = new Set<string>();
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      const text = (await status.textContent()) ?? '';
      seen.add(text);
      if (text === 'succeeded') break;
      await page.waitForTimeout(100);
    }
    expect([...seen]).toContain('succeeded');
    // Statuses before the end were shown as they came, over the stream.
    expect([...seen].some((s) => ['created', 'planning', 'planned', 'running', 'verifying'].includes(s))).toBe(true);
    const phases = await page.locator('[data-testid=timeline] li[data-kind=status]').evaluateAll((els) => els.map((e) => e.getAttribute('data-phase')));
    expect(phases).toEqual(expect.arrayContaining(['detect', 'plan', 'execute', 'verify']));
    await expect.poll(() => page.getByTestId('stream-state').getAttribute('data-state')).toBe('closed');

    await page.goto(`${plane.url}/#/`);
    const row = page.locator('tr[data-resource=console-web]');
    await row.waitFor();
    for (const [part, state] of [['resource', 'configured'], ['deployment', 'succeeded'], ['runtime', 'running'], ['proxy', 'ready'], ['accessUrl', 'ready'], ['certificate', 'not-applicable']]) {
      expect(await row.locator(`td[data-part=${part}] [data-state]`).getAttribute('data-state')).toBe(state);
    }
    const done = await waitTerminal(plane, created.body.id);
    expect(await row.locator('td[data-part=url] a').getAttribute('href')).toBe(done.accessUrl);
    expect(await row.locator('td[data-part=server]').textContent()).toBe('local');
    await expectAccessible(page, 'resources');
    await screenshot(page, 'resources');
    await page.goto(`${plane.url}/#/deployments/${created.body.id}`);
    await expect.poll(() => page.getByTestId('stream-state').getAttribute('data-state')).toBe('closed');
    await expectAccessible(page, 'deployment');
    await screenshot(page, 'deployment');
    await context.close();
  });

  it('a failing deploy shows its catalogued error field by field, and recovery shows blocked actions with reasons', async () => {
    const { context, page } = await signedIn();
    const created = await api<{ id: string }>(plane, 'POST', '/api/deployments', { name: 'console-sick', source: { kind: 'folder', location: nodeApp({ '/': [500, 'sick'] }) }, health: { ...fastHealth, timeoutSeconds: 4 } });
    const failed = await waitTerminal(plane, created.body.id);
    expect(failed.error?.code).toBe('health_check_failed');
    const cli = await runCli(['deployment', 'show', created.body.id, '--json'], plane.cliEnv);
    const shown = cli.json<DeploymentStatus & { error: { code: string; category: string; phase: string; responsibility: string; actionability: string; remedies: { title: string; command?: string }[]; links: { docs: string } } }>();

    await page.goto(`${plane.url}/#/deployments/${created.body.id}`);
    const error = page.getByRole('alert', { name: 'Deployment failed' });
    await error.waitFor();
    const field = (name: string) => error.locator(`[data-field=${name}]`).first().textContent();
    expect(await field('code')).toBe(shown.error.code);
    expect(await field('category')).toBe(shown.error.category);
    expect(await field('phase')).toBe(shown.error.phase);
    expect(await field('responsibility')).toBe(shown.error.responsibility);
    expect(await field('actionability')).toBe(shown.error.actionability);
    expect(await error.locator('[data-field=remedy-title]').allTextContents()).toEqual(shown.error.remedies.map((r) => r.title));
    expect(await error.locator('a[data-field=docs]').getAttribute('href')).toBe(shown.error.links.docs);

    // Recovery follows recovery-readiness only: a blocked action is a disabled button with its reasons.
    const readiness = (await api<{ actions: Record<string, { allowed: boolean; reasons: string[] }> }>(plane, 'GET', `/api/deployments/${created.body.id}/recovery-readiness`)).body;
    const recovery = page.getByTestId('recovery');
    await recovery.waitFor();
    for (const [action, verdict] of Object.entries(readiness.actions)) {
      const item = recovery.locator(`li[data-action=${action}]`);
      expect(await item.getAttribute('data-allowed')).toBe(String(verdict.allowed));
      expect(await item.getByRole('button').isDisabled()).toBe(!verdict.allowed);
      if (!verdict.allowed) for (const reason of verdict.reasons) expect(await item.locator('[data-field=reasons]').textContent()).toContain(reason);
    }
    expect(readiness.actions.cancel!.allowed).toBe(false);
    await expectAccessible(page, 'deployment-failed');
    await screenshot(page, 'deployment-failed');
    await context.close();
  });

  it('a stream dropped mid-deploy resumes from its cursor, and the console rolls back to the version that then serves', async () => {
    const { context, page } = await signedIn();
    const v1 = await deploy(plane, { name: 'console-rb', source: { kind: 'folder', location: nodeApp({ '/': [200, 'v1'] }) }, health: fastHealth });
    expect(v1.status).toBe('succeeded');
    const v2 = await api<{ id: string }>(plane, 'POST', '/api/deployments', { name: 'console-rb', source: { kind: 'folder', location: nodeApp({ '/': [200, 'v2'] }) }, health: fastHealth, relink: true });
    expect(v2.status).toBe(200);
    // The first stream delivers what the journal holds so far, then drops (no `closed`): the
    // console must reopen from the last cursor it saw.
    const cursors: number[] = [];
    await page.route('**/api/deployments/*/events?*', async (route) => {
      const url = new URL(route.request().url());
      cursors.push(Number(url.searchParams.get('cursor')));
      if (cursors.length > 1) return route.continue();
      url.searchParams.set('follow', 'false');
      const snapshot = await route.fetch({ url: url.toString() });
      const events = (await snapshot.text()).split('\n\n').filter((block) => block.includes('event: event'));
      expect(events.length).toBeGreaterThan(0);
      await route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }, body: `${events.join('\n\n')}\n\n` });
    });
    await page.goto(`${plane.url}/#/deployments/${v2.body.id}`);
    const stream = page.getByTestId('stream-state');
    await expect.poll(() => page.getByTestId('live-status').textContent(), { timeout: 150_000 }).toBe('succeeded');
    expect(Number(await stream.getAttribute('data-reconnects'))).toBeGreaterThanOrEqual(1);
    expect(cursors[0]).toBe(0);
    expect(cursors[1]).toBeGreaterThan(0);
    const shownSeqs = (await page.locator('[data-testid=timeline] li').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq')))));
    const journal = await api<{ envelopes: { kind: string; event?: { seq: number; kind: string } }[] }>(plane, 'GET', `/api/deployments/${v2.body.id}/events`);
    const all = journal.body.envelopes.filter((e) => e.kind === 'event' && e.event!.kind !== 'heartbeat-note').map((e) => e.event!.seq);
    expect(shownSeqs).toEqual(all);
    const v2Done = await waitTerminal(plane, v2.body.id);
    expect((await viaProxy(plane, v2Done.accessUrl!)).body).toBe('v2');

    // Rollback is offered by readiness with its candidates; the button starts it and the page follows the new attempt.
    const rollback = page.getByTestId('recovery').locator('li[data-action=rollback]');
    await expect.poll(() => rollback.getAttribute('data-allowed')).toBe('true');
    expect(await page.getByLabel('Roll back to').inputValue()).toBe(v1.id);
    await rollback.getByRole('button', { name: 'Roll back' }).click();
    await page.waitForURL((url) => url.hash.startsWith('#/deployments/') && !url.hash.endsWith(v2.body.id));
    const rolledId = decodeURIComponent(new URL(page.url()).hash.split('/').at(-1)!);
    await expect.poll(() => page.getByTestId('live-status').textContent(), { timeout: 150_000 }).toBe('succeeded');
    const rolled = await waitTerminal(plane, rolledId);
    expect(rolled).toMatchObject({ status: 'succeeded', resourceId: v1.resourceId });
    expect((await viaProxy(plane, rolled.accessUrl!)).body).toBe('v1');
    await context.close();
  });

  it('cancel, destructive, asks for the attempt id typed before its button works', async () => {
    const { context, page } = await signedIn();
    // Its health never passes, so the attempt stays in verify until canceled.
    const created = await api<{ id: string }>(plane, 'POST', '/api/deployments', { name: 'console-slow', source: { kind: 'folder', location: nodeApp({ '/': [500, 'never'] }) }, health: { path: '/', timeoutSeconds: 120, intervalMs: 500 } });
    await page.goto(`${plane.url}/#/deployments/${created.body.id}`);
    const cancel = page.getByTestId('recovery').locator('li[data-action=cancel]');
    await expect.poll(() => cancel.getAttribute('data-allowed')).toBe('true');
    const button = cancel.getByRole('button', { name: 'Cancel' });
    expect(await button.isDisabled()).toBe(true);
    const confirm = page.getByLabel(`Type ${created.body.id} to confirm`);
    await confirm.fill(created.body.id.slice(0, -1));
    expect(await button.isDisabled()).toBe(true);
    await confirm.fill(created.body.id);
    expect(await button.isDisabled()).toBe(false);
    await button.click();
    await expect.poll(() => page.getByTestId('live-status').textContent(), { timeout: 120_000 }).toBe('canceled');
    expect((await waitTerminal(plane, created.body.id)).status).toBe('canceled');
    await context.close();
  });

  it('tokens are issued once-shown and revoked with the id typed; work, audit and servers are listed', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${plane.url}/#/tokens`);
    await page.getByLabel('New token name').fill('console-made');
    await page.keyboard.press('Enter');
    const secret = (await page.getByTestId('issued-secret').locator('code').textContent())!;
    expect(secret).toMatch(/^berth_/);
    const made = (await plane.store.tokens.list()).find((t) => t.name === 'console-made')!;
    const row = page.locator(`tr[data-token=${made.id}]`);
    const revoke = row.getByRole('button', { name: 'Revoke' });
    expect(await revoke.isDisabled()).toBe(true);
    await row.getByLabel(`Type ${made.id} to revoke`).fill(made.id);
    await revoke.click();
    await expect.poll(async () => (await plane.store.tokens.get(made.id))?.revokedAt ?? null).not.toBeNull();
    // Shown once: a fresh read of the page has no secret.
    await page.reload();
    await row.waitFor();
    expect(await page.getByTestId('issued-secret').count()).toBe(0);
    await expectAccessible(page, 'tokens');

    await page.goto(`${plane.url}/#/audit`);
    await page.locator('tr[data-audit-type="session.signed-in"]').first().waitFor();
    expect(await page.locator('tr[data-audit-type="token.revoked"]').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'audit');
    await page.goto(`${plane.url}/#/work`);
    await page.locator('tr[data-work]').first().waitFor();
    await expectAccessible(page, 'work');
    await page.goto(`${plane.url}/#/servers`);
    const [local] = (await plane.store.servers.list()).filter((srv) => srv.kind === 'local');
    await page.getByRole('button', { name: `Test ${local!.name}` }).click();
    expect(await page.locator('[data-testid=server-checks] li[data-check=engine]').getAttribute('data-state')).toBe('ok');
    await expectAccessible(page, 'servers');
    await context.close();
  });

  it('an operator token signs in from the form, by keyboard; sign-out revokes the session cookie', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await page.goto(plane.url);
    const field = page.getByLabel('Operator token');
    await field.waitFor();
    await expectAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in');
    await field.focus();
    await page.keyboard.type('berth_not-a-token');
    await page.keyboard.press('Enter');
    expect(await page.getByRole('alert').locator('[data-field=code]').textContent()).toBe('token_invalid');
    await field.fill(plane.token);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('signed-in-as').waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'berth_session')!.value;
    expect((await withCookie(cookie, 'GET', '/api/resources')).status).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Operator token').waitFor();
    expect((await context.cookies()).filter((c) => c.name === 'berth_session')).toEqual([]);
    const after = await withCookie(cookie, 'GET', '/api/resources');
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ error: { code: 'session_invalid', details: { reason: 'signed-out' } } });
    await context.close();
  });

  it('a prune is previewed by a dry run first; the destructive run needs that preview and the category typed', async () => {
    const { context, page } = await signedIn();
    const before = new Date(Date.now() + 86_400_000);
    const dry = () => api<{ matched: number; deleted: number; workId: string | null }>(plane, 'POST', '/api/provider-job-logs/prune', { before: before.toISOString(), dryRun: true });
    const stored = (await dry()).body.matched;
    // The deploys above built images: their provider logs are there to prune.
    expect(stored).toBeGreaterThan(0);
    await page.goto(`${plane.url}/#/prune`);
    await page.getByLabel('Category').selectOption('provider-job-logs');
    // datetime-local in the browser's zone (the host's, UTC here): minutes are enough.
    const local = new Date(before.getTime() - before.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Older than').fill(local);
    expect(await page.getByTestId('prune-preview').count()).toBe(0);
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    const preview = page.getByTestId('prune-preview');
    await preview.waitFor();
    expect(Number(await preview.locator('[data-count=matched] dd').textContent())).toBe(stored);
    // The dry run deleted nothing.
    expect((await dry()).body.matched).toBe(stored);
    await expectAccessible(page, 'prune');
    await screenshot(page, 'prune');
    const prune = preview.getByRole('button', { name: 'Prune' });
    expect(await prune.isDisabled()).toBe(true);
    await page.getByLabel('Type provider-job-logs to prune').fill('deployments');
    expect(await prune.isDisabled()).toBe(true);
    await page.getByLabel('Type provider-job-logs to prune').fill('provider-job-logs');
    await prune.click();
    const done = page.getByTestId('prune-done');
    await done.waitFor();
    const workId = (await done.getAttribute('data-work'))!;
    expect(await plane.store.work.get(workId)).toMatchObject({ kind: 'provider-job-log-prune', status: 'succeeded' });
    expect((await dry()).body.matched).toBe(0);
    // A changed category needs its own dry run before any destructive button appears.
    await page.getByLabel('Category').selectOption('audit-events');
    expect(await page.getByTestId('prune-preview').count()).toBe(0);
    await context.close();
  });

  it('every main page was scanned by axe-core', () => {
    expect([...scanned].sort()).toEqual(['audit', 'deployment', 'deployment-failed', 'prune', 'resources', 'servers', 'sign-in', 'tokens', 'work']);
  });
});
