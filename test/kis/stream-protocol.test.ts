import { afterEach, expect, it } from "vitest";
import { KisExchanges } from "../../src/adapters/market-data/kis/exchanges.js";
import { PATH } from "../support/kis-fake/contract.js";
import { tradeFrame } from "../support/kis-fake/ws-server.js";
import { APPS } from "./harness.js";
import { streamWorld, type StreamWorld, tickers } from "./stream-harness.js";

let world: StreamWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function started(follow: string[], o: Parameters<typeof streamWorld>[0] = {}, wsLimit?: number): Promise<StreamWorld> {
  world = await streamWorld(o, wsLimit);
  world.stream.follow(follow);
  await world.stream.start(world.sink, world.status);
  return world;
}

it("asks for an approval key (grant_type, appkey, secretkey) and registers each ticker with KIS's header and body", async () => {
  world = await streamWorld();
  const live = world.status.next("live");
  world.stream.follow(["AAPL", "NKE"]);
  await world.stream.start(world.sink, world.status);
  await Promise.all([world.ws.subscribed("DNASAAPL"), world.ws.subscribed("DNYSNKE"), live]);

  const approvals = world.rest.requests.filter((r) => r.path === PATH.approval);
  expect(approvals).toHaveLength(1);
  expect(approvals[0]!.body).toEqual({ grant_type: "client_credentials", appkey: "REALKEY0001", secretkey: APPS.REALKEY0001.secret });
  const registrations = world.ws.received as { header: Record<string, unknown>; body: unknown }[];
  expect(registrations).toHaveLength(2);
  for (const [i, key] of ["DNASAAPL", "DNYSNKE"].entries()) {
    const { header, body } = registrations[i]!;
    expect(Object.keys(header).sort()).toEqual(["approval_key", "content-type", "custtype", "tr_type"]);
    expect(header).toMatchObject({ custtype: "P", tr_type: "1", "content-type": "utf-8" });
    expect(world.rest.approvalKeyValid(header.approval_key)).toBe(true);
    expect(body).toEqual({ input: { tr_id: "HDFSCNT0", tr_key: key } });
  }
});

it("turns a frame of several trades into ticks stamped with the exchange's clock", async () => {
  const w = await started(["AAPL", "NKE"]);
  await w.ws.subscribed("DNYSNKE");
  w.ws.trades("DNASAAPL", [
    { LAST: "187.2500", EVOL: "100", XYMD: "20250702", XHMS: "093001", KYMD: "20250702", KHMS: "223001" },
    // Korea's clock is off by a minute here: the exchange's wins (and the mismatch is counted).
    { LAST: "187.2600", EVOL: "5", XYMD: "20250702", XHMS: "093002", KYMD: "20250702", KHMS: "223102" },
    // No exchange clock: Korea's is used (January: New York is UTC-5, Seoul UTC+9).
    { LAST: "0.5012", EVOL: "7", XYMD: "", XHMS: "", KYMD: "20250103", KHMS: "053000" },
  ]);
  w.ws.trades("DNYSNKE", [{ LAST: "63.0300", EVOL: "12", XYMD: "20250102", XHMS: "160000", KYMD: "20250103", KHMS: "060000" }]);
  const ticks = await w.sink.count(4);
  expect(ticks.map((t) => ({ ...t, price: t.price.toString() }))).toEqual([
    { ticker: "AAPL", price: "187.25", size: 100n, time: new Date("2025-07-02T13:30:01Z"), source: "kis:ws" },
    { ticker: "AAPL", price: "187.26", size: 5n, time: new Date("2025-07-02T13:30:02Z"), source: "kis:ws" },
    { ticker: "AAPL", price: "0.5012", size: 7n, time: new Date("2025-01-02T20:30:00Z"), source: "kis:ws" },
    { ticker: "NKE", price: "63.03", size: 12n, time: new Date("2025-01-02T21:00:00Z"), source: "kis:ws" },
  ]);
  expect(w.stream.stats).toMatchObject({ ticks: 4, clockMismatches: 1, malformed: 0 });
});

it("echoes PINGPONG back exactly as received (as text, and as the pong frame KIS's samples send)", async () => {
  const w = await started(["AAPL"]);
  await w.ws.subscribed("DNASAAPL");
  const echo = w.ws.next("echo");
  const pong = w.ws.next("pong");
  w.ws.ping("20250702093000");
  const sent = JSON.stringify({ header: { tr_id: "PINGPONG", datetime: "20250702093000" } });
  expect(await echo).toBe(sent);
  expect(await pong).toBe(sent);
  expect(w.stream.stats.pings).toBe(1);
});

