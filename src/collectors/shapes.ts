/**
 * The shapes of the fields kaudit reads, by kind of document: data, checked in one place
 * when a document is parsed. A field of another shape (a map where a list is expected, a
 * list where a string is, null) is not read — and that is said, in one warning naming the
 * file, the line and the field, so that no finding disappears without a word.
 */
import { KUBELET_FIELDS } from './config-files.js';

/** `string`: text only; `scalar`: a string, number or boolean; `value`: a scalar or a list of them; `?`: null stands for empty. */
export type Shape = 'string' | 'scalar' | 'value' | 'list' | 'map' | 'list?' | 'map?';

/** Dotted field patterns (`*` is any list index or map key) → shape. */
export type ShapeTable = Record<string, Shape>;

const METADATA: ShapeTable = {
  kind: 'string',
  apiVersion: 'scalar',
  metadata: 'map',
  'metadata.name': 'scalar',
  'metadata.namespace': 'scalar',
  'metadata.labels': 'map?',
  'metadata.labels.*': 'scalar',
  'metadata.annotations': 'map?',
  'metadata.annotations.*': 'scalar',
};

const POD: ShapeTable = {
  ...METADATA,
  spec: 'map',
  'spec.containers': 'list',
  'spec.containers.*': 'map',
  'spec.containers.*.image': 'scalar',
  'spec.containers.*.command': 'list',
  'spec.containers.*.command.*': 'scalar',
  'spec.containers.*.args': 'list',
  'spec.containers.*.args.*': 'scalar',
  'spec.containers.*.volumeMounts': 'list',
  'spec.containers.*.volumeMounts.*': 'map',
  'spec.containers.*.volumeMounts.*.name': 'scalar',
  'spec.containers.*.volumeMounts.*.mountPath': 'scalar',
  'spec.volumes': 'list',
  'spec.volumes.*': 'map',
  'spec.volumes.*.name': 'scalar',
  'spec.volumes.*.hostPath': 'map',
  'spec.volumes.*.hostPath.path': 'scalar',
};

const KUBECONFIG: ShapeTable = {
  kind: 'scalar',
  clusters: 'list?',
  'clusters.*': 'map',
  'clusters.*.name': 'scalar',
  'clusters.*.cluster': 'map',
  'clusters.*.cluster.server': 'scalar',
  'clusters.*.cluster.certificate-authority': 'scalar',
  'clusters.*.cluster.certificate-authority-data': 'scalar',
  users: 'list?',
  'users.*': 'map',
  'users.*.name': 'scalar',
  'users.*.user': 'map',
  'users.*.user.client-certificate': 'scalar',
  'users.*.user.client-certificate-data': 'scalar',
  'users.*.user.client-key': 'scalar',
  'users.*.user.client-key-data': 'scalar',
  'users.*.user.token': 'scalar',
  'users.*.user.password': 'scalar',
};

/** KubeletConfiguration: every field kaudit maps to a flag, and the sections that hold them. */
function kubeletShapes(): ShapeTable {
  const table: ShapeTable = { ...METADATA };
  for (const field of Object.keys(KUBELET_FIELDS)) {
    const parts = field.split('.');
    for (let i = 1; i < parts.length; i++) table[parts.slice(0, i).join('.')] = 'map';
    table[field] = field === 'clusterDNS' ? 'value' : 'scalar';
  }
  return table;
}

const ENCRYPTION: ShapeTable = {
  ...METADATA,
  resources: 'list',
  'resources.*': 'map',
  'resources.*.resources': 'list',
  'resources.*.resources.*': 'scalar',
  'resources.*.providers': 'list',
  'resources.*.providers.*': 'map',
  'resources.*.providers.*.*': 'map?',
  'resources.*.providers.*.*.keys': 'list',
  'resources.*.providers.*.*.keys.*': 'map',
  'resources.*.providers.*.*.keys.*.name': 'scalar',
  'resources.*.providers.*.*.keys.*.secret': 'scalar',
};

/** The pod template of a workload, at its path (`spec.template.spec`): its sections, containers and scheduler. */
function workload(specPath: string): ShapeTable {
  const table: ShapeTable = { ...METADATA };
  const parts = specPath.split('.');
  for (let i = 1; i <= parts.length; i++) table[parts.slice(0, i).join('.')] = 'map';
  table[`${specPath}.schedulerName`] = 'scalar';
  table[`${specPath}.containers`] = 'list';
  table[`${specPath}.containers.*`] = 'map';
  table[`${specPath}.containers.*.command`] = 'list';
  table[`${specPath}.containers.*.command.*`] = 'scalar';
  table[`${specPath}.containers.*.args`] = 'list';
  table[`${specPath}.containers.*.args.*`] = 'scalar';
  return table;
}

