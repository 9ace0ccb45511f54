import { recordCloseException, recordKeys } from '@ballotstream/core';
import { formatReceipt } from '@ballotstream/events';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  castDemoVote,
  type Demo,
  haveChromium,
  screenshot,
  serious,
  startDemo,
} from './harness';

describe.skipIf(!haveChromium)('the citizen app in Chromium, on a running demo', () => {
  let demo: Demo;
  let page: Page;
  let receipt: string;

  beforeAll(async () => {
    demo = await startDemo();
    page = await demo.browser.newPage();
  });

  afterAll(async () => {
    await demo?.stop();
  });

  it('finds the booths nearest a typed town, with the candidates of their constituency', async () => {
    await page.goto(`${demo.runtime.httpUrl}/citizen/`);
    await page.fill('#place', 'Delhi');
    await page.click('#find-booths');
    const booths = page.locator('ul.booths li');
    await booths.first().waitFor();
    expect(await booths.first().getAttribute('data-booth')).toBe('booth-1-1-1');
    expect(await booths.first().innerText()).toContain('Delhi North');
    await expect.poll(() => page.locator('ul.candidates li').count()).toBe(3);
    expect(await page.locator('#constituency').inputValue()).toBe('c-1-1');
    await screenshot(page, 'citizen-booths');
  });

  it("finds the booths nearest the browser's own position", async () => {
    await demo.browser.grantPermissions(['geolocation']);
    await demo.browser.setGeolocation({ latitude: 19.1, longitude: 72.95 });
    await page.click('#use-location');
    await expect
      .poll(() => page.locator('ul.booths li').first().getAttribute('data-booth'))
      .toMatch(/^booth-2-1-/);
    expect(await page.locator('ul.booths li').first().innerText()).toContain('Mumbai');
  });

  it('tells a voter their ticket is valid, then used once they voted, and confirms their receipt', async () => {
    await page.fill('#ticket-id', demo.election.voters[0]!.ticketId);
    await page.click('#check-ticket');
    await expect.poll(() => page.locator('#ticket-answer').innerText()).toContain('valid');

    receipt = await castDemoVote(demo, 'm-1-1-1', 0, 'cand-1-1-2');
    await expect
      .poll(
        async () =>
          (
            (await (await fetch(`${demo.runtime.httpUrl}/receipts/${receipt}`)).json()) as {
              recorded: boolean;
            }
          ).recorded,
      )
      .toBe(true);

    await page.click('#check-ticket');
    await expect.poll(() => page.locator('#ticket-answer').innerText()).toContain('used');

    // Typed the way a person copies it from the slip: grouped, in lower case.
    await page.fill('#receipt-code', formatReceipt(receipt).toLowerCase());
    await page.click('#check-receipt');
    await expect.poll(() => page.locator('#receipt-answer').innerText()).toContain('Yes');
    const answer = await page.locator('#receipt-answer').innerText();
    expect(answer).not.toContain('cand-1-1-2');
    await screenshot(page, 'citizen-receipt-yes');
  });

  it('says no for a receipt that was never printed, and explains a malformed one', async () => {
    const other = receipt.startsWith('0') ? `1${receipt.slice(1)}` : `0${receipt.slice(1)}`;
    await page.fill('#receipt-code', other);
    await page.click('#check-receipt');
    await expect
      .poll(() => page.locator('#receipt-answer').innerText())
      .toContain('No vote with this receipt');
    await page.fill('#receipt-code', 'ABC');
    await page.click('#check-receipt');
    await expect.poll(() => page.locator('#receipt-answer').innerText()).toContain('12 letters and digits');
    await page.fill('#ticket-id', 't-999');
    await page.click('#check-ticket');
    await expect.poll(() => page.locator('#ticket-answer').innerText()).toContain('No ticket');
  });

  it('switches to Hindi and back, answers included, and remembers the choice', async () => {
    await page.selectOption('#language', 'hi');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('hi');
    expect(await page.locator('h1').innerText()).toBe('बैलटस्ट्रीम — मतदाताओं के लिए');
    expect(await page.locator('#receipt-answer').innerText()).toContain('यह रसीद कोड नहीं है');
    expect(await page.locator('#receipt-title').innerText()).toBe('क्या मेरा मत दर्ज हुआ?');
    // Names the registry has in Hindi are shown in Hindi: booths and their constituency.
    const firstBooth = page.locator('ul.booths li').first();
    expect(await firstBooth.locator('.booth-name').innerText()).toMatch(/^(दिल्ली|मुंबई) केंद्र \d\.\d$/);
    expect(await firstBooth.innerText()).toMatch(/निर्वाचन क्षेत्र: (दिल्ली|मुंबई) (उत्तर|पूर्व|दक्षिण|पश्चिम)/);
    await screenshot(page, 'citizen-hindi');
    expect(serious(await accessibilityViolations(page))).toEqual([]);
    await page.reload();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('hi');
    await page.selectOption('#language', 'en');
    await expect.poll(() => page.locator('h1').innerText()).toBe('Ballotstream — for voters');
  });

  it('has no serious accessibility violations, on a desktop and on a phone', async () => {
    expect(serious(await accessibilityViolations(page))).toEqual([]);
    const phone = await demo.browser.newPage();
    await phone.setViewportSize({ width: 360, height: 740 });
    await phone.goto(`${demo.runtime.httpUrl}/citizen/`);
    await phone.locator('#turnout-total').waitFor();
    expect(serious(await accessibilityViolations(phone))).toEqual([]);
    // Nothing is wider than the phone's screen.
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await screenshot(phone, 'citizen-phone');
    await phone.close();
  });

  it('can be used from the keyboard alone', async () => {
    await page.goto(`${demo.runtime.httpUrl}/citizen/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.focus('#receipt-code');
    await page.keyboard.type(receipt.slice(0, 5));
    // The page redraws while the voter types (here a language change, as data arriving does):
    // the field keeps its focus and its caret, so the rest of the code lands after the start.
    await page.evaluate(
      "{ const l = document.getElementById('language'); l.value = 'en'; l.dispatchEvent(new Event('change', { bubbles: true })); }",
    );
    await page.keyboard.type(receipt.slice(5));
    expect(await page.inputValue('#receipt-code')).toBe(receipt);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#receipt-answer').innerText()).toContain('Yes');
  });

  it('shows results only once polls have closed', async () => {
    expect(await page.locator('#results').innerText()).toContain('Results are shown here after polls close.');
    const { records, config } = demo.runtime.deps;
    const closesAt = new Date(Date.now() - 60_000).toISOString();
    await records.put('registry', {
      ...recordKeys.registryEntity('election', config.electionId),
      electionId: config.electionId,
      name: 'Demo general election',
      pollDay: closesAt.slice(0, 10),
      opensAt: new Date(Date.now() - 11 * 3600_000).toISOString(),
      closesAt,
      timeZone: 'Asia/Kolkata',
    });
    await demo.runtime.scheduler.runNow('materialiseTallies');
    await page.reload();
    await page.selectOption('#constituency', 'c-1-1');
    const row = page.locator('#results tbody tr', { hasText: 'Asha Sharma' });
    await row.waitFor();
    expect(await row.locator('td.num').innerText()).toBe('1');
    // Names, not ids: the constituency and the candidate's party as the registry has them.
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).not.toBe('c-1-1');
    expect(cells[2]).not.toBe('');
    expect(await page.locator('#certification li[data-constituency="c-1-1"]').innerText()).toContain(
      cells[0]!,
    );
    const entry = page.locator('#certification li[data-constituency="c-1-1"]');
    expect(await entry.innerText()).toContain('Not yet certified');
    expect(await entry.locator('a').getAttribute('href')).toMatch(/\/bulletin#c-1-1$/);
    // The returning officer excuses both machines (they sent no record): the constituency is certified.
    for (const machineId of ['m-1-1-1', 'm-1-1-2']) {
      const done = await recordCloseException(demo.runtime.deps, {
        electionId: config.electionId,
        constituencyId: 'c-1-1',
        machineId,
        reason: 'the booth counted its paper trail instead',
        actor: { role: 'admin', subject: 'returning-officer' },
      });
      expect(done.ok).toBe(true);
    }
    await page.reload();
    await page.selectOption('#constituency', 'c-1-1');
    await expect.poll(() => entry.innerText(), { timeout: 10_000 }).toContain('Certified at');
    await screenshot(page, 'citizen-results');
  });

  it('is installable and keeps the last turnout readable offline', async () => {
    const manifest = (await (await fetch(`${demo.runtime.httpUrl}/citizen/manifest.webmanifest`)).json()) as {
      start_url: string;
      display: string;
      icons: unknown[];
    };
    expect(manifest).toMatchObject({ start_url: '/citizen/', display: 'standalone' });
    expect(manifest.icons.length).toBeGreaterThan(0);
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
    // The worker controls the page from its next load, and saves what that load reads.
    await page.reload();
    await page.locator('#turnout-total').waitFor();
    await expect.poll(() => page.evaluate('caches.keys().then((k) => k.length)')).toBeGreaterThan(0);
    await expect
      .poll(() =>
        page.evaluate(
          "caches.open('ballotstream-citizen-data-v1').then((c) => c.keys()).then((k) => k.map((r) => new URL(r.url).pathname))",
        ),
      )
      .toContain('/turnout');
    await demo.browser.setOffline(true);
    try {
      await page.reload();
      await page.locator('#turnout-total').waitFor();
      await page.locator('.offline').waitFor();
      await screenshot(page, 'citizen-offline');
    } finally {
      await demo.browser.setOffline(false);
    }
  });
});
