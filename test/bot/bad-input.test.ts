import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ADMIN, createTestBot, TRADER, TRADER_2, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { freshDesk, orders, proposals } from "./fixtures.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let t: TestBot;

beforeAll(async () => {
  await freshDesk(db.dataSource, redis, prefix);
});

beforeEach(() => {
  t = createTestBot(db.dataSource, { redis, prefix });
});

const LONG = "A".repeat(5_000);
const NOT_ACCEPTED = "❌ <b>Order not accepted</b>\n• ";
const quantityError = (got: string) => `${NOT_ACCEPTED}quantity must be a whole number of shares above 0, got &quot;${got}&quot;`;

/** Each bad /execute and the one specific thing it must be told. */
const CASES: [name: string, command: string, reply: string][] = [
  ["an unknown ticker", "/execute BUY XYZ 10", "🛑 <b>Refused by the pre-trade checks</b>\n• no price is known for XYZ <code>no_price</code>"],
  ["quantity 0", "/execute BUY NKE 0", quantityError("0")],
  ["a negative quantity", "/execute BUY NKE -5", quantityError("-5")],
  ["quantity 1e9", "/execute BUY NKE 1e9", quantityError("1e9")],
  ["a quantity above the desk's maximum", "/execute BUY NKE 1000000000", `${NOT_ACCEPTED}quantity 1000000000 is above the desk's maximum of 1000000`],
  ["a fractional quantity", "/execute BUY NKE 2.5", quantityError("2.5")],
  ["a non-numeric quantity", "/execute BUY NKE ten", quantityError("ten")],
  ["missing arguments", "/execute BUY NKE", "❌ missing arguments: side, ticker and quantity are required.\nusage: /execute BUY|SELL TICKER QTY [LIMIT|market] [STOP]"],
  ["extra arguments", "/execute BUY NKE 10 101 95 now", "❌ too many arguments (6); at most 5.\nusage: /execute BUY|SELL TICKER QTY [LIMIT|market] [STOP]"],
  ["a unicode ticker", "/execute BUY 株式 10", `${NOT_ACCEPTED}&quot;株式&quot; is not a ticker`],
  ["an emoji ticker", "/execute BUY 📈🚀 10", `${NOT_ACCEPTED}&quot;📈🚀&quot; is not a ticker`],
  ["a 5,000-character ticker", `/execute BUY ${LONG} 10`, `${NOT_ACCEPTED}&quot;AAAAAAAAAAAAAAAAAAAAA...&quot; is not a ticker`],
  ["a 5,000-character quantity", `/execute BUY NKE ${"9".repeat(5_000)}`, quantityError(`${"9".repeat(21)}...`)],
  ["a 5,000-character single argument", `/execute ${LONG}`, "❌ missing arguments: side, ticker and quantity are required."],
  ["side HOLD", "/execute HOLD NKE 10", `${NOT_ACCEPTED}side must be BUY or SELL, got &quot;HOLD&quot;`],
  ["limit price abc", "/execute BUY NKE 10 abc", `${NOT_ACCEPTED}limit price must be a positive amount with at most 6 decimals, got &quot;abc&quot;`],
  ["limit price -1", "/execute BUY NKE 10 -1", `${NOT_ACCEPTED}limit price must be a positive amount with at most 6 decimals, got &quot;-1&quot;`],
  ["limit price 0", "/execute BUY NKE 10 0", `${NOT_ACCEPTED}limit price must be a positive amount with at most 6 decimals, got &quot;0&quot;`],
  ["stop price xyz", "/execute BUY NKE 10 market xyz", `${NOT_ACCEPTED}stop price must be a positive amount with at most 6 decimals, got &quot;xyz&quot;`],
  ["a BUY's stop above its limit", "/execute BUY NKE 10 100 105", `${NOT_ACCEPTED}a long's stop must lie below its limit price`],
  ["a limit outside the price collar", "/execute BUY NKE 10 150", "limit 150.00 is 50.00% from the last price 100.00 (collar 10%)"],
  ["a SELL of shares not held", "/execute SELL NKE 10", "cannot sell 10 NKE: the account holds 0 (short selling is not allowed)"],
  ["an order above buying power", "/execute BUY NKE 5000", "needs about $500251.00, cash is $100000.00 <code>buying_power</code>"],
];

describe("/execute with bad input: a clear, specific answer and nothing written", () => {
  it.each(CASES)("%s", async (_name, command, reply) => {
    await t.send(TRADER, command);
    const sent = t.telegram.sent("sendMessage");
    // One answer, to the one who asked, and no proposal posted to anyone else.
    expect(sent.map((c) => Number(c.payload.chat_id))).toEqual([TRADER]);
    const text = String(sent[0]!.payload.text);
    expect(text).toContain(reply);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(sent[0]!.payload.parse_mode).toBe("HTML");
    expect(await proposals(db.dataSource)).toEqual([]);
    expect(await orders(db.dataSource)).toEqual([]);
  });

  it("several problems at once are all named", async () => {
    await t.send(TRADER_2, "/execute HOLD 株式 ten abc");
    const text = t.telegram.lastText(TRADER_2);
    expect(text.split("\n• ")).toEqual([
      "❌ <b>Order not accepted</b>",
      "side must be BUY or SELL, got &quot;HOLD&quot;",
      "&quot;株式&quot; is not a ticker",
      "quantity must be a whole number of shares above 0, got &quot;ten&quot;",
      "limit price must be a positive amount with at most 6 decimals, got &quot;abc&quot;",
    ]);
  });

  it("an HTML-special argument is escaped, never sent as markup", async () => {
    await t.send(ADMIN, '/execute BUY <b>NKE</b> 10 "1"&2');
    const text = t.telegram.lastText(ADMIN);
    expect(text).toContain("&quot;&lt;b&gt;NKE&lt;/b&gt;&quot; is not a ticker");
    expect(text).toContain("got &quot;&quot;1&quot;&amp;2&quot;");
    expect(text.replace(/<\/?(b|code|i)>/g, "")).not.toMatch(/[<>]/);
  });

  it("after every bad input above, the desk still takes a good order", async () => {
    await t.send(TRADER, "/execute BUY NKE 10");
    expect(await proposals(db.dataSource)).toMatchObject([{ side: "BUY", ticker: "NKE", quantity: 10, status: "pending" }]);
  });
});
