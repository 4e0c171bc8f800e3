import { setting } from '../../model/cluster.js';
import type { Component, SourceLocation } from '../../model/types.js';

/** A setting as the component runs with it: written somewhere, or its documented default. */
export interface Effective {
  name: string;
  value: string;
  /** The flag's line; for a default, where the component's flags are written. */
  at: SourceLocation;
  isDefault: boolean;
}

/** The effective value of a setting; `fallback` is the component's default when it is not written. */
export function effective(component: Component, name: string, fallback: string): Effective;
export function effective(component: Component, name: string, fallback?: string): Effective | undefined;
export function effective(component: Component, name: string, fallback?: string): Effective | undefined {
  const written = setting(component, name);
  if (written) return { name, value: written.value, at: written.at, isDefault: false };
  // A live member's flags are not known: no default can stand for them.
  if (component.source === 'live') return fallback === undefined ? undefined : { name, value: '', at: component.definedAt, isDefault: true };
  return fallback === undefined ? undefined : { name, value: fallback, at: component.flagsAt ?? component.definedAt, isDefault: true };
}

/** `--flag=value`, or `--flag not set (default: value)`, for messages. */
export function describe(e: Effective): string {
  return e.isDefault ? `--${e.name} is not set (default: ${e.value})` : `--${e.name}=${e.value}`;
}

export function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === 'true';
}

/**
 * Whether a component's settings can be judged: those of a live component are known only
 * when its source showed them all (a kubelet through configz); otherwise a setting it lacks
 * is unknown (the collector says so once), and no default may stand for it.
 */
export function knowsSettings(component: Component): boolean {
  return component.source !== 'live' || component.settingsKnown === true;
}

/** A kubelet reads a KubeletConfiguration file (whose defaults differ from the flags' defaults). */
export function usesConfigFile(kubelet: Component): boolean {
  return setting(kubelet, 'config') !== undefined;
}

/** The list a comma-separated flag holds, trimmed. */
export function listOf(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

/** "on cp-1" for messages about a component. */
export function where(component: Component): string {
  return `${component.kind} on ${component.host}`;
}
