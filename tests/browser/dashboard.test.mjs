// The dashboard in a real browser (node --test; harness.mjs starts the emulator with the demo
// fixture and a manual clock, a webhook receiver and chromium). Every check reads what the page
// shows and waits on page state (locators, attributes), never on sleeps; the clock only moves when
// a test presses an advance button, so nothing depends on wall time.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SCREENSHOTS, openBrowser, parseAmount, startEmulator, startReceiver } from "./harness.mjs";

const TREASURY_ETH = "0xacD422EE844af752213A913aEEFEF08203c9BDf1";
const USDT = "ast_lumen_treasury_usdt";
const WAIT = { timeout: 15000 };

// Presses an advance button and waits until the transactions table shows the new instant.
async function advance(page, label, ms) {
  const table = page.locator("#tx-table");
  const before = Number(await table.getAttribute("data-now"));
  await page.getByRole("button", { name: label }).click();
  await page.locator(`#tx-table[data-now="${before + ms}"]`).waitFor({ state: "attached", ...WAIT });
}

async function rowState(page, txId) {
  const row = page.locator(`tr[data-tx="${txId}"]`);
  return {
    status: await row.locator(".chip").getAttribute("data-status"),
    conf: (await row.locator(".conf-count").count()) ? await row.locator(".conf-count").textContent() : "",
  };
}

