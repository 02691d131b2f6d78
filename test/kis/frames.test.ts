import { expect, it } from "vitest";
import { parseFrame, tradeOf } from "../../src/adapters/market-data/kis/frames.js";
import { tradeFrame } from "../support/kis-fake/ws-server.js";

it("reads control messages: PINGPONG, registration answers (ok or not, with msg_cd and msg1 trimmed)", () => {
  expect(parseFrame(JSON.stringify({ header: { tr_id: "PINGPONG", datetime: "20250702093000" } }))).toEqual({ kind: "pingpong" });
  const ok = { header: { tr_id: "HDFSCNT0", tr_key: "DNASAAPL", encrypt: "N" }, body: { rt_cd: "0", msg_cd: "OPSP0000", msg1: "SUBSCRIBE SUCCESS", output: { iv: "x", key: "y" } } };
  expect(parseFrame(JSON.stringify(ok))).toEqual({ kind: "ack", trId: "HDFSCNT0", trKey: "DNASAAPL", ok: true, msgCd: "OPSP0000", msg: "SUBSCRIBE SUCCESS" });
  const over = { header: { tr_id: "HDFSCNT0", tr_key: "DNASMSFT" }, body: { rt_cd: "1", msg_cd: "OPSP0008", msg1: "MAX SUBSCRIBE OVER  " } };
  expect(parseFrame(JSON.stringify(over))).toMatchObject({ kind: "ack", ok: false, msgCd: "OPSP0008", msg: "MAX SUBSCRIBE OVER" });
});

it("reads a data frame of several records, flags encrypted frames, and calls anything else malformed", () => {
  const frame = parseFrame(tradeFrame("DNASAAPL", [{ LAST: "1.0000" }, { LAST: "2.0000" }, { LAST: "3.0000" }]));
  expect(frame).toMatchObject({ kind: "data", trId: "HDFSCNT0" });
  expect(frame.kind === "data" && frame.records.map((r) => [r.RSYM, r.SYMB, r.LAST])).toEqual([["DNASAAPL", "AAPL", "1.0000"], ["DNASAAPL", "AAPL", "2.0000"], ["DNASAAPL", "AAPL", "3.0000"]]);
  expect(parseFrame("1|H0GSCNI0|001|Zm9v")).toEqual({ kind: "encrypted", trId: "H0GSCNI0" });
  for (const bad of ["0|HDFSCNT0|002|a^b^c", "0|HDFSCNT0|000|", "0|HDFSCNT0", "{not json", "[]", JSON.stringify({ header: { tr_id: "HDFSCNT0" } })]) {
    expect(parseFrame(bad).kind).toBe("malformed");
  }
});

it("a trade's time is the exchange's clock in New York (daylight time or not), else Korea's", () => {
  const summer = tradeOf({ LAST: "10.5", EVOL: "3", XYMD: "20250310", XHMS: "093000", KYMD: "20250310", KHMS: "223000" });
  expect(summer).toMatchObject({ time: new Date("2025-03-10T13:30:00Z"), size: 3n, clocksDisagree: false });
  const winter = tradeOf({ LAST: "10.5", XYMD: "20250307", XHMS: "093000", KYMD: "20250307", KHMS: "233000" });
  expect(winter).toMatchObject({ time: new Date("2025-03-07T14:30:00Z"), clocksDisagree: false });
  expect(tradeOf({ LAST: "10.5", XYMD: "20250307", XHMS: "093000", KYMD: "20250307", KHMS: "223000" })).toMatchObject({ time: new Date("2025-03-07T14:30:00Z"), clocksDisagree: true });
  expect(tradeOf({ LAST: "10.5", XYMD: "2025030", XHMS: "", KYMD: "20250307", KHMS: "233000" })).toMatchObject({ time: new Date("2025-03-07T14:30:00Z") });
  expect(tradeOf({ LAST: "0", XYMD: "20250307", XHMS: "093000" })).toEqual({ invalid: "no positive LAST" });
  expect(tradeOf({ LAST: "1", XYMD: "20251340", XHMS: "093000" })).toEqual({ invalid: "no valid XYMD/XHMS or KYMD/KHMS" });
  // A size KIS did not give as a whole number counts as 0 shares, never a guess.
  expect(tradeOf({ LAST: "1", EVOL: "1.5", XYMD: "20250307", XHMS: "093000" })).toMatchObject({ size: 0n });
});
