// Drives Debian's Chromium (never a downloaded browser) through the sessdemo pages behind a
// balancer. BASE_URL: the balancer; OUT_DIR: where screenshots go. Exits 1 on the first
// failed check, saying what it expected and what it saw.
import { check, withChromium } from './chromium.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const base = process.env.BASE_URL;
const out = process.env.OUT_DIR || 'browser-output';
if (!base) {
  console.error('BASE_URL is not set');
  process.exit(2);
}
mkdirSync(out, { recursive: true });


await withChromium(async (browser) => {
  const page = await browser.newPage({ viewport: { width: 900, height: 620 } });
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs++; await d.dismiss(); });

  // Home, a name, and the Details page it leads to.
  await page.goto(base + '/');
  check(await page.locator('input[name="name"]').count() === 1, 'home has the name box');
  const homeInstance = (await page.locator('#instance').textContent()).trim();
  check(homeInstance.length > 0, `home shows its instance: "${homeInstance}"`);
  const name = 'Ada Lovelace ' + Date.now();
  await page.fill('input[name="name"]', name);
  await page.screenshot({ path: join(out, 'home.png') });
  await Promise.all([page.waitForURL('**/details'), page.click('button[type="submit"]')]);
  check((await page.locator('#name').textContent()) === name, `details shows the name: "${name}"`);
  await page.screenshot({ path: join(out, 'details.png') });

  // Reloads go to other instances through the non-sticky balancer; the name stays.
  const seen = new Set();
  for (let i = 0; i < 12 && seen.size < 2; i++) {
    await page.reload();
    const shown = await page.locator('#name').textContent();
    check(shown === name, `reload ${i + 1} shows the same name: saw "${shown}"`);
    seen.add((await page.locator('#instance').textContent()).trim());
  }
  check(seen.size >= 2, `the name came from at least two instances: ${[...seen].join(', ')}`);
  await page.screenshot({ path: join(out, 'details-other-instance.png') });

  // Invalid names get the error page, and the saved name is kept.
  async function submit(value) {
    await page.goto(base + '/');
    // The box limits typing to 100 characters; lift that to send what a script could send.
    await page.evaluate(() => document.querySelector('input[name="name"]').removeAttribute('maxlength'));
    await page.fill('input[name="name"]', value);
    const [response] = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    return response;
  }
  let res = await submit('');
  check(res.status() === 400, `an empty name is refused with 400: got ${res.status()}`);
  check((await page.locator('#error').textContent()).includes('empty'), 'the error page says the name is empty');
  res = await submit('x'.repeat(101));
  check(res.status() === 400, `a 101-character name is refused with 400: got ${res.status()}`);
  check((await page.locator('#error').textContent()).includes('too long'), 'the error page says the name is too long');
  await page.screenshot({ path: join(out, 'error.png') });
  await page.goto(base + '/details');
  check((await page.locator('#name').textContent()) === name, 'the refused names left the saved one alone');

  // Markup in a name is shown as text, never run.
  const markup = '<script>alert(1)</script><b>bold</b>';
  await submit(markup);
  check((await page.locator('#name').textContent()) === markup, 'a name with markup is shown as text');
  check(await page.locator('#name b').count() === 0 && dialogs === 0, 'the markup was not interpreted');
});
