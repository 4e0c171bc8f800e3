/**
 * The Pod Security Standards' baseline and restricted levels, as the pod-security
 * admission controller checks a pod spec (https://kubernetes.io/docs/concepts/security/pod-security-standards/,
 * k8s.io/pod-security-admission/policy). Each check returns the violations it finds;
 * a pod that violates none of a level's checks is allowed at that level.
 */

interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
  seLinuxOptions?: { type?: string; user?: string; role?: string };
  appArmorProfile?: { type?: string };
  windowsOptions?: { hostProcess?: boolean };
  sysctls?: Array<{ name: string }>;
}

interface Container {
  name: string;
  ports?: Array<{ hostPort?: number }>;
  securityContext?: SecurityContext;
}

export interface PodSpec {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContext;
  containers: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Array<Record<string, unknown> & { name: string }>;
}

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

function containers(spec: PodSpec): Container[] {
  return [...spec.containers, ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])];
}

export type Violation = string;

/** The baseline level: no known privilege escalation. */
export function baselineViolations(spec: PodSpec, annotations: Record<string, string> = {}): Violation[] {
  const out: Violation[] = [];
  const all = containers(spec);
  if (spec.securityContext?.windowsOptions?.hostProcess || all.some((c) => c.securityContext?.windowsOptions?.hostProcess)) out.push('hostProcess');
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (spec[ns]) out.push(`host namespaces (${ns}=true)`);
  for (const c of all) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) out.push(`privileged (container ${c.name})`);
    for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPABILITIES.has(cap)) out.push(`capabilities (container ${c.name} adds ${cap})`);
    for (const port of c.ports ?? []) if (port.hostPort) out.push(`hostPort (container ${c.name})`);
    if (sc.procMount && sc.procMount !== 'Default') out.push(`procMount (container ${c.name})`);
  }
  for (const volume of spec.volumes ?? []) if ('hostPath' in volume) out.push(`hostPath volumes (${volume.name})`);
  for (const sc of [spec.securityContext, ...all.map((c) => c.securityContext)]) {
    if (!sc) continue;
    if (sc.seccompProfile?.type === 'Unconfined') out.push('seccomp Unconfined');
    if (sc.appArmorProfile?.type === 'Unconfined') out.push('AppArmor Unconfined');
    if (sc.seLinuxOptions && (!SELINUX_TYPES.has(sc.seLinuxOptions.type ?? '') || sc.seLinuxOptions.user || sc.seLinuxOptions.role)) out.push('SELinux options');
  }
  for (const [key, value] of Object.entries(annotations)) if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && value === 'unconfined') out.push('AppArmor unconfined (annotation)');
  for (const sysctl of spec.securityContext?.sysctls ?? []) if (!SAFE_SYSCTLS.has(sysctl.name)) out.push(`sysctls (${sysctl.name})`);
  return out;
}

/** The restricted level: baseline, and current pod hardening. */
export function restrictedViolations(spec: PodSpec, annotations: Record<string, string> = {}): Violation[] {
  const out = baselineViolations(spec, annotations);
  for (const volume of spec.volumes ?? []) {
    const type = Object.keys(volume).find((k) => k !== 'name');
    if (type && !RESTRICTED_VOLUMES.has(type)) out.push(`volume types (${volume.name}: ${type})`);
  }
  for (const c of containers(spec)) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`allowPrivilegeEscalation != false (container ${c.name})`);
    if (!(sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot)) out.push(`runAsNonRoot != true (container ${c.name})`);
    if ((sc.runAsUser ?? spec.securityContext?.runAsUser) === 0) out.push(`runAsUser=0 (container ${c.name})`);
    const seccomp = sc.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`seccompProfile (container ${c.name})`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`capabilities not dropping ALL (container ${c.name})`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') out.push(`capabilities (container ${c.name} adds ${cap})`);
  }
  return [...new Set(out)];
}
