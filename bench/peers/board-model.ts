// What a run on the simulator would take on a real board. The host's own time is kept as measured
// (wall clock less the time spent waiting for the device); the device's time is replaced by the
// larger of two counts made in the run: the bytes the busier direction of the link carried, at
// the board's baud rate with 10 bits per byte (the UART is full duplex and candidates are
// pipelined within the device's window, so both directions move at once), and the constraint
// engine's busy cycles at the board's clock (the engine works while the UART receives the next
// candidate). Host-side latency of the serial driver is left out, so this is a lower bound.

export interface Board {
  name: string;
  clockHz: number;
  baud: number;
}

/** hdl/rtl/hilsolve_icebreaker.v: 12 MHz, CLKS_PER_BIT 104 (115385 baud, within 0.2 % of 115200). */
export const ICEBREAKER: Board = { name: 'iCEBreaker UP5K, 12 MHz, 115200 baud', clockHz: 12_000_000, baud: 115_200 };
/** The same clock with the 8 clocks per bit the simulator uses: 1.5 Mbaud through the FTDI chip. */
export const ICEBREAKER_FAST: Board = { name: 'iCEBreaker UP5K, 12 MHz, 1.5 Mbaud', clockHz: 12_000_000, baud: 1_500_000 };

/** Counts taken at one point of a run, from its start. */
export interface DeviceCounts {
  wallMs: number;
  /** Wall time spent inside the device port (program load and validation). */
  deviceMs: number;
  txBytes: number;
  rxBytes: number;
  busyCycles: number;
}

export function boardMs(c: DeviceCounts, board: Board): number {
  const wireMs = (Math.max(c.txBytes, c.rxBytes) * 10 * 1000) / board.baud;
  const engineMs = (c.busyCycles * 1000) / board.clockHz;
  return Math.max(0, c.wallMs - c.deviceMs) + Math.max(wireMs, engineMs);
}