describe("dashboard", () => {
  let emu, receiver, ui;

  before(async () => {
    emu = await startEmulator();
    receiver = await startReceiver(500);
    await emu.call("PUT", "/_sandbox/clients/c_sandbox/webhook", { url: receiver.url });
    ui = await openBrowser();
  });

  after(async () => {
    if (ui) await ui.browser.close();
    if (receiver) await receiver.close();
    if (emu) await emu.stop();
  });

  test("/ opens the dashboard with the demo's wallets and balances", async () => {
    const { page } = ui;
    await page.goto(emu.base + "/");
    assert.equal(new URL(page.url()).pathname, "/_sandbox/ui/");
    await page.getByRole("heading", { name: "Lumen Pay", exact: true }).waitFor(WAIT);
    await page.getByRole("article", { name: "Wallet Treasury" }).waitFor(WAIT);
    const balance = page.getByTestId(`balance-${USDT}`);
    await balance.filter({ hasText: "1,100,000.25 USDT" }).waitFor(WAIT);
    const account = page.locator('[data-account="acc_lumen_treasury_eth"]');
    assert.match(await account.locator(".badge.chain").textContent(), /Ethereum/);
    assert.equal(await account.locator(`[title="${TREASURY_ETH}"]`).count(), 1);
    await page.screenshot({ path: join(SCREENSHOTS, "overview.png"), fullPage: false });
    assert.deepEqual(ui.errors, []);
  });

  test("a transfer made through the API walks to CONFIRMED on screen as the clock advances", async () => {
    const { page } = ui;
    const token = await emu.token();
    const created = await emu.call("POST", "/api/v1/transactions", { from_address: TREASURY_ETH,
      to_address: "0x1111111111111111111111111111111111111111", chain: "ethereum", token_symbol: "USDT", amount: "250" },
    { Authorization: `Bearer ${token}` });
    await page.getByRole("link", { name: "Transactions" }).click();
    // Kept live by the event stream, not by polling.
    await page.locator('#live[data-mode="stream"]').waitFor({ state: "attached", ...WAIT });
    const row = page.locator(`tr[data-tx="${created.tx_id}"]`);
    await row.waitFor(WAIT);  // appears without a reload
    assert.equal((await rowState(page, created.tx_id)).status, "PENDING");
    assert.match(await row.textContent(), /250 USDT/);
    const clockBefore = await page.getByTestId("clock-now").textContent();
    const seen = [];
    for (let i = 0; i < 120; i++) {
      const s = await rowState(page, created.tx_id);
      if (!seen.length || seen.at(-1).status !== s.status || seen.at(-1).conf !== s.conf) seen.push(s);
      if (s.status === "CONFIRMED") break;
      await advance(page, "Advance the clock 1 second", 1000);
    }
    const statuses = [...new Set(seen.map((s) => s.status))];
    assert.equal(statuses[0], "PENDING");
    assert.equal(statuses.at(-1), "CONFIRMED", JSON.stringify(seen));
    assert.ok(statuses.includes("CONFIRMING"), JSON.stringify(seen));
    const counts = seen.filter((s) => s.status === "CONFIRMING").map((s) => s.conf);
    assert.ok(counts.length >= 3, `confirmations should count up on screen: ${JSON.stringify(seen)}`);
    assert.equal(seen.at(-1).conf, "12/12");
    assert.notEqual(await page.getByTestId("clock-now").textContent(), clockBefore);  // the clock moved too
    ui.txId = created.tx_id;
    assert.deepEqual(ui.errors, []);
  });

  test("a failing webhook receiver shows failed attempts; a redelivery then succeeds", async () => {
    const { page } = ui;
    // By keyboard: the row's link is a real button that takes focus and opens on Enter.
    await page.getByRole("button", { name: `Open transaction ${ui.txId}` }).focus();
    await page.keyboard.press("Enter");
    const detail = page.getByRole("region", { name: "Transaction details" });
    await detail.getByRole("heading").filter({ hasText: ui.txId }).waitFor(WAIT);
    await detail.getByTestId("last-code").filter({ hasText: "HTTP 500" }).first().waitFor(WAIT);
    assert.ok(receiver.received.some((r) => r.status === 500));
    await detail.locator('[data-step="CONFIRMED"]').waitFor(WAIT);
    assert.match(await detail.getByTestId("tx-hash").textContent(), /^0x[0-9a-f]{64}$/);
    await detail.getByTestId("created-by").filter({ hasText: "POST /api/v1/transactions → 200" }).waitFor(WAIT);
    assert.match(await detail.getByLabel("Request body").textContent(), /"amount":"250"/);
    await detail.screenshot({ path: join(SCREENSHOTS, "transaction-timeline.png") });

    receiver.status = 200;
    const confirmed = detail.locator("li[data-delivery]").filter({ hasText: "transaction.confirmed" }).first();
    await confirmed.getByRole("button", { name: "Redeliver" }).click();
    await detail.locator("li[data-delivery]").filter({ hasText: "transaction.confirmed" })
      .filter({ hasText: "HTTP 200" }).filter({ has: page.locator('.chip[data-status="SUCCEEDED"]') }).waitFor(WAIT);
    assert.ok(receiver.received.some((r) => r.status === 200 && r.body.includes(ui.txId)));

    await page.getByRole("link", { name: "Webhooks" }).click();
    await page.locator("#deliveries tr[data-delivery]").filter({ hasText: "HTTP 500" }).first().waitFor(WAIT);
    await page.locator("#deliveries tr[data-delivery]").filter({ hasText: "HTTP 200" }).first().waitFor(WAIT);
    assert.deepEqual(ui.errors, []);
  });

  test("a deposit from the form credits the balance once confirmed", async () => {
    const { page } = ui;
    await page.getByRole("link", { name: "Wallets & balances" }).click();
    const balance = page.getByTestId(`balance-${USDT}`);
    // The balance now (the earlier transfer moved it), as the API says and then the page shows.
    const holdings = await emu.call("GET", "/_sandbox/clients/c_sandbox/wallets");
    const before = parseAmount(holdings.assets.find((a) => a.asset_id === USDT).balance);
    await balance.filter({ hasText: `${Number(before.text).toLocaleString("en-US", { maximumFractionDigits: 2 })} USDT` }).waitFor(WAIT);
    const form = page.getByRole("form", { name: "Simulate a deposit" });
    await form.getByLabel("To account").selectOption(`ethereum|${TREASURY_ETH}|acc_lumen_treasury_eth`);
    await form.getByLabel("Token").selectOption("USDT");
    await form.getByLabel("Amount").fill("1500");
    await form.getByRole("button", { name: "Send deposit" }).click();
    await page.locator("#deposit-result").filter({ hasText: /Deposit tx_\S+ sent/ }).waitFor(WAIT);
    const want = before.units + parseAmount("1500").units;
    for (let i = 0; i < 60; i++) {
      const now = parseAmount((await balance.textContent()).split(" USDT")[0]);
      if (now.units === want) break;
      const clock = await page.getByTestId("clock-now").textContent();
      await page.getByRole("button", { name: "Advance the clock 10 seconds" }).click();
      await page.waitForFunction((c) => document.getElementById("clock-now").textContent !== c, clock, WAIT);
    }
    await page.waitForFunction(([id, w]) => {
      const el = document.querySelector(`[data-testid="balance-${id}"]`);
      const n = el.firstChild.textContent.split(" ")[0].replaceAll(",", "");
      const [a, b = ""] = n.split(".");
      return BigInt(a + b.padEnd(18, "0")) === BigInt(w);
    }, [USDT, want.toString()], WAIT);
    assert.deepEqual(ui.errors, []);
  });

  test("with --admin-token the page asks for the token once and then shows the data", async () => {
    const guarded = await startEmulator(["--admin-token", "demo-token-123"], "demo-token-123");
    const page = await ui.context.newPage();
    ui.watch(page);
    try {
      await page.goto(guarded.base + "/_sandbox/ui/");
      const dialog = page.getByRole("dialog", { name: "Admin token" });
      await dialog.waitFor(WAIT);
      await dialog.getByLabel("Token").fill("wrong-token");
      await dialog.getByRole("button", { name: "Unlock dashboard" }).click();
      await dialog.getByText("That token was refused").waitFor(WAIT);
      await dialog.getByLabel("Token").fill("demo-token-123");
      await dialog.getByRole("button", { name: "Unlock dashboard" }).click();
      await page.getByTestId(`balance-${USDT}`).filter({ hasText: "1,100,000.25 USDT" }).waitFor(WAIT);
      assert.equal(await dialog.isVisible(), false);
      // The stream takes the token as a header too (fetch streaming, no token in the URL).
      await page.locator('#live[data-mode="stream"]').waitFor({ state: "attached", ...WAIT });
      assert.equal(await page.evaluate(() => sessionStorage.getItem("paratro.adminToken")), "demo-token-123");
      await page.reload();  // kept for the tab: no second prompt
      await page.getByTestId(`balance-${USDT}`).waitFor(WAIT);
      assert.equal(await page.getByRole("dialog", { name: "Admin token" }).isVisible(), false);
    } finally {
      await page.close();
      await guarded.stop();
    }
    // The refused token's 401 is the page working as designed; anything else is a fault.
    assert.deepEqual(ui.errors.filter((e) => !/401/.test(e)), []);
  });
});
