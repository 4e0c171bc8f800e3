#!/bin/sh
# Snapshots every node of the cluster that kubectl points at into a cluster folder, one
# sub-folder per node, named by node name; then: kaudit scan ./cluster
#
#   deploy/gather.sh [--image IMAGE] [--output DIR] [--timeout 5m] [--keep]
#
# It applies deploy/kaudit-collector.yaml (namespace kaudit, labelled for the privileged Pod
# Security level; a DaemonSet that runs `kaudit collect` on every node), waits until every
# collector is ready (its snapshot written), copies each snapshot out with tar (links and
# modes kept, which `kubectl cp` would not keep), and deletes the namespace (--keep keeps it).
set -eu

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
}

image=""
output="./cluster"
timeout="5m"
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    -i|--image) image="$2"; shift 2 ;;
    -o|--output) output="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "gather.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

manifest="$(dirname "$0")/kaudit-collector.yaml"
namespace="kaudit"
selector="app.kubernetes.io/name=kaudit-collector"

if [ -n "$image" ]; then
  sed "s#image: registry.example.internal/kaudit:.*#image: $image#" "$manifest" | kubectl apply -f -
else
  kubectl apply -f "$manifest"
fi
kubectl -n "$namespace" rollout status daemonset/kaudit-collector --timeout="$timeout"

pods="$(kubectl -n "$namespace" get pods -l "$selector" -o jsonpath='{range .items[*]}{.metadata.name} {.spec.nodeName}{"\n"}{end}')"
mkdir -p "$output"
printf '%s\n' "$pods" | while read -r pod node; do
  [ -n "$pod" ] || continue
  case "$node" in
    ""|.*|*/*) echo "gather.sh: pod $pod: unusable node name '$node'; skipped" >&2; continue ;;
  esac
  rm -rf "${output:?}/$node"
  mkdir -p "$output/$node"
  # The pod wrote one folder under /snapshots, named after the node's hostname.
  kubectl -n "$namespace" exec "$pod" -- sh -c 'cd /snapshots/* && tar cf - .' | tar xf - -C "$output/$node"
  echo "$node: $(find "$output/$node" -type f | wc -l | tr -d ' ') files"
done
count="$(printf '%s\n' "$pods" | grep -c . || true)"

if [ "$keep" -eq 0 ]; then
  kubectl delete namespace "$namespace" --wait=false
fi
echo "gathered $count nodes into $output; next: kaudit scan $output"
