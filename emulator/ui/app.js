// The dashboard's entry point: section routing (#overview, #transactions, …), the admin-token
// prompt, refreshing what is on screen whenever the live feed reports a change (stream event or
// poll tick), and the buttons and forms that call the control plane. Refreshes never overlap: a
// change during a refresh schedules exactly one more.
import { ApiError, LiveFeed, adminToken, del, get, post, put, setAdminToken, whenUnauthorized } from "./api.js";
import { renderClients, renderClock, renderTransactions, setHtml } from "./views.js";
import { renderDetail } from "./timeline.js";
import { fillDepositChoices, renderDeliveries, renderFaults, renderJournal, renderLedger, renderSnapshots } from "./controls.js";

const SECTIONS = ["overview", "transactions", "webhooks", "requests", "faults", "snapshots", "ledger"];
const state = {
  section: "overview", nowMs: null, clients: [], holdings: {}, txPage: 1, selectedTx: null,
  observed: new Map(),  // tx_id -> [{status, at}] seen by this page
  lastStatus: new Map(), refreshing: false, again: false, locked: false, clockRunning: false,
};

const $ = (id) => document.getElementById(id);

function showNotice(message) {
  const n = $("notice");
  n.textContent = message || "";
  n.hidden = !message;
}

// Runs a control call from a button or form; shows its error instead of throwing.
async function act(fn, resultEl) {
  try {
    const out = await fn();
    if (resultEl) { resultEl.classList.remove("error"); }
    showNotice("");
    refresh();
    return out;
  } catch (err) {
    const message = err instanceof ApiError ? `${err.status}: ${err.message}` : String(err.message || err);
    if (resultEl) { resultEl.textContent = message; resultEl.classList.add("error"); } else showNotice(message);
    return null;
  }
}

