// Safe identifiers: the only strings from a spec that may become part of a file or folder
// name. A spec is shared (a link from the page, a file from a colleague), so its name must
// never reach outside the output folder, hide a file, or shadow one of the outputs.
// No Node-only imports: the page validates with the same rule.

/** 1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter, digit or _, not ending in '.' */
export const SAFE_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;

export const MAX_NAME_LENGTH = 64;

/**
 * Names the outputs use themselves at the top of an output folder, and names that are
 * devices on Windows. Compared case-insensitively (macOS and Windows folders are).
 */
export const RESERVED_NAMES: readonly string[] = ['report.html', 'parts', 'checkpoints'];
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

export const SAFE_NAME_RULE =
  `1-${MAX_NAME_LENGTH} characters of A-Z a-z 0-9 . _ -, starting with a letter, digit or _, ` +
  `not ending in '.', and not ${RESERVED_NAMES.join(', ')} or a Windows device name (con, nul, com1, ...)`;

/** Why `name` is not a safe identifier, or null when it is. */
export function unsafeNameReason(name: unknown): string | null {
  if (typeof name !== 'string') return 'must be a string';
  if (!SAFE_NAME_PATTERN.test(name) || name.endsWith('.')) return `must be ${SAFE_NAME_RULE}`;
  const lower = name.toLowerCase();
  if (RESERVED_NAMES.includes(lower)) return `${JSON.stringify(name)} is reserved for the outputs themselves; must be ${SAFE_NAME_RULE}`;
  if (WINDOWS_DEVICE.test(name)) return `${JSON.stringify(name)} is a device name on Windows; must be ${SAFE_NAME_RULE}`;
  return null;
}

export function isSafeName(name: unknown): name is string {
  return unsafeNameReason(name) === null;
}
