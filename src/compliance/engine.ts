/**
 * The compliance engine: a benchmark applied to the cluster model, control by control and
 * host by host, then joined with the findings of the rules (a rule that judges a control
 * more closely than its kube-bench test fails it too) and with what sources could not
 * show (a control whose rule an unknown affects is UNKNOWN, never PASS).
 */
import { sectionOf, type Benchmark, type Check, type Control, type NodeType } from '../benchmarks/types.js';
import type { Cluster } from '../model/cluster.js';
import type { Finding } from '../model/finding.js';
import type { ComponentKind, Unknown } from '../model/types.js';
import { judge } from './templates.js';
import { Subjects, type Subject } from './subjects.js';
import { STATUSES, type ComplianceEvaluation, type ComplianceReport, type ControlResult, type Totals } from './types.js';

/** The pseudo-host of section 5: the cluster as its API shows it (live-kube locates its sources there too). */
export const API_HOST = 'kubernetes';

const CONTROL_PLANE: ComponentKind[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

/** The hosts of a node type, as kube-bench's targets: masters run master checks, every node runs node checks. */
function runsNodeType(subject: Subject, node: NodeType): boolean {
  const has = (kind: ComponentKind) => subject.components.has(kind);
  if (node === 'master') return CONTROL_PLANE.some(has);
  if (node === 'etcd') return has('etcd');
  if (node === 'controlplane') return has('kube-apiserver');
  if (node === 'node') return has('kubelet') || has('kube-proxy');
  return false;
}

/** The component a check is about, when it is about one. */
function componentOfCheck(check: Check): ComponentKind | undefined {
  switch (check.template) {
    case 'setting':
    case 'feature-gate':
    case 'unit-directive':
      return check.component;
    case 'kubelet-setting':
      return 'kubelet';
    case 'encryption-providers':
    case 'audit-policy':
      return 'kube-apiserver';
    case 'file-mode':
    case 'file-owner': {
      const files = check.files;
      if (files.kind === 'etcd-data-dir') return 'etcd';
      if (files.kind === 'kubelet-config') return 'kubelet';
      return 'component' in files ? files.component : undefined;
    }
    default:
      return undefined;
  }
}

/** A control applies to the hosts of its node type, and to any other host that runs its component (an external etcd). */
function appliesTo(control: Control, subject: Subject): boolean {
  const kind = componentOfCheck(control.check);
  return runsNodeType(subject, control.node) || (kind !== undefined && subject.components.has(kind));
}

function statusOfFailure(control: Control): 'FAIL' | 'WARN' {
  return control.scored ? 'FAIL' : 'WARN';
}

/** kube-bench reports a control without a test as WARN: CIS leaves it to review. */
function manualResult(control: Control, host: string): ControlResult {
  return { control, host, findings: [], defects: [], failed: false, status: 'WARN', reason: manualReason(control) };
}

const manualReasons = new WeakMap<Control, string>();
/** The same words on every host: made once per control. */
function manualReason(control: Control): string {
  let reason = manualReasons.get(control);
  if (reason === undefined) {
    const steps = control.remediation.flatMap((r) => (r.kind === 'manual' ? r.steps : []));
    manualReasons.set(control, (reason = `manual: CIS leaves this to review${steps.length ? ` (${steps.join('; ')})` : ''}`));
  }
  return reason;
}

function hostResult(control: Control, subject: Subject, subjects: Subjects): ControlResult {
  if (control.check.template === 'manual') return manualResult(control, subject.host);
  const verdict = judge(control, subject, subjects);
  // Built field by field, not by spreading: a large cluster has tens of thousands of results.
  const result: ControlResult = { control, host: subject.host, findings: [], defects: [], failed: false, status: 'PASS', reason: verdict.reason };
  switch (verdict.outcome) {
    case 'pass':
      if (verdict.source) result.source = verdict.source;
      break;
    case 'fail':
      result.status = statusOfFailure(control);
      result.failed = true;
      result.defects = verdict.defects;
      if (verdict.source) result.source = verdict.source;
      break;
    case 'unknown':
      result.status = 'UNKNOWN';
      result.reason = `${verdict.reason}; would be known from ${verdict.supply}`;
      result.unknown = { cause: verdict.cause ?? verdict.reason, supply: verdict.supply ?? '' };
      break;
    case 'none':
      result.status = 'N/A';
      break;
  }
  return result;
}

/** Section 5: judged by rules over the live API; without the API, UNKNOWN. */
function apiResult(control: Control, cluster: Cluster, ruleExists: (id: string) => boolean): ControlResult {
  const base = { control, host: API_HOST, findings: [] as string[], defects: [], failed: false };
  if (control.check.template === 'manual') return manualResult(control, API_HOST);
  const rule = control.check.template === 'api' ? control.check.rule : control.rule;
  if (!cluster.liveKube) {
    const unknown = { cause: 'the Kubernetes API was not read', supply: '--kubeconfig FILE (or --in-cluster) with read access to the cluster' };
    return { ...base, status: 'UNKNOWN', reason: `${unknown.cause}; would be known from ${unknown.supply}`, unknown };
  }
  if (!ruleExists(rule)) return { ...base, status: 'WARN', reason: `kaudit has no rule ${rule} for this control yet: review it by hand` };
  return { ...base, status: 'PASS', reason: `${rule} found nothing through ${cluster.liveKube.server}`, source: { origin: 'api', key: rule } };
}

/** Every control of the benchmark on every host where it applies. */
export function evaluateBenchmark(cluster: Cluster, benchmark: Benchmark, why: string, notes: string[], ruleExists: (id: string) => boolean): ComplianceEvaluation {
  const subjects = new Subjects(cluster);
  const results: ControlResult[] = [];
  for (const control of benchmark.controls) {
    if (control.node === 'policies') {
      results.push(apiResult(control, cluster, ruleExists));
      continue;
    }
    for (const subject of subjects.list) if (appliesTo(control, subject)) results.push(hostResult(control, subject, subjects));
  }
  return { benchmark, why, notes, results };
}

function emptyTotals(): Totals {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as Totals;
}

/**
 * The unknowns by the rule or control they leave unjudged and by the host they concern: the
 * first unknown that blinds a result is looked up, not searched for among every host's.
 * An unknown blinds a result it names on its own host; one of a live source (or of no file)
 * blinds it on every host, and any of them blinds a result of the API.
 */
class UnknownIndex {
  private static readonly EVERY_HOST = '\u0001';
  /** `name \0 host` (or EVERY_HOST, or '' for any host) → position of the first such unknown. */
  private readonly first = new Map<string, number>();

  constructor(private readonly unknowns: Unknown[]) {
    unknowns.forEach((unknown, position) => {
      const host = !unknown.at || unknown.at.root < 0 ? UnknownIndex.EVERY_HOST : unknown.at.host;
      for (const name of unknown.affects ?? []) {
        for (const key of [`${name}\u0000${host}`, `${name}\u0000`]) if (!this.first.has(key)) this.first.set(key, position);
      }
    });
  }

  blinding(result: ControlResult): Unknown | undefined {
    const names = [result.control.rule, result.control.id].filter((name): name is string => name !== undefined);
    const keys = result.host === API_HOST ? names.map((name) => `${name}\u0000`) : names.flatMap((name) => [`${name}\u0000${result.host}`, `${name}\u0000${UnknownIndex.EVERY_HOST}`]);
    const positions = keys.map((key) => this.first.get(key)).filter((position): position is number => position !== undefined);
    return positions.length > 0 ? this.unknowns[Math.min(...positions)] : undefined;
  }
}

/**
 * Joins the evaluation with the findings (kept and suppressed alike: a waived finding does
 * not make a control pass) and the unknowns, and counts.
 */
export function complianceReport(evaluation: ComplianceEvaluation, findings: Finding[], unknowns: Unknown[]): ComplianceReport {
  // Findings by control id and by every host they name (section 5: by id alone).
  const byIdAndHost = new Map<string, Finding[]>();
  const add = (key: string, finding: Finding) => {
    const list = byIdAndHost.get(key);
    if (!list) byIdAndHost.set(key, [finding]);
    else if (list[list.length - 1] !== finding) list.push(finding);
  };
  const cluster = new Set(evaluation.benchmark.controls.filter((c) => c.node === 'policies').map((c) => c.id));
  for (const finding of findings) {
    for (const id of finding.cis) {
      if (cluster.has(id)) add(`${id}\u0000${API_HOST}`, finding);
      add(`${id}\u0000${finding.at.host}`, finding);
      for (const r of finding.related) add(`${id}\u0000${r.host}`, finding);
    }
  }
  const blinding = new UnknownIndex(unknowns);
  const totals = emptyTotals();
  const byHost = new Map<string, Totals>();
  const bySection = new Map<string, Totals>();
  for (const result of evaluation.results) {
    const linked = byIdAndHost.get(`${result.control.id}\u0000${result.host}`) ?? [];
    result.findings = linked.map((f) => f.fingerprint);
    if (linked.length > 0 && !result.failed) {
      result.failed = true;
      result.status = statusOfFailure(result.control);
      result.reason = `${linked[0].ruleId}: ${linked[0].message}`;
      result.source = { origin: 'finding', at: linked[0].at, key: linked[0].ruleId };
    }
    if (result.status === 'PASS') {
      const blind = blinding.blinding(result);
      if (blind) {
        result.status = 'UNKNOWN';
        result.reason = `${blind.what}: ${blind.why}; would be known from ${blind.supply}`;
        result.unknown = { cause: `${blind.what}: ${blind.why}`, supply: blind.supply };
      }
    }
    totals[result.status]++;
    const host = byHost.get(result.host) ?? emptyTotals();
    host[result.status]++;
    byHost.set(result.host, host);
    const section = sectionOf(result.control.id);
    const sectionTotals = bySection.get(section) ?? emptyTotals();
    sectionTotals[result.status]++;
    bySection.set(section, sectionTotals);
  }
  return { ...evaluation, totals, byHost, bySection };
}
