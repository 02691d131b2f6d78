import { Dec } from "../../../src/domain/decimal.js";
import { blankRow, cursor, type FakeEnv, offsetOf, PERIOD_TRANS_FIELDS, PERIOD_TRANS_TOTALS, PSAMOUNT_FIELDS } from "./contract.js";

type Json = Record<string, unknown>;
type Send = (status: number, json: Json, headers?: Record<string, string>) => void;
type Fail = (msg_cd: string, msg1: string, status?: number) => void;

/** One trade on the fake's statement (inquire-period-trans), in the desk's terms. */
export interface FakeStatementTrade {
  /** Trade date, YYYYMMDD (exchange-local). */
  date: string;
  ticker: string;
  side: "BUY" | "SELL";
  quantity: number;
  price: string;
  /** KIS's commission in USD (dmst_frcr_fee1). */
  commission: string;
  /** Other USD fees, e.g. a SEC fee on a sale (frcr_fee1). */
  otherFees?: string;
}

/** KRW per USD on the fake's statement rows (the desk never reads the won figures). */
const RATE = new Dec("1350");

/**
 * The fake's account money: buying power (inquire-psamount) from a settable USD cash balance,
 * and the statement (inquire-period-trans, real only) from trades a test posts when it wants the
 * broker to "have booked" them. Both speak KIS's field names.
 */
export class FakeAccount {
  private readonly cash = new Map<FakeEnv, string>();
  private readonly psamountOverrides = new Map<FakeEnv, Json>();
  private readonly statements = new Map<FakeEnv, Json[]>();
  statementPageSize = 100;

  setCash(env: FakeEnv, usd: string): void {
    this.cash.set(env, usd);
  }
  /** Raw fields laid over the computed psamount answer (blank figures, another currency...). */
  setPsamount(env: FakeEnv, fields: Json | undefined): void {
    if (fields) this.psamountOverrides.set(env, fields);
    else this.psamountOverrides.delete(env);
  }

  /** Adds a statement row as KIS books it: amount to the cent, settled amount = amount +/- fees. */
  addTrade(env: FakeEnv, t: FakeStatementTrade): void {
    const amount = new Dec(t.price).times(t.quantity).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
    const fees = new Dec(t.commission).plus(t.otherFees ?? "0");
    const settled = t.side === "BUY" ? amount.plus(fees) : amount.minus(fees);
    const won = (usd: Dec) => usd.times(RATE).toDecimalPlaces(0).toFixed(0);
    this.addRow(env, {
      ...blankRow(PERIOD_TRANS_FIELDS),
      trad_dt: t.date,
      sttl_dt: t.date,
      sll_buy_dvsn_cd: t.side === "SELL" ? "01" : "02",
      sll_buy_dvsn_name: t.side === "SELL" ? "매도" : "매수",
      pdno: t.ticker,
      ovrs_item_name: t.ticker,
      ccld_qty: String(t.quantity),
      amt_unit_ccld_qty: String(t.quantity),
      ft_ccld_unpr2: new Dec(t.price).toFixed(4),
      ovrs_stck_ccld_unpr: new Dec(t.price).toFixed(4),
      tr_frcr_amt2: amount.toFixed(2),
      tr_amt: won(amount),
      frcr_excc_amt_1: settled.toFixed(2),
      wcrc_excc_amt: won(settled),
      dmst_frcr_fee1: new Dec(t.commission).toFixed(2),
      frcr_fee1: new Dec(t.otherFees ?? "0").toFixed(2),
      dmst_wcrc_fee: won(new Dec(t.commission)),
      ovrs_wcrc_fee: won(new Dec(t.otherFees ?? "0")),
      crcy_cd: "USD",
      erlm_exrt: RATE.toFixed(2),
    });
  }
  /** A raw statement row (a row not settled yet, another currency...). */
  addRow(env: FakeEnv, row: Json): void {
    this.statements.set(env, [...(this.statements.get(env) ?? []), row]);
  }

