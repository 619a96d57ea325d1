// The dashboard's only way to the emulator: JSON calls to /_sandbox with the admin token (kept in
// sessionStorage once entered), and the live feed. The feed follows the event stream
// (GET /_sandbox/events, Server-Sent Events); while the stream is down (or refused) it polls every
// second and keeps trying to reconnect, so the page stays live either way.

const TOKEN_KEY = "paratro.adminToken";
const POLL_MS = 1000;
const RECONNECT_MS = 5000;

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function adminToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setAdminToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// Called with the ApiError when a call is refused for want of the admin token (401).
let onUnauthorized = () => {};
export function whenUnauthorized(fn) {
  onUnauthorized = fn;
}

// One call: `path` under the server root, optional JSON body. Resolves to the parsed answer;
// rejects with ApiError for a non-2xx answer.
export async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  const token = adminToken();
  if (token) headers["X-Admin-Token"] = token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { message: text };
  }
  if (!res.ok) {
    const err = new ApiError(res.status, parsed);
    if (res.status === 401) onUnauthorized(err);
    throw err;
  }
  return parsed;
}

export const get = (path) => call("GET", path);
export const post = (path, body) => call("POST", path, body ?? {});
export const put = (path, body) => call("PUT", path, body);
export const del = (path) => call("DELETE", path);

// The live feed. `onChange(event|null)` runs for each stream event (null for a poll tick or a
// gap); `onMode("stream" | "polling")` reports how the page is kept live.
//
// The stream is read with fetch() and a streaming body rather than EventSource, because
// EventSource cannot send headers: the admin token goes in X-Admin-Token like every other call,
// never in a URL (URLs end up in access logs). Frames are parsed here (id/event/data lines, blank
// line ends a frame, ":" lines are keep-alives). A stream that ends or fails is reopened after
// RECONNECT_MS with ?last_event_id= so nothing is missed (a stream.gap means "reload everything").
//
// Confirmations of a CONFIRMING transaction are computed from the clock when read, not stored per
// block (unless --webhook-every-confirmation), so no event marks each block: while `wantsTicks()`
// says the clock is running, the page also refreshes once a second in stream mode.
export class LiveFeed {
  constructor(onChange, onMode, wantsTicks = () => false) {
    this.onChange = onChange;
    this.onMode = onMode;
    this.wantsTicks = wantsTicks;
    this.tickTimer = setInterval(() => { if (!this.pollTimer && this.wantsTicks()) this.onChange(null); }, POLL_MS);
    this.pollTimer = null;
    this.retryTimer = null;
    this.abort = null;
    this.lastId = 0;
  }

  start() {
    this.startPolling();
    this.connect();
  }

  async connect() {
    clearTimeout(this.retryTimer);
    if (typeof fetch === "undefined" || typeof TextDecoder === "undefined") return;
    const headers = { Accept: "text/event-stream" };
    const token = adminToken();
    if (token) headers["X-Admin-Token"] = token;
    const query = this.lastId ? `?last_event_id=${this.lastId}` : "";
    this.abort = new AbortController();
    try {
      const res = await fetch("/_sandbox/events" + query, { headers, signal: this.abort.signal, cache: "no-store" });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      this.stopPolling();
      this.onMode("stream");
      this.onChange(null);  // catch up on what happened while disconnected
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let end;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          this.frame(buf.slice(0, end));
          buf = buf.slice(end + 2);
        }
      }
    } catch {
      // Refused (401 before the token is entered, 503 at the subscriber cap) or dropped: poll meanwhile.
    }
    this.startPolling();
    this.retryTimer = setTimeout(() => this.connect(), RECONNECT_MS);
  }

  frame(text) {
    let type = "message";
    let data = "";
    for (const line of text.split("\n")) {
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "id" && Number(value)) this.lastId = Number(value);
      else if (field === "event") type = value;
      else if (field === "data") data += value;
    }
    if (!data) return;
    let event = null;
    try {
      event = JSON.parse(data);
    } catch {
      event = null;
    }
    this.onChange(event && type !== "stream.gap" ? event : null);
  }

  startPolling() {
    if (this.pollTimer) return;
    this.onMode("polling");
    this.pollTimer = setInterval(() => this.onChange(null), POLL_MS);
  }

  stopPolling() {
    clearInterval(this.pollTimer);
    this.pollTimer = null;
  }
}
