/** `?rotate=N`: seconds per view on the wall, 5–600; anything else shows every panel at once. */
export function rotationSeconds(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text || !/^\d+$/.test(text)) return null;
  const seconds = Number(text);
  return seconds >= 5 && seconds <= 600 ? seconds : null;
}
