/**
 * Strict ISO 8601 parsing. `Date.parse` rolls impossible dates over (`2026-02-30` becomes 2 March), so a
 * mistyped date would silently mean another day; these parsers refuse any date or time that does not
 * exist on the calendar and return undefined instead.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

function calendarDay(year: string, month: string, day: string): number | undefined {
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  if (m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) return undefined;
  return Date.UTC(y, m - 1, d);
}

/** `YYYY-MM-DD` as epoch ms at UTC midnight, or undefined when the day does not exist. */
export function parseIsoDate(value: string): number | undefined {
  const m = DATE.exec(value);
  return m ? calendarDay(m[1]!, m[2]!, m[3]!) : undefined;
}

/**
 * An ISO 8601 date-time with a zone (`Z` or `±hh:mm`), seconds and milliseconds optional, as epoch ms; or
 * undefined when it is malformed, has no zone, or names a day or time that does not exist.
 */
export function parseIsoDateTime(value: string): number | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const day = calendarDay(m[1]!, m[2]!, m[3]!);
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (day === undefined || hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = m[8] === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) * 60_000;
  if (m[8] !== 'Z' && (Number(m[10]) > 23 || Number(m[11]) > 59)) return undefined;
  const millis = Number((m[7] ?? '0').padEnd(3, '0'));
  return day + ((hour * 60 + minute) * 60 + second) * 1000 + millis - offset;
}
