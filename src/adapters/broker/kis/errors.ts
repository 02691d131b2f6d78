/** A failed KIS call, with the text an operator sees and whether trying again later may help. */
export class KisError extends Error {
  constructor(
    /** KIS msg_cd / error_code, or TIMEOUT, NETWORK, HTTP_<status>, BAD_RESPONSE, BAD_REQUEST. */
    readonly code: string,
    message: string,
    /** Short text for the operator, e.g. "KIS: token expired", "KIS APBK0013: ...". */
    readonly operatorText: string,
    readonly retryable: boolean,
    /**
     * The request may or may not have been acted on (timeout, network error, 5xx without rt_cd,
     * unparseable answer). For an order this means "unknown": reconcile, never resubmit.
     */
    readonly unclear: boolean = false,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = "KisError";
  }
}

const KNOWN: Record<string, { text: string; retryable: boolean }> = {
  EGW00123: { text: "KIS: token expired", retryable: true },
  EGW00121: { text: "KIS: invalid token", retryable: true },
  EGW00201: { text: "KIS: rate limit", retryable: true },
  EGW00133: { text: "KIS: token issued too often (1/min)", retryable: true },
};

/** The KisError for a clear refusal (rt_cd != "0", or error_code on the token endpoint). */
export function refusal(code: string, message: string, httpStatus?: number): KisError {
  const msg = message.trim();
  const known = KNOWN[code];
  const operatorText = known ? known.text : `KIS ${code || "error"}: ${msg}`;
  return new KisError(code, msg, operatorText, known?.retryable ?? false, false, httpStatus);
}

export function unclear(code: string, message: string, httpStatus?: number): KisError {
  return new KisError(code, message, `KIS: no clear answer (${message})`, true, true, httpStatus);
}
