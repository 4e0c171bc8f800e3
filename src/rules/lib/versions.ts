export interface Version {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

export function parseVersion(text: string | undefined): Version | undefined {
  const match = text ? /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text) : null;
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), text: `${match[1]}.${match[2]}.${match[3] ?? 0}` };
}

/** Minor versions from a to b (b - a), within one major version. */
export function minorsBetween(a: Version, b: Version): number {
  return (b.major - a.major) * 1000 + (b.minor - a.minor);
}

/** Whether `version` is at least `major.minor`. */
export function atLeast(version: Version, minor: string): boolean {
  const [ma, mi] = minor.split('.').map(Number);
  return version.major > ma || (version.major === ma && version.minor >= mi);
}