it("counts and skips encrypted and malformed frames, and goes on with the next good one", async () => {
  const w = await started(["AAPL"]);
  await w.ws.subscribed("DNASAAPL");
  w.ws.raw("1|HDFSCNT0|001|U2FsdGVkX1+encrypted==");
  w.ws.raw("0|HDFSCNT0|002|only^three^fields");
  w.ws.raw("0|HDFSCNT0|x|a^b");
  w.ws.raw("not a frame at all");
  w.ws.raw(JSON.stringify({ header: {} }));
  w.ws.raw(tradeFrame("DNASAAPL", [{ LAST: "" }]));
  w.ws.raw(tradeFrame("DNASAAPL", [{ XYMD: "2025", KYMD: "" }]));
  w.ws.trades("DNASAAPL", [{ LAST: "190.0000" }]);
  const [tick] = await w.sink.count(1);
  expect(tick!.price.toString()).toBe("190");
  expect(w.stream.stats).toMatchObject({ encrypted: 1, malformed: 6, ticks: 1 });
  expect(w.status.events.filter((e) => e.kind === "down")).toEqual([]);
});

it("reads a frame without RSYM (25 columns a trade, as the newer samples list them) by its symbol", async () => {
  const w = await started(["AAPL"]);
  await w.ws.subscribed("DNASAAPL");
  const [, , , fields = ""] = tradeFrame("DNASAAPL", [{ LAST: "191.0000" }, { LAST: "191.5000" }]).split("|");
  const values = fields.split("^");
  const withoutRsym = [...values.slice(1, 26), ...values.slice(27)];
  w.ws.raw(`0|HDFSCNT0|002|${withoutRsym.join("^")}`);
  const ticks = await w.sink.count(2);
  expect(ticks.map((t) => [t.ticker, t.price.toString()])).toEqual([["AAPL", "191"], ["AAPL", "191.5"]]);
});

it("follows at most 40 tickers (held first) and refuses the rest as polled instead", async () => {
  world = await streamWorld();
  const all = tickers(45);
  const refusals = Promise.all(all.slice(40).map((t) => world!.status.next("refused", /over the KIS real-time limit: polled instead/).then(() => t)));
  world.stream.follow(all);
  await world.stream.start(world.sink, world.status);
  await Promise.all(all.slice(0, 40).map((t) => world!.ws.subscribed(`DNAS${t}`)));
  await refusals;
  expect(world.ws.registered().sort()).toEqual(all.slice(0, 40).map((t) => `DNAS${t}`).sort());
  expect(world.status.events.filter((e) => e.kind === "refused").map((e) => e.kind === "refused" && e.ticker)).toEqual(all.slice(40));
  // The same list again reports nothing new.
  world.stream.follow(all);
  expect(world.status.events.filter((e) => e.kind === "refused")).toHaveLength(5);
});

it("a registration KIS refuses with MAX SUBSCRIBE OVER is refused as polled instead", async () => {
  world = await streamWorld({}, 2);
  const refused = world.status.next("refused", /over the KIS real-time limit: polled instead/);
  world.stream.follow(["AAPL", "MSFT", "NVDA"]);
  await world.stream.start(world.sink, world.status);
  expect(await refused).toMatchObject({ ticker: "NVDA" });
  expect(world.ws.registered().sort()).toEqual(["DNASAAPL", "DNASMSFT"]);
});

it("follow() releases dropped tickers and registers new ones; a learned exchange changes the key", async () => {
  const exchanges = new KisExchanges();
  const w = await started(["AAPL", "MSFT", "ZZZ"], { exchanges });
  await Promise.all(["DNASAAPL", "DNASMSFT", "DNASZZZ"].map((k) => w.ws.subscribed(k)));
  const released = w.ws.next("unsubscribed", (k) => k === "DNASAAPL");
  const movedFrom = w.ws.next("unsubscribed", (k) => k === "DNASZZZ");
  exchanges.learn("ZZZ", "AMS");
  w.stream.follow(["MSFT", "NVDA", "ZZZ"]);
  await Promise.all([released, movedFrom, w.ws.subscribed("DNASNVDA"), w.ws.subscribed("DAMSZZZ")]);
  expect(w.ws.registered().sort()).toEqual(["DAMSZZZ", "DNASMSFT", "DNASNVDA"]);
  const releases = (w.ws.received as { header: { tr_type: string } }[]).filter((m) => m.header.tr_type === "2");
  expect(releases).toHaveLength(2);
});

it("the benchmark's burst: frames pushed back to back all arrive, in order, each telling its sequence by its size", async () => {
  const w = await started(["AAPL"]);
  await w.ws.subscribed("DNASAAPL");
  w.ws.pushTrades("DNASAAPL", 200, { LAST: "187.0000" });
  const ticks = await w.sink.count(200);
  expect(ticks.map((t) => t.size)).toEqual(Array.from({ length: 200 }, (_, i) => BigInt(i)));
  expect(w.ws.sentAt).toHaveLength(200);
  expect(w.stream.stats).toMatchObject({ frames: 201, ticks: 200 });
});
