// One transaction's story for the detail panel: its facts, the statuses it went through with their
// (virtual) times, the webhook events written for it and each delivery's attempts and response
// codes, the API request that created it (from the request journal), and the controls that act on a
// transaction in flight.
import { amount, chainBadge, confirmations, empty, esc, statusChip, when, absolute } from "./format.js";

const FINAL = new Set(["CONFIRMED", "FAILED"]);

// The statuses seen for a transaction: from its webhook events, the ones this page watched happen
// (`observed`: [{status, at}]), its creation and its current state; each status once, in order.
function statusSteps(tx, events, observed) {
  const steps = [{ status: "PENDING", at: tx.created_at, source: "created" }];
  for (const e of events) {
    const status = String(e.payload && e.payload.status || e.event_type.split(".").pop()).toUpperCase();
    const at = (e.payload && e.payload.event_time) || e.created_at;
    steps.push({ status, at, source: `webhook ${e.event_type}` });
  }
  for (const o of observed) steps.push({ status: o.status, at: o.at, source: "seen live" });
  steps.push({ status: tx.status, at: tx.updated_at, source: "current" });
  const seen = new Map();
  for (const s of steps) if (!seen.has(s.status)) seen.set(s.status, s);
  const order = ["PENDING", "PROCESSING", "SIGNED", "BROADCAST", "CONFIRMING", "CONFIRMED", "FAILED"];
  return [...seen.values()].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
}

function deliveryRow(d, nowMs) {
  const code = d.last_status_code == null ? (d.last_error ? esc(d.last_error) : "—") : `HTTP ${d.last_status_code}`;
  const next = d.status === "pending" && d.next_attempt_at ? ` · next ${when(d.next_attempt_at, nowMs)}` : "";
  return `<li class="attempt" data-delivery="${esc(d.delivery_id)}">${statusChip(d.status)} ${esc(d.event_type)} · ` +
    `${d.attempts} attempt${d.attempts === 1 ? "" : "s"} · last <strong data-testid="last-code">${code}</strong>` +
    `${d.last_attempt_at ? " " + when(d.last_attempt_at, nowMs) : ""}${next} ` +
    `<button type="button" data-redeliver="${esc(d.event_id)}" data-focus-key="redeliver-${esc(d.delivery_id)}">Redeliver</button></li>`;
}

// The journal entry that created the transaction: a POST whose recorded response names it.
function creatingRequest(tx, journal) {
  if (!journal) return '<p class="muted">Loading the request journal…</p>';
  const hit = journal.data.find((e) => e.method === "POST" && e.response_body && e.response_body.includes(tx.tx_id));
  if (hit) {
    return `<p data-testid="created-by"><span class="badge">${esc(hit.method)}</span> <code>${esc(hit.path)}</code> → ${esc(hit.status)} · ` +
      `${esc(absolute(hit.time))} (wall clock) · request ${esc(hit.request_id)}</p>` +
      (hit.request_body ? `<pre aria-label="Request body">${esc(hit.request_body)}</pre>` : "");
  }
  if (!journal.bodies) {
    return '<p class="muted">The journal is not recording bodies, so the request cannot be matched. ' +
      '<button type="button" data-journal-bodies="on">Record bodies</button> and later requests will link here.</p>';
  }
  return `<p class="muted">${tx.direction === "INBOUND" ? "A deposit or an internal credit: no API request created it." :
    "Not in the journal (it keeps the latest requests only, or this came from a fixture)."}</p>`;
}

// `view`: GET /_sandbox/transactions/{id}; `journal`: GET /_sandbox/requests (or null).
export function renderDetail(view, journal, observed, nowMs) {
  if (!view) return empty("Transaction not found", "It may have been removed by a reset or restore.");
  const tx = view.transaction;
  const inFlight = !FINAL.has(tx.status);
  const steps = statusSteps(tx, view.webhook_events, observed).map((s) =>
    `<li data-step="${esc(s.status)}">${statusChip(s.status)} <span class="when">${when(s.at, nowMs)} · ${esc(absolute(s.at))} · ${esc(s.source)}</span></li>`).join("");
  const events = view.webhook_events.length ? `<ul class="timeline">${view.webhook_events.slice().reverse().map((e) =>
    `<li><code>${esc(e.event_type)}</code> <span class="when">${when(e.created_at, nowMs)} · event ${esc(e.event_id)}</span></li>`).join("")}</ul>`
    : '<p class="muted">No webhook events — the client has no webhook endpoint (PUT /_sandbox/clients/{id}/webhook).</p>';
  const deliveries = view.webhook_deliveries.length ? `<ul class="delivery-list">${view.webhook_deliveries.map((d) => deliveryRow(d, nowMs)).join("")}</ul>` : "";
  const actions = inFlight ? `<div class="actions" role="group" aria-label="Force this transaction">` +
    `<button type="button" data-tx-action="confirm" data-focus-key="act-confirm">Confirm now</button>` +
    `<button type="button" data-tx-action="fail" class="danger" data-focus-key="act-fail">Fail now</button>` +
    `<button type="button" data-tx-action="release" data-focus-key="act-release">Release hold</button></div>` : "";
  return `<div class="detail-head"><h2><span class="mono">${esc(tx.tx_id)}</span> ${statusChip(tx.status)}</h2>` +
    `<button type="button" class="ghost" data-close-detail aria-label="Close transaction details">✕</button></div>` +
    `<dl class="facts"><dt>Amount</dt><dd>${esc(amount(tx.amount, tx.token_symbol))}</dd>` +
    `<dt>Chain</dt><dd>${chainBadge(tx.chain)}</dd><dt>Direction</dt><dd>${esc(tx.direction)} · ${esc(view.operation)}</dd>` +
    `<dt>From</dt><dd class="mono">${esc(tx.from_address) || "—"}</dd><dt>To</dt><dd class="mono">${esc(tx.to_address) || "—"}</dd>` +
    `<dt>Tx hash</dt><dd class="mono" data-testid="tx-hash">${esc(tx.tx_hash) || '<span class="muted">not broadcast yet</span>'}</dd>` +
    `<dt>Block</dt><dd data-testid="tx-block">${tx.block_number ? esc(tx.block_number) : '<span class="muted">—</span>'}</dd>` +
    `<dt>Confirmations</dt><dd data-testid="tx-confirmations">${confirmations(tx.confirmations, view.required_confirmations, tx.status)}</dd>` +
    `<dt>Memo</dt><dd>${esc(tx.memo) || '<span class="muted">—</span>'}</dd></dl>${actions}` +
    `<h3>Timeline</h3><ol class="timeline" aria-label="Status timeline">${steps}</ol>` +
    `<h3>Webhook events</h3>${events}<h3>Deliveries</h3>${deliveries || '<p class="muted">None.</p>'}` +
    `<h3>Created by</h3>${creatingRequest(tx, journal)}`;
}
