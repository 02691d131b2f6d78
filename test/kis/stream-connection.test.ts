import { afterEach, expect, it } from "vitest";
import { PATH } from "../support/kis-fake/contract.js";
import { streamWorld, type StreamWorld } from "./stream-harness.js";

let world: StreamWorld | undefined;
afterEach(async () => {
  if (world) {
    // Neither the approval key nor the app secret ever reaches what operators read.
    for (const e of world.status.events) expect(e.text).not.toMatch(/appr-|SECRET/);
    await world.close();
  }
  world = undefined;
});

async function liveWith(follow: string[], o: Parameters<typeof streamWorld>[0] = {}): Promise<StreamWorld> {
  world = await streamWorld(o);
  const live = world.status.next("live");
  world.stream.follow(follow);
  await world.stream.start(world.sink, world.status);
  await Promise.all([live, ...follow.map((t) => world!.ws.subscribed(`D${t === "NKE" ? "NYS" : "NAS"}${t}`))]);
  return world;
}

it("a dropped connection is reported down, made again, and every ticker registered again", async () => {
  const w = await liveWith(["AAPL", "NKE"]);
  const down = w.status.next("down", /closed.*reconnecting/);
  const again = Promise.all(["DNASAAPL", "DNYSNKE"].map((k) => w.ws.next("subscribed", (x) => x === k)));
  const live = w.status.next("live");
  w.ws.dropConnections();
  await down;
  await again;
  await live;
  w.ws.trades("DNYSNKE", [{ LAST: "64.0000" }]);
  const [tick] = await w.sink.count(1);
  expect(tick).toMatchObject({ ticker: "NKE", source: "kis:ws" });
  expect(w.stream.stats.reconnects).toBe(1);
  // One approval key served both connections.
  expect(w.rest.count(PATH.approval)).toBe(1);
});

it("a connection that cannot be made is retried with back-off until it can", async () => {
  world = await streamWorld({ wsUrl: "ws://127.0.0.1:9/tryitout" });
  const down = world.status.next("down", /closed/);
  world.stream.follow(["AAPL"]);
  await world.stream.start(world.sink, world.status);
  await down;
  const second = world.status.next("down", /closed/);
  await second;
  expect(world.stream.stats.reconnects).toBeGreaterThanOrEqual(2);
});

it("silence (no frame, no PINGPONG) drops the connection, reports it down and connects again", async () => {
  const w = await liveWith(["AAPL"], { silenceMs: 300 });
  const down = w.status.next("down", /no message from KIS for .* \(not even PINGPONG\)/);
  const reconnected = w.ws.next("subscribed", (k) => k === "DNASAAPL");
  w.ws.silence(true);
  await down;
  w.ws.silence(false);
  await reconnected;
});

it("an approval key KIS no longer accepts: down with KIS's reason, a new key, every ticker registered again", async () => {
  const w = await liveWith(["AAPL"]);
  const refused = w.status.next("down", /KIS refused the WebSocket session \(invalid approval : NOT FOUND\)/);
  const again = w.ws.next("subscribed", (k) => k === "DNASAAPL");
  w.rest.revokeApprovalKeys();
  w.ws.dropConnections();
  await refused;
  await again;
  expect(w.rest.count(PATH.approval)).toBe(2);
});

it("no approval key (KIS refuses it): down with the reason, asked again later", async () => {
  world = await streamWorld();
  world.rest.fail(PATH.approval, { http: 403, msg_cd: "EGW00103", msg1: "유효하지 않은 AppKey입니다." });
  const down = world.status.next("down", /no KIS WebSocket approval key: KIS approval key: KIS EGW00103: 유효하지 않은 AppKey입니다\./);
  const live = world.status.next("live");
  world.stream.follow(["AAPL"]);
  await world.stream.start(world.sink, world.status);
  await down;
  await live;
  await world.ws.subscribed("DNASAAPL");
  expect(world.rest.count(PATH.approval)).toBe(2);
});

it("stop() closes the connection, can be called twice, and nothing is registered after it", async () => {
  const w = await liveWith(["AAPL"]);
  const gone = w.ws.next("disconnected");
  await w.stream.stop();
  await gone;
  await w.stream.stop();
  w.stream.follow(["MSFT"]);
  expect(w.ws.sessions.size).toBe(0);
  expect(w.status.events.filter((e) => e.kind === "down")).toEqual([]);
  expect((w.ws.received as { body: { input: { tr_key: string } } }[]).map((m) => m.body.input.tr_key)).toEqual(["DNASAAPL"]);
});
