/**
 * Number formatting as kustomize prints it. kustomize turns each resource into JSON with Go's encoding/json
 * and back into YAML with go-yaml v2, so a float that is integral below 1e21 (JSON prints it without
 * exponent) comes back as an integer when it fits int64/uint64 (`1e6` → `1000000`), and every other float
 * is printed with Go's `%g`-style shortest form (`1.5e+20`, `1e-07`, `1.0000005e+06`). JavaScript cannot
 * tell the integer 3 from the float 3.0; both print `3`, as kustomize does.
 */

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Thrown for NaN and ±Infinity, which JSON (and so Kubernetes) cannot carry. */
export class NonFiniteNumberError extends Error {
  override readonly name = 'NonFiniteNumberError';
  constructor(readonly value: number) {
    super(`${value} is not a JSON number`);
  }
}

/** Go's `strconv.FormatFloat(f, 'g', -1, 64)`: shortest digits, exponent form when the exponent is < -4 or >= 6. */
export function formatGoFloat(f: number): string {
  if (!Number.isFinite(f)) throw new NonFiniteNumberError(f);
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant = '', expText = '0'] = f.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' + e : e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fracPart = digits.slice(exp + 1);
  return fracPart ? `${sign}${intPart}.${fracPart}` : `${sign}${intPart}`;
}

/** A JSON number as kustomize's YAML output shows it (see the module comment). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new NonFiniteNumberError(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) {
    const text = String(n); // shortest digits padded with zeros, like Go's JSON encoding; -0 prints 0
    const v = BigInt(text);
    if (v >= INT64_MIN && v <= UINT64_MAX) return text;
  }
  return formatGoFloat(n);
}
