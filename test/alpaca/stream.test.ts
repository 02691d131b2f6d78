import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AlpacaStream } from "../../src/adapters/market-data/alpaca/stream.js";
import type { AlpacaFake } from "../support/alpaca-fake/server.js";
import { KEY_ID, Recorder, startFake, streamFor } from "./harness.js";

let fake: AlpacaFake;
let stream: AlpacaStream | undefined;

beforeEach(async () => {
  fake = await startFake({ symbolLimit: 3 });
});

afterEach(async () => {
  await stream?.stop();
  stream = undefined;
  await fake.close();
});

async function liveStream(tickers: string[]): Promise<Recorder> {
  const rec = new Recorder();
  stream = streamFor(fake);
  stream.follow(tickers);
  await stream.start(rec, rec);
  await rec.next("live");
  return rec;
}

describe("AlpacaStream: session", () => {
  it("authenticates, subscribes to trades and turns each trade into a Tick with the exchange's time and an exact price", async () => {
    const rec = await liveStream(["AAPL", "MSFT"]);
    const session = fake.sessions[0]!;
    expect(session.feed).toBe("iex");
    expect(session.received).toEqual([
      { action: "auth", key: KEY_ID, secret: "[kept out]" },
      { action: "subscribe", trades: ["AAPL", "MSFT"] },
    ]);
    expect(rec.events[0]).toEqual({ kind: "live", detail: "2 tickers on iex" });

    fake.trade("AAPL", "187.4312", 100, "2024-03-01T15:30:00.123456789Z");
    fake.trade("MSFT", "0.0001", 7, "2024-03-01T10:30:00.5-05:00");
    await rec.ticksAtLeast(2);
    const [aapl, msft] = rec.ticks;
    expect(aapl!.ticker).toBe("AAPL");
    expect(aapl!.price.toString()).toBe("187.4312");
    expect(aapl!.size).toBe(100n);
    expect(aapl!.time.toISOString()).toBe("2024-03-01T15:30:00.123Z");
    expect(aapl!.source).toBe("alpaca:iex");
    expect(msft!.price.toString()).toBe("0.0001");
    expect(msft!.time.toISOString()).toBe("2024-03-01T15:30:00.500Z");
    expect(stream!.stats.ticks).toBe(2);
  });

  it("takes several trades from one frame, in order", async () => {
    const rec = await liveStream(["AAPL", "MSFT"]);
    fake.trades([
      { ticker: "AAPL", price: "190.01", size: 1, time: "2024-03-01T15:30:00.000000001Z" },
      { ticker: "MSFT", price: "410.5", size: 200, time: "2024-03-01T15:30:00.000000002Z" },
      { ticker: "AAPL", price: "190.02", size: 3, time: "2024-03-01T15:30:00.001Z" },
    ]);
    await rec.ticksAtLeast(3);
    expect(rec.ticks.map((t) => `${t.ticker} ${t.price.toString()} ${t.size}`)).toEqual(["AAPL 190.01 1", "MSFT 410.5 200", "AAPL 190.02 3"]);
  });

  it("skips and counts malformed frames and messages, ignores corrections, and stays live", async () => {
    const rec = await liveStream(["AAPL"]);
    const time = '"t":"2024-03-01T15:30:00Z"';
    fake.malformed("this is not json");
    fake.malformed('{"T":"t"}');
    fake.malformed(`[{"T":"t","S":"AAPL","p":0,"s":1,${time}},{"T":"t","S":"AAPL","p":-2.5,"s":1,${time}}]`);
    fake.malformed('[{"T":"t","S":"AAPL","p":12.5,"s":1}]');
    fake.malformed('[{"T":"t","S":"AAPL","p":12.5,"s":1,"t":"2024-02-30T15:30:00Z"}]');
    fake.malformed(`[{"T":"t","S":"aapl","p":12.5,"s":1,${time}},{"T":"t","S":"AAPL","p":"twelve","s":1,${time}},{"T":"t","S":"AAPL","p":12.5,"s":-1,${time}}]`);
    fake.malformed(`[{"T":"c","S":"AAPL","op":12.5,"cp":12.6,${time}},{"T":"x","S":"AAPL","p":12.5,"a":"C",${time}}]`);
    fake.trade("AAPL", "12.75", 10, "2024-03-01T15:31:00Z");
    await rec.ticksAtLeast(1);
    expect(rec.ticks.map((t) => t.price.toString())).toEqual(["12.75"]);
    expect(stream!.stats.malformed).toBe(9);
    expect(stream!.stats.ignored).toBe(2);
    expect(rec.events.filter((e) => e.kind === "down")).toEqual([]);
  });

  it("follow() subscribes only the new tickers and unsubscribes the dropped ones; bad tickers are refused", async () => {
    const rec = await liveStream(["AAPL", "MSFT"]);
    stream!.follow(["MSFT", "TSLA", "msft", "WAY-TOO-LONG1", "TSLA"]);
    await fake.subscribed("TSLA");
    await fake.unsubscribed("AAPL");
    expect(fake.sessions[0]!.received.slice(2)).toEqual([
      { action: "unsubscribe", trades: ["AAPL"] },
      { action: "subscribe", trades: ["TSLA"] },
    ]);
    expect(rec.refusedTickers()).toEqual(["msft", "WAY-TOO-LON…"]);
    // Alpaca may still deliver a few trades of a ticker just unsubscribed: they are not ticks.
    fake.malformed('[{"T":"t","S":"AAPL","p":190.5,"s":1,"t":"2024-03-01T15:32:00Z"}]');
    fake.trade("TSLA", "175.3", 5, "2024-03-01T15:32:00Z");
    await rec.ticksAtLeast(1);
    expect(rec.ticks.map((t) => t.ticker)).toEqual(["TSLA"]);
    expect(stream!.stats.ignored).toBe(1);
  });

  it("reports the tickers that do not fit Alpaca's symbol limit (405) and streams the ones that do, in priority order", async () => {
    const rec = await liveStream(["NVDA", "AAPL", "MSFT", "TSLA", "AMZN"]);
    expect(rec.refusedTickers()).toEqual(["TSLA", "AMZN"]);
    const refusal = rec.events.find((e) => e.kind === "refused");
    expect(refusal).toMatchObject({ reason: expect.stringContaining("symbol limit exceeded") as string });
    expect([...fake.sessions[0]!.trades]).toEqual(["NVDA", "AAPL", "MSFT"]);
    expect(rec.events.find((e) => e.kind === "live")).toEqual({ kind: "live", detail: "3 tickers on iex" });

    // Dropping one frees a slot: the refused ticker with the highest priority gets it.
    stream!.follow(["NVDA", "MSFT", "TSLA", "AMZN"]);
    await fake.subscribed("TSLA");
    expect([...fake.sessions[0]!.trades].sort()).toEqual(["MSFT", "NVDA", "TSLA"]);
  });
});
