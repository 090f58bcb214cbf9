// Opens the demo's report page (index.html, from a file:// address) in Debian's Chromium and
// checks what a person looks for: every scenario's row with a coloured verdict, the settings,
// the versions, and the plots shown. REPORT: the page's path; SCENARIOS: how many rows to
// expect; OUT_DIR: where the screenshot goes. Exits 1 on the first failed check.
import { check, withChromium } from './chromium.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const report = process.env.REPORT;
const rows = Number(process.env.SCENARIOS || '0');
const out = process.env.OUT_DIR || 'browser-output';
if (!report || !rows) {
  console.error('REPORT and SCENARIOS must be set');
  process.exit(2);
}
mkdirSync(out, { recursive: true });


await withChromium(async (browser) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
  await page.goto('file://' + report);
  check((await page.title()) === 'sessdemo demo report', `title: "${await page.title()}"`);
  const found = await page.locator('tr.scenario').count();
  check(found === rows, `one row per scenario: expected ${rows}, saw ${found}`);
  const verdicts = await page.locator('tr.scenario td.why').evaluateAll(
    (cells) => cells.map((c) => ({ cls: c.className, text: c.textContent, bg: getComputedStyle(c).backgroundColor })));
  for (const v of verdicts) {
    const kind = v.text.startsWith('PASS') ? 'pass' : v.text.startsWith('SKIPPED') ? 'skipped' : 'fail';
    check(v.cls.includes(kind), `verdict "${v.text}" is coloured as ${kind}: class "${v.cls}"`);
    check(v.bg !== 'rgba(0, 0, 0, 0)', `verdict "${v.text}" has a background colour`);
  }
  const settings = await page.locator('#settings').textContent();
  check(/sessdemo/.test(settings) && /memcached/.test(settings), `settings name the versions: "${settings}"`);
  const images = await page.locator('section img').evaluateAll(
    (imgs) => imgs.map((i) => ({ w: i.naturalWidth, src: i.src.slice(0, 22) })));
  check(images.length > 0, `plots on the page: ${images.length}`);
  for (const i of images) check(i.w > 100 && i.src === 'data:image/png;base64,', `plot drawn inline: ${JSON.stringify(i)}`);
  check(requests.length === 0, `nothing fetched from a network: ${requests.join(', ')}`);
  await page.screenshot({ path: join(out, 'demo-report.png'), fullPage: false });
});
