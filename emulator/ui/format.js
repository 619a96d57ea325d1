// Formatting helpers of the dashboard: HTML escaping, amounts with symbol, times (relative and
// absolute), chain badges and status chips. Pure functions, no DOM state.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

// Text made safe for HTML (every value from the API goes through this).
export function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// "1100000.25" USDT -> "1,100,000.25 USDT": grouping without losing digits (amounts are decimal
// strings; never parsed as floating point).
export function amount(text, symbol) {
  const [whole, frac] = String(text ?? "0").split(".");
  const negative = whole.startsWith("-");
  const digits = negative ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const shown = (negative ? "-" : "") + grouped + (frac && /[^0]/.test(frac) ? "." + frac.replace(/0+$/, "") : "");
  return symbol ? `${shown} ${symbol}` : shown;
}

// True when a decimal string is zero.
export function isZero(text) {
  return !/[1-9]/.test(String(text ?? "0"));
}

// "2026-12-02 17:30:04 UTC" from an RFC 3339 time.
export function absolute(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC").replace(/Z$/, " UTC");
}

// "3 min ago" / "in 12 s" relative to `nowMs` (the emulator's virtual now, not the browser's).
export function relative(iso, nowMs) {
  if (!iso || nowMs == null) return "";
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return "";
  const delta = Math.round((t - nowMs) / 1000);
  const abs = Math.abs(delta);
  const units = [
    [86400 * 365, "y"], [86400 * 30, "mo"], [86400, "d"], [3600, "h"], [60, "min"], [1, "s"],
  ];
  if (abs < 1) return "now";
  const [size, unit] = units.find(([s]) => abs >= s);
  const n = Math.floor(abs / size);
  return delta < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

// A <time> element showing the relative time, with the absolute one as its title and text for
// screen readers.
export function when(iso, nowMs) {
  if (!iso) return '<span class="muted">—</span>';
  const abs = absolute(iso);
  return `<time datetime="${esc(iso)}" title="${esc(abs)}">${esc(relative(iso, nowMs) || abs)}</time>`;
}

const CHAIN_NAMES = {
  ethereum: "Ethereum", bsc: "BNB Chain", polygon: "Polygon", arbitrum: "Arbitrum", base: "Base",
  optimism: "Optimism", tron: "Tron", solana: "Solana", bitcoin: "Bitcoin", avalanche: "Avalanche",
};

export function chainName(chain) {
  return CHAIN_NAMES[chain] || chain;
}

export function chainBadge(chain) {
  return `<span class="badge chain chain-${esc(chain)}">${esc(chainName(chain))}</span>`;
}

// Status chips: one colour family per phase.
export function statusChip(status) {
  const s = String(status || "").toUpperCase();
  const tone = { CONFIRMED: "ok", FAILED: "bad", CONFIRMING: "busy", BROADCAST: "busy", SIGNED: "busy", PROCESSING: "busy",
    PENDING: "wait", SUCCEEDED: "ok", SENDING: "busy", QUEUED: "wait" }[s] || "neutral";
  return `<span class="chip chip-${tone}" data-status="${esc(s)}">${esc(s)}</span>`;
}

// A confirmations bar: native <progress> (read by screen readers) with the count beside it.
export function confirmations(n, required, status) {
  const need = Math.max(Number(required) || 0, 0);
  const have = status === "CONFIRMED" ? Math.max(Number(n) || 0, need) : Number(n) || 0;
  if (!need) return `<span class="muted">—</span>`;
  const shown = Math.min(have, need);
  return `<span class="conf"><progress max="${need}" value="${shown}" aria-label="${shown} of ${need} confirmations"></progress>` +
    `<span class="conf-count">${shown}/${need}</span></span>`;
}

// "0x1234…cdef" for long addresses and hashes; the full text stays in the title.
export function short(text, keep = 6) {
  const s = String(text ?? "");
  if (s.length <= keep * 2 + 1) return esc(s);
  return `<span class="mono" title="${esc(s)}">${esc(s.slice(0, keep))}…${esc(s.slice(-keep))}</span>`;
}

// An empty state: what is missing and what to do next.
export function empty(title, hint) {
  return `<div class="empty" role="status"><p class="empty-title">${esc(title)}</p><p class="empty-hint">${hint}</p></div>`;
}
