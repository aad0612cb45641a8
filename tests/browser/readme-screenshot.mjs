// Makes docs/widget.png, the README's picture of the widget: the real server
// on a loopback port, the demo page, a comparison answered with its table.
// Run: ADVISOR_SERVER_BIN=../../build/advisor node readme-screenshot.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdvisorServer, launchBrowser } from './harness.mjs';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'widget.png');
const server = new AdvisorServer();
await server.start();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.origin + '/');
  await page.locator('tpm-pm-advisor .launcher').click();
  await page.locator('tpm-pm-advisor .chip', { hasText: 'TPM vs PM?' }).click();
  await page.locator('tpm-pm-advisor table').waitFor();
  // Show the question, the summary and the start of the table, on a plain
  // background (the demo text would be cut off at the picture's edge).
  await page.evaluate(() => {
    document.querySelector('main').style.visibility = 'hidden';
    const root = document.querySelector('tpm-pm-advisor').shadowRoot;
    const scroller = root.querySelector('.scroller');
    scroller.scrollTop = root.querySelector('.row.user').offsetTop - 12;
  });
  await page.screenshot({ path: out, clip: { x: 860, y: 88, width: 420, height: 712 } });
  console.log('wrote ' + out);
} finally {
  await browser.close();
  await server.stop();
}
