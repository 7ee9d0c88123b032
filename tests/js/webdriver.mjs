// A small W3C WebDriver client over HTTP (fetch), enough to drive a page from node:test:
// start a driver, open a session, navigate, run async scripts, close. Drivers:
//   firefox: geckodriver (on PATH or GECKODRIVER) driving headless firefox-esr;
//   webkit:  WebKitWebDriver under xvfb-run, driving WebKitGTK's MiniBrowser (it takes plain
//            capabilities: `browserName` or a headless flag make session creation hang).
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { existsSync, readFileSync } from "node:fs";

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const which = (name, env) =>
  env ?? [`${homedir()}/.cargo/bin/${name}`, `/usr/bin/${name}`, `/usr/local/bin/${name}`].find(existsSync) ?? name;

/** What each browser needs: the driver's command line and the session's capabilities. */
const BROWSERS = {
  firefox: (port) => ({
    command: which("geckodriver", process.env.GECKODRIVER),
    args: ["--port", String(port), "--log", "error"],
    capabilities: {
      browserName: "firefox",
      "moz:firefoxOptions": {
        binary: process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr",
        args: ["-headless"],
        // Nothing but the page's own requests: no updates, telemetry or safe-browsing lookups.
        prefs: {
          "app.update.enabled": false,
          "browser.safebrowsing.malware.enabled": false,
          "browser.safebrowsing.phishing.enabled": false,
          "datareporting.policy.dataSubmissionEnabled": false,
          "network.captive-portal-service.enabled": false,
          "network.connectivity-service.enabled": false,
          "toolkit.telemetry.enabled": false,
        },
      },
    },
  }),
  webkit: (port) => ({
    command: "xvfb-run",
    args: ["-a", which("WebKitWebDriver", process.env.WEBKIT_WEBDRIVER), `--port=${port}`],
    capabilities: {},
  }),
};

/** The names of the browsers this client drives. */
export const WEBDRIVER_BROWSERS = Object.keys(BROWSERS);

class WebDriverError extends Error {}

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebDriverError(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok || json.value?.error) {
    const v = json.value ?? {};
    throw new WebDriverError(`${method} ${path}: ${v.error ?? res.status}: ${v.message ?? text.slice(0, 500)}`);
  }
  return json.value;
}

/**
 * Starts `browser`'s driver and opens a session. Resolves to { name, navigate(url),
 * executeAsync(script, ...args), execute(script, ...args), close() }; close() ends the session
 * and then the driver (and, under xvfb-run, its X server).
 */
export async function openWebDriverSession(browser, { startTimeoutMs = 60_000, scriptTimeoutMs = 120_000 } = {}) {
  const port = await freePort();
  const { command, args, capabilities } = BROWSERS[browser](port);
  const driver = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  for (const s of [driver.stdout, driver.stderr]) s.on("data", (d) => (output = (output + d).slice(-4000)));
  let exited = false;
  const spawnError = new Promise((_, reject) => {
    driver.on("error", (e) => reject(new Error(`${command}: ${e.message}`)));
    driver.on("exit", (code, signal) => {
      exited = true;
      reject(new Error(`${command} exited (${code ?? signal}) before its session was open:\n${output}`));
    });
  });
  spawnError.catch(() => {});
  const driverExit = new Promise((resolve) => driver.on("exit", resolve));
  const kill = () => {
    if (exited) return;
    try {
      process.kill(-driver.pid, "SIGKILL");
    } catch {}
  };
  process.on("exit", kill);
  /**
   * Ends the driver so that it cleans up after itself: SIGTERM to the driver, or under xvfb-run
   * to the command it runs (xvfb-run then stops its X server and removes its lock and
   * authority files); SIGKILL to the whole process group if that takes over 10 s.
   */
  const stop = async () => {
    if (exited) return;
    let target = driver.pid;
    if (command === "xvfb-run") {
      try {
        const children = readFileSync(`/proc/${driver.pid}/task/${driver.pid}/children`, "utf8").trim().split(/\s+/);
        target = Number(children.find((pid) => pid && !/^Xvfb/.test(readFileSync(`/proc/${pid}/comm`, "utf8"))) ?? driver.pid);
      } catch {}
    }
    try {
      process.kill(target, "SIGTERM");
    } catch {}
    await Promise.race([driverExit, new Promise((r) => setTimeout(r, 10_000).unref())]);
    kill();
  };

  const base = `http://127.0.0.1:${port}`;
  let sessionPath;
  try {
    const deadline = Date.now() + startTimeoutMs;
    const ready = async () => {
      while (!exited) {
        try {
          if ((await call(base, "GET", "/status")).ready) return;
        } catch (e) {
          if (Date.now() > deadline) throw new Error(`${command} not ready within ${startTimeoutMs} ms: ${e.message}\n${output}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await Promise.race([ready(), spawnError]);
    const session = await Promise.race([
      call(base, "POST", "/session", { capabilities: { alwaysMatch: capabilities } }),
      spawnError,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`${browser}: no session within ${startTimeoutMs} ms\n${output}`)), startTimeoutMs).unref(),
      ),
    ]);
    sessionPath = `/session/${session.sessionId}`;
    await call(base, "POST", `${sessionPath}/timeouts`, { script: scriptTimeoutMs, pageLoad: startTimeoutMs });
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    name: browser,
    async navigate(url) {
      await call(base, "POST", `${sessionPath}/url`, { url });
    },
    /** Runs `script` (a function body; its last argument is the callback) and resolves to what it passes to the callback. */
    executeAsync(script, ...args) {
      return call(base, "POST", `${sessionPath}/execute/async`, { script, args });
    },
    /** Runs `script` (a function body) and resolves to what it returns. */
    execute(script, ...args) {
      return call(base, "POST", `${sessionPath}/execute/sync`, { script, args });
    },
    async close() {
      try {
        await Promise.race([call(base, "DELETE", sessionPath), new Promise((r) => setTimeout(r, 10_000).unref())]);
      } catch {}
      await stop();
      process.off("exit", kill);
    },
  };
}
