/**
 * Colour is for a person at a terminal: never into a pipe or a file, never when NO_COLOR is set to
 * anything but the empty string (no-color.org), never on TERM=dumb.
 */
export function wantsColour(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** Bold red and bold yellow, each reset after the text (SGR codes, ECMA-48). */
export const red = (s: string): string => `\x1b[1;31m${s}\x1b[0m`;
export const yellow = (s: string): string => `\x1b[1;33m${s}\x1b[0m`;
