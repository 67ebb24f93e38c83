// Types shared by the estimators: the direction of a crossing or sign change, and a
// confidence interval that may be unbounded. No code.

/** Which crossings / sign changes count: rising ('up'), falling ('down') or either ('any'). */
export type Direction = 'up' | 'down' | 'any';

/** A confidence interval; bounded = false when it extends to +-Infinity. */
export interface Interval {
  lower: number;
  upper: number;
  level: number;
  bounded: boolean;
}
