// The browsers the browser suites run in, each behind one small interface, so the same in-page
// scenario (a self-contained function; its source is sent to the page) runs in all of them:
//   chromium: Debian chromium through playwright-core;
//   firefox:  Debian firefox-esr, headless, through geckodriver (W3C WebDriver, ./webdriver.mjs);
//   webkit:   WebKitGTK's MiniBrowser through WebKitWebDriver under xvfb-run (the same protocol).
// All three run every scenario by default; KEYVAULT_TEST_BROWSERS=chromium,firefox (a comma list)
// runs only those.
import { chromium } from "playwright-core";
import { openWebDriverSession } from "./webdriver.mjs";

export const ALL_BROWSERS = ["chromium", "firefox", "webkit"];

/** The browsers to test in: all, unless KEYVAULT_TEST_BROWSERS names some. */
export function browsersUnderTest() {
  const asked = process.env.KEYVAULT_TEST_BROWSERS;
  if (!asked) return ALL_BROWSERS;
  const names = asked.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !ALL_BROWSERS.includes(n));
  if (unknown.length || names.length === 0) {
    throw new Error(`KEYVAULT_TEST_BROWSERS=${asked}: each must be one of ${ALL_BROWSERS.join(", ")}`);
  }
  return names;
}

class PageError extends Error {}

/**
 * `browser` on `url` (a page of `servePackageFiles()`, which defines `window.__run` and
 * `window.__pageErrors`). Resolves to { name, run(fn, arg), pageErrors(), close() }:
 * `run` sends `fn`'s source to the page, runs it there on `arg` (JSON) in the page's own realm,
 * and resolves to its value (through JSON); it rejects with the page's error when `fn` throws,
 * and when the page has recorded an error (an uncaught exception or unhandled rejection, or,
 * in Chromium, a `pageerror`) since the last check, by the time `fn` has finished.
 * `pageErrors()` takes the errors recorded since the last check (each is reported once).
 */
export async function openBrowserPage(browser, url) {
  const driver = browser === "chromium" ? await chromiumDriver() : await webDriver(browser);
  try {
    await driver.goto(url);
  } catch (e) {
    await driver.close();
    throw e;
  }
  const pageErrors = async () => [...(await driver.pageErrors()), ...driver.ownErrors.splice(0)];
  return {
    name: browser,
    pageErrors,
    async run(fn, arg = null) {
      const source = String(fn);
      const out = JSON.parse(await driver.run(source, arg));
      const errors = await pageErrors();
      if (errors.length) throw new PageError(`${browser}: page errors:\n${errors.join("\n")}`);
      if (!out.ok) throw new PageError(`${browser}: the scenario failed in the page: ${out.error}`);
      return out.value;
    },
    close: () => driver.close(),
  };
}

async function chromiumDriver() {
  const instance = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const page = await instance.newPage();
  const ownErrors = [];
  page.on("pageerror", (e) => ownErrors.push(`pageerror: ${e.stack ?? e}`));
  return {
    ownErrors,
    goto: (url) => page.goto(url),
    run: (source, arg) => page.evaluate(([source, arg]) => window.__run(source, arg), [source, arg]),
    pageErrors: () => page.evaluate(() => window.__pageErrors.splice(0)),
    close: () => instance.close(),
  };
}

async function webDriver(browser) {
  const session = await openWebDriverSession(browser);
  return {
    ownErrors: [],
    goto: (url) => session.navigate(url),
    run: (source, arg) =>
      session.executeAsync("const done = arguments[2]; window.__run(arguments[0], arguments[1]).then(done);", source, arg),
    pageErrors: () => session.execute("return window.__pageErrors.splice(0);"),
    close: () => session.close(),
  };
}