/** Shapes by `kind` (KubeletConfiguration's are made from config-files' field table when first asked for). */
export const SHAPES: Record<string, ShapeTable> = {
  Pod: { ...POD, 'spec.schedulerName': 'scalar' },
  Deployment: workload('spec.template.spec'),
  DaemonSet: workload('spec.template.spec'),
  StatefulSet: workload('spec.template.spec'),
  ReplicaSet: workload('spec.template.spec'),
  ReplicationController: workload('spec.template.spec'),
  Job: workload('spec.template.spec'),
  CronJob: workload('spec.jobTemplate.spec.template.spec'),
  KubeSchedulerConfiguration: { ...METADATA, profiles: 'list?', 'profiles.*': 'map', 'profiles.*.schedulerName': 'scalar' },
  AuthenticationConfiguration: { ...METADATA, anonymous: 'map?', 'anonymous.enabled': 'scalar', 'anonymous.conditions': 'list?', 'anonymous.conditions.*': 'map', 'anonymous.conditions.*.path': 'scalar' },
  Config: KUBECONFIG,
  KubeProxyConfiguration: { ...METADATA, clusterCIDR: 'scalar', clientConnection: 'map', 'clientConnection.kubeconfig': 'scalar', mode: 'scalar' },
  EncryptionConfiguration: ENCRYPTION,
  EncryptionConfig: ENCRYPTION,
};

/** Any other kind: its metadata. */
export const METADATA_SHAPES = METADATA;

/** etcd's --config-file: flags as top-level keys, TLS in two sections (it has no `kind`). */
export const ETCD_CONFIG_SHAPES: ShapeTable = {
  '*': 'value',
  'client-transport-security': 'map',
  'client-transport-security.*': 'scalar',
  'peer-transport-security': 'map',
  'peer-transport-security.*': 'scalar',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value instanceof Date;
}

function fits(value: unknown, shape: Shape): boolean {
  if (value === null) return shape === 'list?' || shape === 'map?';
  switch (shape) {
    case 'string':
      return typeof value === 'string';
    case 'scalar':
      return isScalar(value);
    case 'value':
      return isScalar(value) || (Array.isArray(value) && value.every(isScalar));
    case 'list':
    case 'list?':
      return Array.isArray(value);
    default:
      return isRecord(value);
  }
}

export function describeShape(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a map';
  return `a ${typeof value}`;
}

const EXPECTED: Record<Shape, string> = {
  string: 'a string',
  scalar: 'a string',
  value: 'a string or a list of strings',
  list: 'a list',
  'list?': 'a list',
  map: 'a map',
  'map?': 'a map',
};

export interface ShapeProblem {
  /** Dotted path of the field (`spec.containers.0.command`). */
  path: string;
  message: string;
}

/**
 * The fields of a document whose shape differs from the table's, outermost first; a
 * field inside one that is already wrong is not looked at.
 */
export function shapeProblems(data: unknown, table: ShapeTable): ShapeProblem[] {
  // Every concrete field each pattern reaches, with the most specific pattern (fewest `*`) winning.
  const chosen = new Map<string, { value: unknown; pattern: string; wildcards: number }>();
  for (const pattern of Object.keys(table)) {
    const segments = pattern.split('.');
    const wildcards = segments.filter((s) => s === '*').length;
    const visit = (node: unknown, index: number, path: string[]): void => {
      if (index === segments.length) {
        const at = path.join('.');
        const current = chosen.get(at);
        if (node !== undefined && (!current || wildcards < current.wildcards)) chosen.set(at, { value: node, pattern, wildcards });
        return;
      }
      const segment = segments[index];
      if (Array.isArray(node)) {
        if (segment === '*') node.forEach((item, i) => visit(item, index + 1, [...path, String(i)]));
      } else if (isRecord(node)) {
        if (segment === '*') for (const [key, value] of Object.entries(node)) visit(value, index + 1, [...path, key]);
        else visit(node[segment], index + 1, [...path, segment]);
      }
    };
    visit(data, 0, []);
  }
  const problems: ShapeProblem[] = [];
  const wrong: string[] = [];
  for (const [at, { value, pattern }] of [...chosen].sort(([a], [b]) => a.split('.').length - b.split('.').length || a.localeCompare(b))) {
    if (wrong.some((w) => at.startsWith(`${w}.`)) || fits(value, table[pattern])) continue;
    wrong.push(at);
    problems.push({ path: at, message: `${at} is ${describeShape(value)} where ${EXPECTED[table[pattern]]} is expected; not read` });
  }
  return problems.sort((a, b) => a.path.localeCompare(b.path));
}

/** The table for a document: by its kind, else the metadata every manifest has. */
let kubeletTable: ShapeTable | undefined;

export function shapesOf(data: unknown): ShapeTable | undefined {
  if (!isRecord(data) || !('kind' in data)) return undefined;
  if (typeof data.kind !== 'string') return { kind: 'string' }; // the document is not read as a manifest: said
  if (data.kind === 'KubeletConfiguration') return (kubeletTable ??= kubeletShapes());
  return SHAPES[data.kind] ?? METADATA_SHAPES;
}
