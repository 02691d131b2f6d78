import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KIS_PATHS } from "../../src/adapters/broker/kis/environments.js";
import { blankRow, PERIOD_TRANS_FIELDS } from "../support/kis-fake/contract.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { useTestRedis } from "../support/redis.js";
import { brokerFor, keyspace, startFake } from "./harness.js";

/** KisBroker.statement: inquire-period-trans (CTOS4001R) as KIS's samples call it. */
const { redis, prefix } = useTestRedis();
let fake: KisFake;
beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await fake.close();
});

describe("the statement (inquire-period-trans)", () => {
  it("pages with 100-character cursors and reads each trade's fee as settled minus traded (BUY) or traded minus settled (SELL)", async () => {
    fake.account.statementPageSize = 2;
    fake.account.addTrade("real", { date: "20261124", ticker: "NKE", side: "BUY", quantity: 2, price: "63.10", commission: "0.32" });
    fake.account.addTrade("real", { date: "20261124", ticker: "NKE", side: "SELL", quantity: 1, price: "63.10", commission: "0.16", otherFees: "0.01" });
    fake.account.addTrade("real", { date: "20261125", ticker: "SPY", side: "BUY", quantity: 1, price: "600.005", commission: "1.50" });
    fake.account.addTrade("real", { date: "20261127", ticker: "KO", side: "BUY", quantity: 1, price: "70", commission: "0.18" }); // outside the period

    const trades = await brokerFor(fake, redis, "real", keyspace(prefix)).statement({ from: "2026-11-24", to: "2026-11-26" });
    expect(trades!.map((t) => [t.tradeDate, t.ticker, t.side, t.quantity, t.fee.toFixed(2)])).toEqual([
      ["2026-11-24", "NKE", "BUY", 2, "0.32"],
      ["2026-11-24", "NKE", "SELL", 1, "0.17"],
      ["2026-11-25", "SPY", "BUY", 1, "1.50"],
    ]);
    const calls = fake.requests.filter((r) => r.path === KIS_PATHS.periodTrans);
    expect(calls.map((r) => [r.method, r.headers.tr_id, r.headers.tr_cont])).toEqual([["GET", "CTOS4001R", ""], ["GET", "CTOS4001R", "N"]]);
    expect(calls[0]!.body).toEqual({ CANO: "50012345", ACNT_PRDT_CD: "01", ERLM_STRT_DT: "20261124", ERLM_END_DT: "20261126", OVRS_EXCG_CD: "", PDNO: "", SLL_BUY_DVSN_CD: "00", LOAN_DVSN_CD: "", CTX_AREA_FK100: "", CTX_AREA_NK100: "" });
    expect(String(calls[1]!.body.CTX_AREA_NK100)).toHaveLength(100);
  });

  it("leaves out rows it cannot read yet (no settled amount, another currency, a negative fee) and reads an empty period as none", async () => {
    const row = { ...blankRow(PERIOD_TRANS_FIELDS), trad_dt: "20261124", sll_buy_dvsn_cd: "02", pdno: "NKE", ccld_qty: "1", tr_frcr_amt2: "63.10", crcy_cd: "USD" };
    fake.account.addRow("real", { ...row, frcr_excc_amt_1: "" });
    fake.account.addRow("real", { ...row, frcr_excc_amt_1: "63.20", crcy_cd: "HKD" });
    fake.account.addRow("real", { ...row, frcr_excc_amt_1: "63.00" });
    fake.account.addRow("real", { ...row, frcr_excc_amt_1: " 63.42 " });
    const broker = brokerFor(fake, redis, "real", keyspace(prefix));
    expect((await broker.statement({ from: "2026-11-24", to: "2026-11-24" }))!.map((t) => t.fee.toFixed(2))).toEqual(["0.32"]);
    expect(await broker.statement({ from: "2026-12-01", to: "2026-12-01" })).toEqual([]);
  });

  it("is undefined on paper (KIS has no paper tr_id for it): nothing is asked", async () => {
    expect(await brokerFor(fake, redis, "paper", keyspace(prefix)).statement({ from: "2026-11-24", to: "2026-11-24" })).toBeUndefined();
    expect(fake.count(KIS_PATHS.periodTrans)).toBe(0);
  });

  it("a failed query throws (the commission job counts it and tries again next run)", async () => {
    fake.fail(KIS_PATHS.periodTrans, { http: 200, rt_cd: "1", msg_cd: "OPSQ0002", msg1: "없는 서비스 코드 입니다" });
    await expect(brokerFor(fake, redis, "real", keyspace(prefix)).statement({ from: "2026-11-24", to: "2026-11-24" })).rejects.toMatchObject({ code: "OPSQ0002" });
  });
});
