// Browser journey of an applicant and a host contact against a running server, in
// Debian's Chromium driven by Playwright, with axe-core (WCAG 2.1 AA) on every page.
// Started by tests/web/browser.rs, which prepares the data and passes it in the
// environment: BASE_URL, APPLICANT_TOKEN, HOST_TOKEN, VISITOR_ORG, HOST_ORG, CALL_ID,
// START_DATE, END_DATE, VISIT_ID, SHOTS (screenshot folder), CHROMIUM.
import { chromium } from "playwright-core";
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";

const env = process.env;
const base = env.BASE_URL;
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
mkdirSync(env.SHOTS, { recursive: true });

const browser = await chromium.launch({
  executablePath: env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"],
});
const failures = [];
let shot = 0;

async function check(page, name) {
  // The pages' CSP forbids inline scripts; the test context bypasses it to load axe.
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () =>
    await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  for (const v of result.violations) {
    failures.push(`${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }
  shot += 1;
  await page.screenshot({ path: `${env.SHOTS}/${String(shot).padStart(2, "0")}-${name}.png`, fullPage: true });
  console.log(`checked ${name}: ${result.violations.length} violations`);
}

async function session(token) {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1024, height: 768 } });
  await context.addCookies([{ name: "cxc_session", value: token, url: base }]);
  return context.newPage();
}

function expect(cond, message) {
  if (!cond) { failures.push(message); }
}

// Applicant: signs in through the form (the forgotten-password link is on it).
const a = await (await browser.newContext({ bypassCSP: true, viewport: { width: 1024, height: 768 } })).newPage();
await a.goto(`${base}/sign-in`);
expect(await a.locator("a[href='/forgot-password']").count() === 1, "forgotten-password link");
await check(a, "sign-in");
await a.fill("#f-email", env.APPLICANT_EMAIL);
await a.fill("#f-password", env.APPLICANT_PASSWORD);
await a.click("button:text('Sign in')");
await a.waitForSelector("text=You are signed in.");
await check(a, "home");
await a.goto(`${base}/forgot-password`);
await check(a, "forgot-password");
await a.goto(`${base}/organisations/${env.VISITOR_ORG}`);
expect(await a.locator("text=May it visit?").count() === 1, "eligibility shown");
await check(a, "organisation-eligibility");
await a.goto(`${base}/organisations/${env.VISITOR_ORG}/hosts?sector=space`);
await check(a, "find-host");
await a.goto(`${base}/organisations/new?profile=sme`);
await check(a, "register-sme");
await a.goto(`${base}/calls`);
await check(a, "calls");
await a.goto(`${base}/calls/${env.CALL_ID}/apply?organisation=${env.VISITOR_ORG}&host=${env.HOST_ORG}`);
await a.selectOption("#f-participant-nationality", "LT");
await a.selectOption("#f-participant-base_country", "LT");
await a.fill("#f-start_date", env.START_DATE);
await a.fill("#f-end_date", env.END_DATE);
// The script refreshes the figures when a date changes.
await a.locator("#f-end_date").dispatchEvent("change");
await a.waitForFunction(() => /\d/.test(document.getElementById("figures").textContent), null, { timeout: 10000 })
  .catch(() => failures.push("figures did not update after a date change"));
await a.fill("#f-objectives", "Learn how Big Science procurement works");
await check(a, "apply");
await a.click("button[value=save]");
await a.waitForURL(/\/applications\//);
await check(a, "application-draft");
// Edit the draft, then submit it.
await a.click("text=Edit the draft");
await a.fill("#f-objectives", "Learn how Big Science procurement works, and meet suppliers");
await check(a, "application-edit");
await a.click("button[value=save]");
await a.waitForSelector("text=Your draft is updated.");
expect(await a.locator("text=and meet suppliers").count() >= 1, "the edit is saved");
await a.click("text=Submit the application");
await a.waitForSelector("text=Your application is submitted.");
await check(a, "application-submitted");
const applicationUrl = a.url();
await a.goto(`${base}/visits/${env.VISIT_ID}`);
await a.selectOption("#f-organisation_id", env.VISITOR_ORG);
await a.click("button:text('Register')");
await a.waitForSelector("text=Place confirmed");
await check(a, "group-visit-registered");
await a.click("text=Cancel my registration");
await a.waitForSelector("text=Your registration is cancelled.");
// Keyboard only: the skip link is the first stop and takes focus to the main content.
await a.keyboard.press("Tab");
expect(await a.evaluate(() => document.activeElement.classList.contains("skip-link")), "skip link is the first tab stop");

// The closing report of an exchange that has ended, then the payment.
const r = await session(env.REPORTER_TOKEN);
await r.goto(`${base}/applications/${env.REPORTED_APP}`);
await r.fill("#f-summary", "Two days at the host's cryogenics lab.");
await r.fill("#f-outcomes", "Two supplier leads and a joint proposal.");
await r.check("#f-would_recommend-0");
await r.fill("#f-evidence", "boarding-pass.pdf");
await check(r, "closing-report");
await r.click("text=Send the closing report");
await r.waitForSelector("text=Your closing report is sent.");
await check(r, "report-sent");
// The coordinator: dashboard, queue (keyboard), the confirmation of a bulk decision, calls,
// then validates the report and records the payment on the application's page.
const c = await session(env.COORDINATOR_TOKEN);
await c.goto(`${base}/manage`);
expect(await c.locator("text=Left to commit").count() === 1, "dashboard figures");
await check(c, "coordinator-dashboard");
await c.click("text=Application queue");
await c.selectOption("#f-sort", "oldest");
await c.click("button:text('Show')");
await c.waitForURL(/sort=oldest/);
await c.keyboard.press("j");
expect(await c.evaluate(() => document.activeElement.classList.contains("row-link")), "j focuses the first application");
await check(c, "coordinator-queue");
await c.goto(`${base}/manage/bulk?status=submitted&decision=waitlist`);
expect(await c.locator("text=Number that will change: 1.").count() === 1, "bulk confirmation states the count");
await check(c, "coordinator-bulk-confirm");
await c.goto(`${base}/manage/calls`);
await check(c, "coordinator-calls");
await c.goto(`${base}/applications/${env.REPORTED_APP}`);
await check(c, "coordinator-application");
await c.click("text=Validate the closing report");
await c.waitForSelector("text=The closing report is validated.");
await c.click("text=Record the payment");
await c.waitForSelector("text=The payment is recorded.");
await check(c, "coordinator-paid");
const admin = await session(env.ADMIN_TOKEN);
await admin.goto(`${base}/manage/emails`);
await check(admin, "admin-failed-emails");
// The admin gives the applicant a partner role, then revokes it.
await admin.goto(`${base}/manage/users`);
await check(admin, "admin-users");
await admin.locator("tr", { hasText: env.APPLICANT_EMAIL }).locator("a").first().click();
await admin.selectOption("#f-role", "partner");
await admin.locator("#f-partnership_id").selectOption({ index: 1 });
await admin.click("button:text('Give the role')");
await admin.waitForSelector("text=The role is given.");
await check(admin, "admin-user-granted");
await admin.click("button:text('Revoke')");
await admin.waitForSelector("text=The role is revoked.");
await r.goto(`${base}/applications/${env.REPORTED_APP}`);
await r.waitForSelector("text=Payment");
expect(await r.locator("text=€").count() >= 1, "the payment's amount is shown");
await check(r, "payment");

// Partner: creates a group visit, builds the agenda day by day (a travel-buffer warning
// inline), publishes it.
const p = await session(env.PARTNER_TOKEN);
await p.goto(`${base}/manage/visits`);
await check(p, "partner-visits");
await p.selectOption("#f-partnership_id", env.PARTNER_PARTNERSHIP);
await p.fill("#f-title", "360ºXchange: ESS Lund");
await p.fill("#f-description", "Two days at the European Spallation Source.");
await p.selectOption("#f-host_country", "SE");
await p.fill("#f-city", "Lund");
await p.fill("#f-timezone", "Europe/Stockholm");
await p.fill("#f-starts_on", "2027-05-10");
await p.fill("#f-ends_on", "2027-05-11");
await p.fill("#f-capacity", "15");
await p.fill("#f-registration_closes_at", "2027-05-01");
await p.click("button:text('Create the visit')");
await p.waitForSelector("text=The visit is created as a draft.");
const addItem = async (title, start, end, venue) => {
  await p.selectOption("#f-kind", "facility_visit");
  await p.fill("#f-title", title);
  await p.selectOption("#f-day", "2027-05-10");
  await p.fill("#f-starts_at", start);
  await p.fill("#f-ends_at", end);
  await p.fill("#f-venue", venue);
  await p.click("button:text('Add the item')");
  await p.waitForSelector("text=The item is on the agenda.");
};
await addItem("Target station tour", "09:00", "11:00", "Target building");
await addItem("Instrument hall", "11:05", "12:30", "D-hall");
expect(await p.locator("p.warning").count() >= 1, "travel-buffer warning inline");
await check(p, "partner-agenda-builder");
await p.click("button:text('Publish the visit')");
await p.waitForSelector("text=The visit is published");
await check(p, "partner-published");

// Host contact.
const h = await session(env.HOST_TOKEN);
await h.goto(applicationUrl);
await h.check("text=Yes, we will host it");
await h.fill("#f-comment", "Jonas will welcome you at the gate.");
await check(h, "host-answer");
await h.click("text=Send the answer");
await h.waitForSelector("text=Your answer is sent to the applicant.");
await check(h, "host-answered");

await browser.close();
if (failures.length) {
  console.error(failures.join("\n"));
  console.log(`0 passed, ${failures.length} failed`);
  process.exit(1);
}
console.log("browser journey: all pages checked, zero axe violations");
