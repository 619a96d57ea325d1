// The dashboard's read-only views: the clock, clients with wallets / accounts / assets, and the
// paged transactions table. Each render function takes data already fetched and writes HTML
// through setHtml, which skips identical output and keeps keyboard focus across re-renders.
import { amount, chainBadge, confirmations, empty, esc, isZero, short, statusChip, when, absolute } from "./format.js";

const rendered = new WeakMap();

// Replaces `el`'s content unless it is unchanged; the focused control (by data-focus-key) keeps
// focus, so a refresh never throws a keyboard user out of a table.
export function setHtml(el, html) {
  if (!el || rendered.get(el) === html) return;
  const active = document.activeElement;
  const key = active && el.contains(active) ? active.getAttribute("data-focus-key") : null;
  el.innerHTML = html;
  rendered.set(el, html);
  if (key) {
    const again = el.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}

export function renderClock(clock) {
  const now = document.getElementById("clock-now");
  now.textContent = absolute(clock.now);
  now.setAttribute("datetime", clock.now);
  document.getElementById("clock-mode").textContent = clock.mode;
  document.getElementById("clock-speed").textContent = clock.mode === "manual" ? "paused" : `×${clock.speed}`;
  const next = document.getElementById("clock-next");
  setHtml(next, clock.next_due ? when(clock.next_due, clock.now_ms) : '<span class="muted">nothing scheduled</span>');
  document.querySelector('[data-advance="next"]').disabled = !clock.next_due;
}

function renderAsset(a) {
  const locked = isZero(a.locked_balance) ? "" :
    `<span class="locked" title="Locked by transfers in flight">${esc(amount(a.locked_balance, a.symbol))} locked</span>`;
  return `<li data-asset="${esc(a.asset_id)}"><span>${esc(a.symbol)} <span class="muted">${esc(a.name)}</span></span>` +
    `<span class="balance" data-testid="balance-${esc(a.asset_id)}">${esc(amount(a.balance, a.symbol))}${locked}</span></li>`;
}

function renderAccount(acc, assets) {
  const list = assets.length ? `<ul class="assets" aria-label="Assets of ${esc(acc.label || acc.account_id)}">${assets.map(renderAsset).join("")}</ul>`
    : '<p class="muted">No assets yet — add one with POST /api/v1/assets.</p>';
  return `<div class="account" data-account="${esc(acc.account_id)}"><div class="account-line">${chainBadge(acc.chain)}` +
    `<strong>${esc(acc.label || acc.account_type || acc.account_id)}</strong>${short(acc.address, 8)}</div>${list}</div>`;
}

function renderWallet(w, accounts, assetsOf) {
  const own = accounts.filter((a) => a.wallet_id === w.wallet_id);
  const body = own.length ? own.map((a) => renderAccount(a, assetsOf(a.account_id))).join("")
    : '<p class="muted">No accounts yet — create one with POST /api/v1/accounts.</p>';
  const status = w.status === "ACTIVE" ? "" : statusChip(w.status);
  return `<article class="card wallet" data-wallet="${esc(w.wallet_id)}" aria-label="Wallet ${esc(w.wallet_name)}">` +
    `<h3>${esc(w.wallet_name)} ${status}</h3>${w.description ? `<p class="desc">${esc(w.description)}</p>` : ""}${body}</article>`;
}

// `clients`: GET /_sandbox/clients data; `holdings`: client_id -> GET /_sandbox/clients/{id}/wallets.
export function renderClients(clients, holdings) {
  const el = document.getElementById("clients");
  if (!clients.length) {
    setHtml(el, empty("No clients", "Create one with POST /_sandbox/clients, or start with --fixtures fixtures/demo.json."));
    return;
  }
  const html = clients.map((c) => {
    const h = holdings[c.client_id] || { wallets: [], accounts: [], assets: [] };
    const assetsOf = (id) => h.assets.filter((a) => a.account_id === id);
    const wallets = h.wallets.length ? `<div class="wallets">${h.wallets.map((w) => renderWallet(w, h.accounts, assetsOf)).join("")}</div>`
      : empty("No wallets yet", `Create one with POST /api/v1/wallets using ${esc(c.client_name)}'s credentials.`);
    return `<section class="client" aria-label="Client ${esc(c.client_name)}"><div class="client-head"><h2>${esc(c.client_name)}</h2>` +
      `<span class="meta mono">${esc(c.client_id)}</span><span class="badge">API ${esc(c.api_version)}</span>` +
      `<span class="meta">${c.counts.wallets} wallets · ${c.counts.accounts} accounts · ${c.counts.transactions} transactions</span></div>${wallets}</section>`;
  }).join("");
  setHtml(el, html);
}

// One page of GET /_sandbox/transactions; `selected` is the open transaction's id.
export function renderTransactions(page, nowMs, selected, names) {
  const el = document.getElementById("tx-table");
  el.dataset.now = String(nowMs);  // the virtual instant this table shows (tests wait on it)
  if (!page.data.length) {
    setHtml(el, empty(page.page > 1 ? "No older transactions" : "No transactions match",
      "Make a transfer with POST /api/v1/transactions, or simulate a deposit from the Wallets &amp; balances view."));
  } else {
    const rows = page.data.map((t) => {
      const need = page.required_confirmations[t.chain];
      return `<tr data-tx="${esc(t.tx_id)}" aria-selected="${t.tx_id === selected}">` +
        `<td><button type="button" class="row-link" data-open-tx="${esc(t.tx_id)}" data-focus-key="tx-${esc(t.tx_id)}" ` +
        `aria-label="Open transaction ${esc(t.tx_id)}">${esc(t.tx_id)}</button></td>` +
        `<td>${when(t.created_at, nowMs)}</td><td class="col-wide">${esc(names[t.client_id] || t.client_id)}</td>` +
        `<td>${chainBadge(t.chain)}</td><td class="col-wide">${esc(t.direction === "INBOUND" ? "In" : "Out")}</td>` +
        `<td class="num">${esc(amount(t.amount, t.token_symbol))}</td><td>${statusChip(t.status)}</td>` +
        `<td>${confirmations(t.confirmations, need, t.status)}</td></tr>`;
    }).join("");
    setHtml(el, `<table><caption class="skip">Transactions, newest first</caption><thead><tr><th scope="col">Transaction</th>` +
      `<th scope="col">Created</th><th scope="col" class="col-wide">Client</th><th scope="col">Chain</th>` +
      `<th scope="col" class="col-wide">Dir.</th>` +
      `<th scope="col">Amount</th><th scope="col">Status</th><th scope="col">Confirmations</th></tr></thead><tbody>${rows}</tbody></table>`);
  }
  const pages = page.total == null ? null : Math.max(1, Math.ceil(page.total / page.page_size));
  document.getElementById("tx-page").textContent = pages ? `Page ${page.page} of ${pages} · ${page.total} transactions` : `Page ${page.page}`;
  document.getElementById("tx-prev").disabled = page.page <= 1;
  document.getElementById("tx-next").disabled = !page.has_more;
}
