/**
 * Strings cut from a large text that outlive it. V8 makes a substring of 13
 * or more characters (regular-expression captures included) a view into the
 * text it was cut from, so keeping one name would keep a whole catalog
 * export in memory. Readers that cut with regular expressions keep copies.
 */

/** V8's shortest sliced string: anything shorter is copied already. */
const MIN_SLICE = 13;

/**
 * `s` as a string of its own. Joining makes a two-part string, and cutting
 * that flattens it into a new one: the copy refers to `s`'s text no longer.
 */
export function detached(s: string): string {
  return s.length < MIN_SLICE ? s : ` ${s}`.slice(1);
}
