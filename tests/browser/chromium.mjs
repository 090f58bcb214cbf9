// What the browser scripts share: Debian's Chromium started the way this machine allows (never
// a downloaded browser), a check that stops at the first failure saying what it expected and
// saw, and a runner that closes the browser and sets the exit status.
import { chromium } from 'playwright-core';

export function check(ok, what) {
  if (!ok) throw new Error(what);
  console.log(`ok: ${what.split(':')[0]}`);
}

// Runs body(browser); exits 0 when it finished, 1 on the first failed check.
export async function withChromium(body) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let failed = false;
  try {
    await body(browser);
  } catch (e) {
    failed = true;
    console.error('FAILED: ' + e.message);
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}
