import type { Broker, SubmitResult } from "../../app/ports/broker.js";

/**
 * Stands in for a broker an account is set to but this process cannot reach (KIS without its
 * keys): every order is rejected with the reason before anything is sent. Fail closed, and no
 * api_error either: nothing was called.
 */
export class UnavailableBroker implements Broker {
  readonly fillsInline = false;

  constructor(readonly name: "paper" | "kis", private readonly reason: string) {}

  submit(): Promise<SubmitResult> {
    return Promise.resolve({ status: "rejected", reason: this.reason });
  }

  cancel(): Promise<boolean> {
    return Promise.reject(new Error(this.reason));
  }

  quote(): Promise<undefined> {
    return Promise.reject(new Error(this.reason));
  }

  positions(): Promise<never> {
    return Promise.reject(new Error(this.reason));
  }

  fills(): Promise<never> {
    return Promise.reject(new Error(this.reason));
  }
}
