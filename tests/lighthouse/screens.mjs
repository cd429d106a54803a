// Lighthouse's accessibility audit (snapshot mode) of the app's screens as
// a user reaches them, in headless Chromium driven by puppeteer-core: the
// field worker's (sign-in, caseload, person, device menu, new note, saved
// note) at 820×1180, the coordinator's (every programme tab, unlock,
// outcome report) or an auditor's (the trail in both languages) at
// 1180×820. Prints "screen: score failed-audit-ids" per
// screen. Run by tests/tests/lighthouse.rs from target/lighthouse, where
// scripts/test.sh installs lighthouse and puppeteer-core from npm.
//
// usage: node screens.mjs BASE_URL field|coordinator|auditor CHROMIUM PASSWORD [USER]
import puppeteer from 'puppeteer-core';
import {startFlow} from 'lighthouse';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [base, who, chromium, password, user] = process.argv.slice(2);
const field = who === 'field';
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  userDataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-lighthouse-')),
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  defaultViewport: field ? {width: 820, height: 1180} : {width: 1180, height: 820},
});
const page = await browser.newPage();
const flow = await startFlow(page, {
  config: {extends: 'lighthouse:default', settings: {onlyCategories: ['accessibility']}},
});
const wait = (css) => page.waitForSelector(css, {timeout: 60000});

await page.goto(base);
await wait("[data-testid='first-sign-in']");
if (field) await flow.snapshot({name: 'sign-in'});
const login = user || (field ? 'demo.specialist' : 'demo.coordinator');
await page.type("input[name='username']", login);
await page.type("input[name='password']", password);
await page.click("button[type='submit']");
if (who === 'auditor') {
  await wait("[data-testid='audit-open']");
  await flow.snapshot({name: "auditor's caseload"});
  await page.click("[data-testid='audit-open']");
  await wait("[data-testid='audit-entry']");
  await flow.snapshot({name: 'audit trail'});
  await page.click("[data-testid='language-switch']");
  await page.waitForFunction(
    () => document.querySelector("[data-testid='language-switch']").textContent.includes('日本語'));
  await flow.snapshot({name: 'audit trail (en)'});
} else if (field) {
  await wait("[data-testid='caseload'] [data-testid='person-item']");
  await flow.snapshot({name: 'caseload'});
  await page.click("[data-testid='person-item']");
  await wait("[data-testid='person-page']");
  await flow.snapshot({name: 'person'});
  await page.click("[data-testid='menu-open']");
  await wait("[data-testid='lock']");
  await flow.snapshot({name: 'person with the device menu'});
  await page.click("[data-testid='menu-open']");
  await wait("[data-testid='new-home_visit']");
  await page.click("[data-testid='new-home_visit']");
  await wait("[data-testid='record-form']");
  await flow.snapshot({name: 'new note'});
  await page.select("select[name='visit_kind']", 'settlement');
  await page.click("[data-testid='save']");
  await wait("[data-testid='receipt']");
  await flow.snapshot({name: 'saved note with its receipt'});
} else {
  await wait("[data-testid='programme-open']");
  await page.click("[data-testid='programme-open']");
  for (const tab of ['listing', 'events', 'assignments', 'handover', 'conferences', 'accounts']) {
    await wait(`[data-testid='tab-${tab}']`);
    await page.click(`[data-testid='tab-${tab}']`);
    await new Promise((done) => setTimeout(done, 800));
    await flow.snapshot({name: `programme: ${tab}`});
  }
  await page.goto(base + 'report');
  await wait("[data-testid='unlock']");
  await flow.snapshot({name: 'unlock'});
  await page.type("input[name='password']", password);
  await page.click("button[type='submit']");
  await wait("[data-testid='outcome-show']");
  await page.click("[data-testid='outcome-show']");
  await wait("[data-testid='outcome-counted-to']");
  await flow.snapshot({name: 'outcome report'});
}
const result = await flow.createFlowResult();
for (const step of result.steps) {
  const score = Math.round(step.lhr.categories.accessibility.score * 100);
  const failed = Object.values(step.lhr.audits)
    .filter((audit) => audit.scoreDisplayMode === 'binary' && audit.score === 0)
    .map((audit) => audit.id);
  console.log(`${step.name}: ${score} ${failed.join(' ')}`.trim());
}
await browser.close();
