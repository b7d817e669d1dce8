/** Masking for personal data that is stored or shown: nothing clearer than needed leaves these functions. */

/** Keeps the first character of a name: `张三丰` → `张**`. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** Keeps the first 4 and last 4 characters of an ID number: `1101**********123X`. */
export function maskIdNumber(idNumber: string): string {
  const value = idNumber.trim();
  if (value.length <= 8) return '*'.repeat(value.length);
  return value.slice(0, 4) + '*'.repeat(value.length - 8) + value.slice(-4);
}
