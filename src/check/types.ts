/** A verdict on one assignment: violated program-constraint indices in increasing order. */
export interface CheckResult {
  ok: boolean;
  violated: number[];
  count: number;
}
