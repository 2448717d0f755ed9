/** Go `%#v`-style renderings of the few API types that appear in the API server's validation messages. */
import { isJsonObject, type JsonValue } from '../../../kube/object.js';

/** `map[string]string{"a":"b", "c":"d"}` (keys sorted as Go prints maps), or `map[string]string(nil)`. */
export function goStringMap(v: JsonValue | undefined): string {
  if (!isJsonObject(v)) return 'map[string]string(nil)';
  const keys = Object.keys(v).sort();
  return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(String(v[k]))}`).join(', ')}}`;
}

/** `[]string{"a", "b"}` or `[]string(nil)`. */
export function goStringSlice(v: JsonValue | undefined): string {
  if (!Array.isArray(v)) return '[]string(nil)';
  return `[]string{${v.map((x) => JSON.stringify(String(x))).join(', ')}}`;
}

/** A metav1.LabelSelector as `%#v` prints it. */
export function goLabelSelector(v: JsonValue | undefined): string {
  if (!isJsonObject(v)) return '(*v1.LabelSelector)(nil)';
  const exprs = Array.isArray(v.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${v.matchExpressions
        .filter(isJsonObject)
        .map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(String(e.key ?? ''))}, Operator:${JSON.stringify(String(e.operator ?? ''))}, Values:${goStringSlice(e.values)}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(v.matchLabels)}, MatchExpressions:${exprs}}`;
}

