// The browser suite's harness: starts the real emulator binary (PARATRO_EMULATOR_BIN) on a free
// port with the demo fixture, a local webhook receiver whose answer a test can switch, chromium
// (Debian's /usr/bin/chromium) through playwright-core, and a console watcher that collects every
// console error and page error so a test can assert there were none.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEMO = join(ROOT, "fixtures", "demo.json");
export const SCREENSHOTS = process.env.PARATRO_SCREENSHOT_DIR || join(ROOT, "build", "screenshots");
export const API_KEY = "pk_sandbox_paratro_emulator";
export const API_SECRET = "sk_sandbox_paratro_emulator";

function emulatorBin() {
  const bin = process.env.PARATRO_EMULATOR_BIN || join(ROOT, "build", "emulator", "paratro-emulator");
  if (!existsSync(bin)) throw new Error(`no emulator binary at ${bin} (build first, or set PARATRO_EMULATOR_BIN)`);
  return bin;
}

// Starts the emulator (recording request bodies, so a transaction links to the request that made
// it); resolves once its port file exists and /_sandbox/health answers.
export async function startEmulator(extraArgs = [], adminToken = "") {
  const dir = mkdtempSync(join(tmpdir(), "paratro-browser-"));
  const portFile = join(dir, "port");
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PARATRO_EMULATOR_")));
  const args = ["--port", "0", "--port-file", portFile, "--database", ":memory:", "--log-level", "warn",
    "--fixtures", DEMO, "--manual-clock", "--journal-bodies", ...extraArgs];
  const proc = spawn(emulatorBin(), args, { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d) => { stderr += d; });
  const exited = new Promise((res) => proc.on("exit", res));
  for (let i = 0; i < 1000 && !existsSync(portFile); i++) {
    if (proc.exitCode !== null) throw new Error(`emulator exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 10));  // process start-up, not page state
  }
  const port = Number(readFileSync(portFile, "utf8").trim());
  const base = `http://127.0.0.1:${port}`;
  const admin = adminToken ? { "X-Admin-Token": adminToken } : {};
  async function call(method, path, body, headers = {}) {
    const res = await fetch(base + path, { method, headers: { "Content-Type": "application/json", ...admin, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
  return {
    base, call,
    async token() {
      const t = await call("POST", "/api/v1/auth/token", undefined, { "X-API-Key": API_KEY, "X-API-Secret": API_SECRET });
      return t.token;
    },
    async stop() {
      proc.kill("SIGTERM");
      await exited;
    },
  };
}

// A webhook receiver on a free port: answers every POST with `status` (changeable) and counts.
export async function startReceiver(status) {
  const state = { status, received: [] };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => { body += d; });
    req.on("end", () => {
      state.received.push({ status: state.status, body });
      res.writeHead(state.status, { "Content-Type": "text/plain" });
      res.end(state.status < 300 ? "ok" : "receiver says no");
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  state.url = `http://127.0.0.1:${server.address().port}/webhooks`;
  state.close = () => new Promise((r) => server.close(r));
  return state;
}

// Chromium with one page whose console errors and page errors are collected in `errors`.
export async function openBrowser() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const errors = [];
  const watch = (page) => {
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      // The event stream (/_sandbox/events) is another change; until it exists the page polls and
      // the browser logs each reconnection attempt's 404, which is expected, not a page fault.
      const url = m.location() && m.location().url ? m.location().url : "";
      if (url.includes("/_sandbox/events") || /\/_sandbox\/events/.test(m.text())) return;
      errors.push(`${m.text()} @ ${url}`);
    });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  };
  const page = await context.newPage();
  watch(page);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return { browser, context, page, errors, watch };
}

// "1,100,000.25 USDT" -> BigInt of hundredths... exact: [integer, scale] as a scaled BigInt.
export function parseAmount(text) {
  const number = String(text).split(" ")[0].replaceAll(",", "");
  const [whole, frac = ""] = number.split(".");
  return { units: BigInt(whole + frac.padEnd(18, "0")), text: number };
}
