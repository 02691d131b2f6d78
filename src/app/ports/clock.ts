/** The one source of "now" for use cases, so that every time rule is testable. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
