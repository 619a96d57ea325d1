// The dashboard's only way to the emulator: JSON calls to /_sandbox with the admin token (kept in
// sessionStorage once entered), and the live feed. The feed prefers the event stream
// (GET /_sandbox/events, Server-Sent Events); while the stream is missing or down it polls every
// second and keeps trying to reconnect, so the page is live with or without the stream.

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
export class LiveFeed {
  constructor(onChange, onMode) {
    this.onChange = onChange;
    this.onMode = onMode;
    this.source = null;
    this.pollTimer = null;
    this.retryTimer = null;
    this.lastId = 0;
  }

  start() {
    this.startPolling();
    this.connect();
  }

  connect() {
    clearTimeout(this.retryTimer);
    if (typeof EventSource === "undefined") return;
    const params = new URLSearchParams();
    const token = adminToken();
    if (token) params.set("admin_token", token);
    if (this.lastId) params.set("last_event_id", String(this.lastId));
    const query = params.toString();
    const source = new EventSource("/_sandbox/events" + (query ? "?" + query : ""));
    this.source = source;
    source.onopen = () => {
      this.stopPolling();
      this.onMode("stream");
      this.onChange(null);  // catch up on what happened while disconnected
    };
    source.onmessage = (e) => this.deliver(e);
    source.onerror = () => {
      // Closed (404, refused) or reconnecting: poll meanwhile; a closed source is retried later.
      this.startPolling();
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        this.source = null;
        this.retryTimer = setTimeout(() => this.connect(), RECONNECT_MS);
      }
    };
    for (const type of ["wallet.created", "wallet.updated", "account.created", "asset.created", "asset.updated",
      "transaction.created", "transaction.updated", "deposit.created", "webhook.event", "webhook.attempt",
      "clock.moved", "sandbox.reset", "sandbox.restored", "fault.fired", "stream.gap"]) {
      source.addEventListener(type, (e) => this.deliver(e));
    }
  }

  deliver(e) {
    const id = Number(e.lastEventId);
    if (id) this.lastId = id;
    let event = null;
    try {
      event = JSON.parse(e.data);
    } catch {
      event = null;
    }
    this.onChange(event && event.type !== "stream.gap" ? event : null);
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