  /** GET inquire-psamount: one `output` object computed at OVRS_ORD_UNPR. */
  psamount(env: FakeEnv, body: Json, send: Send, fail: Fail): void {
    for (const k of ["CANO", "ACNT_PRDT_CD", "OVRS_EXCG_CD", "OVRS_ORD_UNPR", "ITEM_CD"]) if (!(k in body)) return fail("OPSQ0001", `missing ${k}`);
    if (!["NASD", "NYSE", "AMEX"].includes(String(body.OVRS_EXCG_CD))) return fail("APBK0919", `bad OVRS_EXCG_CD ${String(body.OVRS_EXCG_CD)}`);
    const raw = String(body.OVRS_ORD_UNPR);
    if (!/^\d+(\.\d{1,8})?$/.test(raw) || new Dec(raw).lte(0)) return fail("APBK0920", `bad OVRS_ORD_UNPR ${raw}`);
    if (!/^[A-Z][A-Z0-9.]*$/.test(String(body.ITEM_CD))) return fail("APBK0921", `bad ITEM_CD ${String(body.ITEM_CD)}`);
    const cash = new Dec(this.cash.get(env) ?? "100000.00");
    const quantity = cash.div(raw).floor().toFixed(0);
    const output = {
      ...blankRow(PSAMOUNT_FIELDS),
      tr_crcy_cd: "USD",
      ord_psbl_frcr_amt: cash.toFixed(2),
      sll_ruse_psbl_amt: "0.00",
      ovrs_ord_psbl_amt: cash.toFixed(2),
      max_ord_psbl_qty: quantity,
      echm_af_ord_psbl_amt: "0.00",
      echm_af_ord_psbl_qty: "0",
      ord_psbl_qty: quantity,
      exrt: RATE.toFixed(2),
      frcr_ord_psbl_amt1: cash.toFixed(2),
      ovrs_max_ord_psbl_qty: quantity,
      ...this.psamountOverrides.get(env),
    };
    send(200, { rt_cd: "0", msg_cd: "KIOK0510", msg1: "조회가 완료되었습니다                                       ", output });
  }

  /** GET inquire-period-trans: `output1` rows in the date range, paged with 100-character cursors; `output2` totals. */
  periodTrans(env: FakeEnv, cont: string, body: Json, send: Send, fail: Fail): void {
    for (const k of ["CANO", "ACNT_PRDT_CD", "ERLM_STRT_DT", "ERLM_END_DT", "OVRS_EXCG_CD", "PDNO", "SLL_BUY_DVSN_CD", "LOAN_DVSN_CD", "CTX_AREA_FK100", "CTX_AREA_NK100"]) if (!(k in body)) return fail("OPSQ0001", `missing ${k}`);
    const [from, to] = [String(body.ERLM_STRT_DT), String(body.ERLM_END_DT)];
    if (!/^\d{8}$/.test(from) || !/^\d{8}$/.test(to) || from > to) return fail("APBK1681", `bad period ${from}..${to}`);
    const side = String(body.SLL_BUY_DVSN_CD);
    if (!["00", "01", "02"].includes(side)) return fail("APBK1682", `bad SLL_BUY_DVSN_CD ${side}`);
    const rows = (this.statements.get(env) ?? [])
      .filter((r) => String(r.trad_dt) >= from && String(r.trad_dt) <= to)
      .filter((r) => body.PDNO === "" || r.pdno === body.PDNO)
      .filter((r) => side === "00" || r.sll_buy_dvsn_cd === side);
    const total = (code: string, field: string) => rows.filter((r) => r.sll_buy_dvsn_cd === code).reduce((s, r) => s.plus(new Dec(typeof r[field] === "string" && r[field] !== "" ? r[field] : "0")), new Dec(0)).toFixed(2);
    const output2 = {
      ...blankRow(PERIOD_TRANS_TOTALS),
      frcr_buy_amt_smtl: total("02", "tr_frcr_amt2"),
      frcr_sll_amt_smtl: total("01", "tr_frcr_amt2"),
      dmst_fee_smtl: "0",
      ovrs_fee_smtl: "0",
    };
    if (rows.length === 0) return send(200, { rt_cd: "0", msg_cd: "KIOK0560", msg1: "조회할 내용이 없습니다", ctx_area_fk100: "", ctx_area_nk100: "", output1: [], output2 });
    const offset = cont === "N" ? offsetOf(String(body.CTX_AREA_NK100)) : 0;
    const size = this.statementPageSize;
    const more = offset + size < rows.length;
    const trCont = more ? (offset === 0 ? "F" : "M") : offset === 0 ? "D" : "E";
    send(
      200,
      { rt_cd: "0", msg_cd: "KIOK0510", msg1: "조회가 완료되었습니다", ctx_area_fk100: cursor(offset + size, 100), ctx_area_nk100: more ? cursor(offset + size, 100) : "".padEnd(100, " "), output1: rows.slice(offset, offset + size), output2 },
      { tr_cont: trCont },
    );
  }
}
