// Link speed negotiation, the host's choice (docs/link-protocol.md, "Link speed"): which serial
// rates to try on a device, fastest first. A rate is worth trying when the device's clock divides
// into it closely enough (the divider is a whole number of cycles per bit), the device accepts
// that divider (HelloReply.min_divider) and it is faster than the safe rate the link runs at now.

/** The rates the host's serial port is asked for, fastest first (Linux has a constant for each). */
export const HOST_RATES: readonly number[] = [3_000_000, 2_000_000, 1_500_000, 1_000_000, 921_600, 460_800, 230_400];

/**
 * Largest difference allowed between the host's rate and the device's (clock / divider), as a
 * fraction. 1 %: a third of what the device's receiver tolerates at its smallest divider
 * (test/uart-tb.test.ts), leaving the rest to the line.
 */
export const RATE_TOLERANCE = 0.01;

/** Rates tried before the session settles for the safe one. */
export const MAX_SWITCH_TRIES = 2;

/** The largest divider the board builds accept (their 8-bit bit-period register, hdl/rtl/hilsolve_top.v). */
export const MAX_DIVIDER = 0xff;

export interface RateChoice {
  /** The host's serial rate. */
  baud: number;
  /** The device's bit period at that rate, clock cycles per bit. */
  divider: number;
}

/** How the session's serial rate was chosen (DeviceInfo.link). */
export interface LinkSpeed {
  /** The host's serial rate now; 0 on TCP, where a rate means nothing. */
  baud: number;
  /** The device's bit period now, clock cycles per bit; 0 when unknown (TCP, a device without a UART). */
  divider: number;
  /**
   * `negotiated`: switched to a faster rate, confirmed by a Hello at it; `safe`: stayed at the rate the
   * device starts at (it offers no SetBaud, no faster rate fits, or every switch failed:
   * `fallback` says why); `fixed`: the caller chose the rate (`--baud`), no negotiation; `tcp`.
   */
  mode: 'negotiated' | 'safe' | 'fixed' | 'tcp';
  /** Why the session fell back to the safe rate (only with mode `safe`). */
  fallback?: string;
}

/** The divider for `baud` at `clockHz`, or undefined when none is within RATE_TOLERANCE. */
export function dividerFor(clockHz: number, baud: number): number | undefined {
  if (!(clockHz > 0 && baud > 0)) return undefined;
  const divider = Math.round(clockHz / baud);
  if (divider < 1) return undefined;
  return Math.abs(clockHz / divider - baud) / baud <= RATE_TOLERANCE ? divider : undefined;
}

/**
 * The rates worth switching to, fastest first: within tolerance of the device's clock, a divider
 * from `minDivider` to MAX_DIVIDER, faster than `safeBaud`. Empty when `minDivider` is 0 (the
 * device's rate is fixed).
 */
export function rateChoices(clockHz: number, minDivider: number, safeBaud: number, rates: readonly number[] = HOST_RATES): RateChoice[] {
  if (minDivider <= 0) return [];
  const out: RateChoice[] = [];
  for (const baud of [...rates].sort((a, b) => b - a)) {
    const divider = dividerFor(clockHz, baud);
    if (divider === undefined || divider < minDivider || divider > MAX_DIVIDER) continue;
    if (baud <= safeBaud * (1 + RATE_TOLERANCE)) continue;
    if (out.some((c) => c.divider === divider)) continue;
    out.push({ baud, divider });
  }
  return out;
}
