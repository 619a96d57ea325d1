// The dashboard's operational views and forms: webhook deliveries (redeliver), the request
// journal, fault rules (add, remove), snapshots (save, restore, delete) and reset, the ledger
// check, and the deposit form's choices. Render functions take fetched data; app.js wires events.
import { amount, chainBadge, empty, esc, short, statusChip, when, absolute } from "./format.js";
import { setHtml } from "./views.js";

function table(headers, rows) {
  return `<table><thead><tr>${headers.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderDeliveries(list, nowMs) {
  const el = document.getElementById("deliveries");
  if (!list.data.length) {
    setHtml(el, empty("No deliveries yet", "Set a client's endpoint with PUT /_sandbox/clients/{id}/webhook, then make a transfer."));
    return;
  }
  setHtml(el, table(["Event", "Transaction", "Status", "Attempts", "Last response", "Last attempt", "Endpoint", ""],
    list.data.map((d) => `<tr data-delivery="${esc(d.delivery_id)}"><td><code>${esc(d.event_type)}</code></td>` +
      `<td>${d.tx_id ? `<button type="button" class="row-link" data-open-tx="${esc(d.tx_id)}">${esc(d.tx_id)}</button>` : "—"}</td>` +
      `<td>${statusChip(d.status)}</td><td class="num">${d.attempts}</td>` +
      `<td>${d.last_status_code == null ? esc(d.last_error || "—") : `HTTP ${d.last_status_code}`}</td>` +
      `<td>${when(d.last_attempt_at, nowMs)}</td><td>${short(d.url, 14)}</td>` +
      `<td><button type="button" data-redeliver="${esc(d.event_id)}" data-focus-key="redeliver-${esc(d.delivery_id)}" ` +
      `aria-label="Redeliver ${esc(d.event_type)} of ${esc(d.tx_id)}">Redeliver</button></td></tr>`).join("")));
}

export function renderJournal(journal) {
  const toggle = document.getElementById("journal-bodies");
  toggle.textContent = journal.bodies ? "Stop recording bodies" : "Record request bodies";
  toggle.dataset.journalBodies = journal.bodies ? "off" : "on";
  const el = document.getElementById("journal");
  if (!journal.data.length) {
    setHtml(el, empty("No requests yet", "Call the API (for example GET /api/v1/wallets with a Bearer token) and it appears here."));
    return;
  }
  setHtml(el, table(["#", "Time (wall clock)", "Request", "Status", "Latency", "Client"],
    journal.data.map((e) => `<tr><td class="num">${e.seq}</td><td title="${esc(e.time)}">${esc(absolute(e.time))}</td>` +
      `<td><span class="badge">${esc(e.method)}</span> <code>${esc(e.path)}${e.query ? "?" + esc(e.query) : ""}</code></td>` +
      `<td>${statusChip(e.status >= 400 ? "FAILED" : "OK").replace(/>(FAILED|OK)</, `>${esc(e.status)}<`)}</td>` +
      `<td class="num">${(e.latency_us / 1000).toFixed(1)} ms</td><td class="mono">${esc(e.client_id || "—")}</td></tr>`).join("")));
}

export function renderFaults(list) {
  const el = document.getElementById("fault-list");
  if (!list.data.length) {
    setHtml(el, empty("No fault rules", "Add one above to make matching API requests fail or wait; the control plane is never faulted."));
    return;
  }
  setHtml(el, table(["Rule", "Match", "Effect", "Fired", "Remaining", ""],
    list.data.map((f) => `<tr data-fault="${esc(f.id)}"><td class="mono">${esc(f.id)}</td>` +
      `<td><span class="badge">${esc(f.method || "*")}</span> <code>${esc(f.path)}</code></td>` +
      `<td>${f.error ? `<code>${esc(f.error)}</code>` : ""}${f.latency_ms ? ` +${esc(f.latency_ms)} ms` : ""}</td>` +
      `<td class="num">${esc(f.fired)}</td><td class="num">${f.remaining == null ? "∞" : esc(f.remaining)}</td>` +
      `<td><button type="button" class="danger" data-remove-fault="${esc(f.id)}" aria-label="Remove rule ${esc(f.id)}">Remove</button></td></tr>`).join("")));
}

export function renderSnapshots(list) {
  const el = document.getElementById("snapshot-list");
  if (!list.data.length) {
    setHtml(el, empty("No snapshots", `Save one above before a demo step; up to ${esc(list.capacity)} are kept in memory.`));
    return;
  }
  setHtml(el, table(["Snapshot", "Name", "Virtual time", "Size", ""],
    list.data.map((s) => `<tr data-snapshot="${esc(s.snapshot_id)}"><td class="mono">${esc(s.snapshot_id)}</td>` +
      `<td>${esc(s.name || "—")}</td><td>${esc(absolute(s.clock && s.clock.now ? s.clock.now : s.clock))}</td>` +
      `<td class="num">${Math.round((s.bytes || 0) / 1024)} KB</td><td><button type="button" data-restore="${esc(s.snapshot_id)}" ` +
      `aria-label="Restore ${esc(s.name || s.snapshot_id)}">Restore</button> <button type="button" class="danger" ` +
      `data-delete-snapshot="${esc(s.snapshot_id)}" aria-label="Delete ${esc(s.name || s.snapshot_id)}">Delete</button></td></tr>`).join("")));
}

export function renderLedger(ledger) {
  const el = document.getElementById("ledger-table");
  const verdict = `<p class="card" role="status" data-testid="ledger-verdict" style="margin:0.8rem">${ledger.balanced ?
    statusChip("CONFIRMED").replace("CONFIRMED<", "BALANCED<") + " Every token's books balance." :
    statusChip("FAILED").replace("FAILED<", "UNBALANCED<") + " A token's books do not balance — see the rows marked below."}</p>`;
  if (!ledger.tokens.length) {
    setHtml(el, verdict + empty("No balances yet", "Set one with POST /_sandbox/assets/{id}/balance or simulate a deposit."));
    return;
  }
  setHtml(el, verdict + table(["Chain", "Token", "Available", "Locked", "Minted", "Burned", "Check"],
    ledger.tokens.map((t) => `<tr><td>${chainBadge(t.chain)}</td><td>${esc(t.symbol)}</td>` +
      `<td class="num">${esc(amount(t.balance))}</td><td class="num">${esc(amount(t.locked))}</td>` +
      `<td class="num">${esc(amount(t.minted))}</td><td class="num">${esc(amount(t.burned))}</td>` +
      `<td>${t.balanced ? "✓ balanced" : "✗ off"}</td></tr>`).join("")));
}

// The deposit form's account and token choices from every client's holdings, keeping the choice.
export function fillDepositChoices(clients, holdings) {
  const accountSel = document.getElementById("deposit-account");
  const symbolSel = document.getElementById("deposit-symbol");
  const options = [];
  for (const c of clients) {
    const h = holdings[c.client_id];
    if (!h) continue;
    for (const a of h.accounts) {
      const symbols = h.assets.filter((x) => x.account_id === a.account_id).map((x) => x.symbol);
      options.push({ value: `${a.chain}|${a.address}|${a.account_id}`, label: `${c.client_name} · ${a.label || a.account_id} (${a.chain})`, symbols });
    }
  }
  const html = options.map((o) => `<option value="${esc(o.value)}" data-symbols="${esc(o.symbols.join(","))}">${esc(o.label)}</option>`).join("");
  if (accountSel.dataset.html !== html) {
    const keep = accountSel.value;
    accountSel.innerHTML = html || '<option value="">No accounts yet</option>';
    accountSel.dataset.html = html;
    if (keep && options.some((o) => o.value === keep)) accountSel.value = keep;
  }
  const chosen = accountSel.selectedOptions[0];
  const symbols = chosen && chosen.dataset.symbols ? chosen.dataset.symbols.split(",").filter(Boolean) : [];
  const symHtml = symbols.map((s) => `<option>${esc(s)}</option>`).join("");
  if (symbolSel.dataset.html !== symHtml) {
    const keep = symbolSel.value;
    symbolSel.innerHTML = symHtml || '<option value="">No assets on this account</option>';
    symbolSel.dataset.html = symHtml;
    if (symbols.includes(keep)) symbolSel.value = keep;
  }
}
