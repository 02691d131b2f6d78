import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AlpacaStream } from "../../src/adapters/market-data/alpaca/stream.js";
import type { AlpacaFake } from "../support/alpaca-fake/server.js";
import { activeTimers, KEY_ID, Recorder, SECRET, startFake, streamFor } from "./harness.js";

let fake: AlpacaFake;
const streams: AlpacaStream[] = [];

beforeEach(async () => {
  fake = await startFake();
});

afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.stop()));
  await fake.close();
});

function track(stream: AlpacaStream): AlpacaStream {
  streams.push(stream);
  return stream;
}

describe("AlpacaStream: failures and recovery", () => {
  it("auth failure: down with a reason naming the variables to fix (never the secret), then live once the key is accepted", async () => {
    fake.setKeys({ [KEY_ID]: "the-secret-alpaca-expects" });
    const rec = new Recorder();
    const stream = track(streamFor(fake));
    stream.follow(["AAPL"]);
    await stream.start(rec, rec);
    const down = await rec.next("down");
    expect(down.reason).toContain("auth failed");
    expect(down.reason).toContain("ALPACA_KEY_ID/ALPACA_SECRET_KEY");
    expect(down.reason).not.toContain(SECRET);

    const from = rec.mark();
    fake.setKeys({ [KEY_ID]: SECRET });
    await rec.next("live", from);
    await fake.subscribed("AAPL");
    expect(fake.sessions.length).toBeGreaterThanOrEqual(2);
  });

  it("a disconnect mid-session: down, reconnect, resubscribe every followed ticker, live again, ticks flow", async () => {
    const rec = new Recorder();
    const stream = track(streamFor(fake));
    stream.follow(["AAPL", "MSFT"]);
    await stream.start(rec, rec);
    await rec.next("live");

    const from = rec.mark();
    fake.dropConnections();
    const down = await rec.next("down", from);
    expect(down.reason).toContain("connection closed");
    await rec.next("live", from);
    const second = fake.openSessions()[0]!;
    expect(second.id).toBe(2);
    expect([...second.trades]).toEqual(["AAPL", "MSFT"]);

    fake.trade("MSFT", "401.25", 10, "2024-03-01T15:30:00Z");
    await rec.ticksAtLeast(1);
    expect(rec.ticks[0]!.price.toString()).toBe("401.25");
  });

  it("a silent socket (no message, no pong) is called dead after silenceMs, then the stream reconnects", async () => {
    const rec = new Recorder();
    const stream = track(streamFor(fake, { silenceMs: 200 }));
    stream.follow(["AAPL"]);
    await stream.start(rec, rec);
    await rec.next("live");

    const from = rec.mark();
    fake.silence(true);
    const down = await rec.next("down", from);
    expect(down.reason).toBe("no message for 0.2 s");

    fake.silence(false);
    await rec.next("live", from);
    await fake.subscribed("AAPL");
  });

  it("a quiet ticker (no trades at all) keeps the stream live: the client's pings are answered", async () => {
    const rec = new Recorder();
    const stream = track(streamFor(fake, { silenceMs: 200 }));
    stream.follow(["QUIET"]);
    await stream.start(rec, rec);
    await rec.next("live");
    // The client pings every silenceMs / 4: twelve pings span three silence windows.
    await fake.pinged(12);
    expect(rec.events.filter((e) => e.kind === "down")).toEqual([]);
    expect(fake.sessions).toHaveLength(1);
  });

  it("a second connection with the same keys (406) is down with a reason; the first stays live", async () => {
    const first = new Recorder();
    const one = track(streamFor(fake));
    await one.start(first, first);
    await first.next("live");

    const second = new Recorder();
    const two = track(streamFor(fake));
    await two.start(second, second);
    const down = await second.next("down");
    expect(down.reason).toContain("connection limit exceeded");
    expect(first.events.filter((e) => e.kind === "down")).toEqual([]);
  });

  it("the SIP feed without the plan (409) is down with a reason that says which setting to change", async () => {
    const rec = new Recorder();
    const stream = track(streamFor(fake, { feed: "sip" }));
    await stream.start(rec, rec);
    const down = await rec.next("down");
    expect(down.reason).toContain("insufficient subscription");
    expect(down.reason).toContain("ALPACA_FEED=iex");
    expect(fake.sessions[0]!.feed).toBe("sip");
  });

  it("stop() closes the socket and clears every timer, also with a reconnect pending; it can be called twice", async () => {
    const baseline = activeTimers();
    const rec = new Recorder();
    const stream = streamFor(fake, { backoffMs: 60_000, maxBackoffMs: 60_000 });
    stream.follow(["AAPL"]);
    await stream.start(rec, rec);
    await rec.next("live");
    expect(activeTimers()).toBeGreaterThan(baseline);

    // Dropped: a reconnect is now waiting for its back-off.
    const from = rec.mark();
    fake.dropConnections();
    await rec.next("down", from);
    await stream.stop();
    await stream.stop();
    expect(activeTimers()).toBe(baseline);
    expect(fake.sessions.length).toBe(1);

    // A live socket is closed by stop() as well.
    const live = streamFor(fake);
    await live.start(new Recorder(), new Recorder());
    await fake.authenticated(2);
    await live.stop();
    await fake.disconnected(2);
    expect(fake.openSessions()).toEqual([]);
    expect(activeTimers()).toBe(baseline);
  });
});