function route() {
  const wanted = location.hash.replace("#", "");
  state.section = SECTIONS.includes(wanted) ? wanted : "overview";
  for (const s of SECTIONS) $(s).hidden = s !== state.section;
  for (const a of document.querySelectorAll(".sidenav a")) {
    if (a.dataset.section === state.section) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  refresh();
}

function note(tx) {
  const prev = state.lastStatus.get(tx.tx_id);
  if (prev && prev !== tx.status) {
    const list = state.observed.get(tx.tx_id) || [];
    list.push({ status: tx.status, at: tx.updated_at });
    state.observed.set(tx.tx_id, list);
  }
  state.lastStatus.set(tx.tx_id, tx.status);
}

async function loadTransactions() {
  const q = new URLSearchParams({ page: String(state.txPage), page_size: "25" });
  if ($("tx-client").value) q.set("client_id", $("tx-client").value);
  if ($("tx-status").value) q.set("status", $("tx-status").value);
  const page = await get(`/_sandbox/transactions?${q}`);
  page.data.forEach(note);
  const names = Object.fromEntries(state.clients.map((c) => [c.client_id, c.client_name]));
  renderTransactions(page, state.nowMs, state.selectedTx, names);
}

async function loadDetail() {
  const panel = $("tx-detail");
  if (!state.selectedTx) { panel.hidden = true; return; }
  panel.hidden = false;
  let view = null;
  try {
    view = await get(`/_sandbox/transactions/${encodeURIComponent(state.selectedTx)}`);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  if (view) note(view.transaction);
  const journal = await get("/_sandbox/requests?method=POST&limit=1000");
  setHtml(panel, renderDetail(view, journal, state.observed.get(state.selectedTx) || [], state.nowMs));
}

async function loadOverview() {
  const clients = (await get("/_sandbox/clients")).data;
  const holdings = {};
  await Promise.all(clients.map(async (c) => { holdings[c.client_id] = await get(`/_sandbox/clients/${encodeURIComponent(c.client_id)}/wallets`); }));
  state.clients = clients;
  state.holdings = holdings;
  const sel = $("tx-client");
  const opts = '<option value="">All clients</option>' + clients.map((c) => `<option value="${c.client_id}">${c.client_name}</option>`).join("");
  if (sel.dataset.html !== opts) { const keep = sel.value; sel.innerHTML = opts; sel.dataset.html = opts; sel.value = keep; }
  if (state.section === "overview") {
    renderClients(clients, holdings);
    fillDepositChoices(clients, holdings);
  }
}

async function refreshOnce() {
  const clock = await get("/_sandbox/clock");
  state.nowMs = clock.now_ms;
  state.clockRunning = clock.mode === "running";
  renderClock(clock);
  if (state.section === "overview" || !state.clients.length) await loadOverview();
  if (state.section === "transactions") { await loadTransactions(); await loadDetail(); }
  if (state.section === "webhooks") renderDeliveries(await get("/_sandbox/webhooks/deliveries?limit=100"), state.nowMs);
  if (state.section === "requests") renderJournal(await get("/_sandbox/requests?limit=200"));
  if (state.section === "faults") renderFaults(await get("/_sandbox/faults"));
  if (state.section === "snapshots") renderSnapshots(await get("/_sandbox/snapshots"));
  if (state.section === "ledger") renderLedger(await get("/_sandbox/ledger"));
}

async function refresh() {
  if (state.locked) return;
  if (state.refreshing) { state.again = true; return; }
  state.refreshing = true;
  try {
    do {
      state.again = false;
      await refreshOnce();
    } while (state.again);
    showNotice("");
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) showNotice(`Cannot reach the emulator: ${err.message || err}`);
  } finally {
    state.refreshing = false;
  }
}

function askToken(message) {
  state.locked = true;
  const dialog = $("token-dialog");
  $("token-error").textContent = message || "";
  if (!dialog.open) dialog.showModal();
  $("token-input").focus();
}

function wire() {
  whenUnauthorized(() => askToken(adminToken() ? "That token was refused. Check --admin-token and try again." : ""));
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    setAdminToken($("token-input").value.trim());
    $("token-input").value = "";
    $("token-dialog").close();
    state.locked = false;
    refresh();
  });
  $("token-dialog").addEventListener("cancel", (e) => e.preventDefault());  // the page is useless without it

  document.querySelector(".clock-actions").addEventListener("click", async (e) => {
    const b = e.target.closest("button[data-advance]");
    if (!b) return;
    let seconds = b.dataset.advance;
    if (seconds === "next") {
      const clock = await get("/_sandbox/clock");
      if (!clock.next_due) return;
      const ms = Math.max(1, new Date(clock.next_due).getTime() - clock.now_ms);
      seconds = `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, "0")}`;
    }
    act(() => post("/_sandbox/clock/advance", { seconds: Number.isNaN(Number(seconds)) ? 0 : seconds }));
  });

  document.body.addEventListener("click", (e) => {
    const t = e.target.closest("button");
    if (!t) return;
    if (t.dataset.openTx) {
      state.selectedTx = t.dataset.openTx;
      if (state.section !== "transactions") location.hash = "#transactions"; else refresh();
    } else if (t.hasAttribute("data-close-detail")) {
      state.selectedTx = null;
      refresh();
    } else if (t.dataset.txAction) {
      act(() => post(`/_sandbox/transactions/${encodeURIComponent(state.selectedTx)}/${t.dataset.txAction}`));
    } else if (t.dataset.redeliver) {
      act(() => post(`/_sandbox/webhooks/events/${encodeURIComponent(t.dataset.redeliver)}/redeliver`));
    } else if (t.dataset.journalBodies) {
      act(() => put("/_sandbox/requests/config", { bodies: t.dataset.journalBodies === "on" }));
    } else if (t.dataset.removeFault) {
      act(() => del(`/_sandbox/faults/${encodeURIComponent(t.dataset.removeFault)}`));
    } else if (t.dataset.restore) {
      act(() => post(`/_sandbox/snapshots/${encodeURIComponent(t.dataset.restore)}/restore`), $("snapshot-result"));
    } else if (t.dataset.deleteSnapshot) {
      act(() => del(`/_sandbox/snapshots/${encodeURIComponent(t.dataset.deleteSnapshot)}`), $("snapshot-result"));
    }
  });

  $("tx-prev").addEventListener("click", () => { state.txPage = Math.max(1, state.txPage - 1); refresh(); });
  $("tx-next").addEventListener("click", () => { state.txPage += 1; refresh(); });
  $("tx-filters").addEventListener("change", () => { state.txPage = 1; refresh(); });
  $("tx-filters").addEventListener("submit", (e) => e.preventDefault());
  $("deposit-account").addEventListener("change", () => fillDepositChoices(state.clients, state.holdings));

  $("deposit-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const [chain, address] = $("deposit-account").value.split("|");
    const result = $("deposit-result");
    const out = await act(() => post("/_sandbox/deposits", { address, chain, token_symbol: $("deposit-symbol").value,
      amount: $("deposit-amount").value.trim() }), result);
    if (out) { result.textContent = `Deposit ${out.tx_id || ""} sent — it credits once confirmed.`; $("deposit-amount").value = ""; }
  });

  $("fault-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const rule = { method: $("fault-method").value, path: $("fault-path").value.trim() };
    if ($("fault-error").value) rule.error = $("fault-error").value;
    if (Number($("fault-latency").value) > 0) rule.latency_ms = Number($("fault-latency").value);
    if ($("fault-count").value) rule.count = Number($("fault-count").value);
    const out = await act(() => post("/_sandbox/faults", rule), $("fault-result"));
    if (out) $("fault-result").textContent = `Rule ${out.id} added.`;
  });

  $("snapshot-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const name = $("snapshot-name").value.trim();
    const out = await act(() => post("/_sandbox/snapshots", name ? { name } : {}), $("snapshot-result"));
    if (out) { $("snapshot-result").textContent = `Saved ${out.snapshot_id}.`; $("snapshot-name").value = ""; }
  });
  $("reset").addEventListener("click", async () => {
    if (!confirm("Reset the emulator to its start-up state? Everything since start-up is lost (snapshots stay).")) return;
    const out = await act(() => post("/_sandbox/reset"), $("snapshot-result"));
    if (out) { state.selectedTx = null; $("snapshot-result").textContent = "Reset to the start-up state."; }
  });

  window.addEventListener("hashchange", route);
}

function start() {
  wire();
  const live = $("live");
  const feed = new LiveFeed(() => refresh(), (mode) => {
    live.dataset.mode = mode;
    live.textContent = mode === "stream" ? "live" : "live (polling)";
  }, () => state.clockRunning);
  route();
  feed.start();
}

start();
