/**
 * CC's label selector (`CC:app/models/helpers/metadata_helpers.rb`, `list_message.rb#parse_label_selector`,
 * `validators/label_selector_requirement_validator.rb`, `fetchers/label_selector_query_generator.rb`): requirements
 * separated by commas outside parentheses, all ANDed.
 */
export interface LabelRequirement {
  key: string;
  operator: 'in' | 'notin' | 'equal' | 'not_equal' | 'exists' | 'not_exists';
  values: string[];
}

const SPLITTER = /(?:\(.*?\)|[^,])+/g;
const KEY = String.raw`[\w\-._/]+`;
const PATTERNS: Array<{ pattern: RegExp; operator: LabelRequirement['operator'] }> = [
  { pattern: /^(?<key>.*?) in \((?<values>.*)\)$/, operator: 'in' },
  { pattern: /^(?<key>.*?) notin \((?<values>.*)\)$/, operator: 'notin' },
  { pattern: new RegExp(`^(?<key>${KEY})(==?)(?<values>.*)$`), operator: 'equal' },
  { pattern: new RegExp(`^(?<key>${KEY})(!=)(?<values>.*)$`), operator: 'not_equal' },
  { pattern: new RegExp(`^(?<key>${KEY})(?<values>)$`), operator: 'exists' },
  { pattern: new RegExp(`^!(?<key>${KEY})(?<values>)$`), operator: 'not_exists' },
];
const MAX_REQUIREMENTS = 50;
const DOMAIN = /^(([a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9])\.)+([a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9])$/i;
const INVALID_CHAR = /[^\w\-.]/;
const ALNUM_ENDS = /^(?=[a-zA-Z\d]).*[a-zA-Z\d]$/;

/** Ruby's `String#split(',')`: trailing empty strings dropped, so `''` gives `[]`. */
function rubySplit(text: string): string[] {
  const parts = text.split(',');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function parseRequirement(text: string): LabelRequirement | null {
  for (const { pattern, operator } of PATTERNS) {
    const m = pattern.exec(text);
    if (m?.groups) return { key: m.groups.key!, operator, values: rubySplit(m.groups.values!) };
  }
  return null;
}

/** `MetadataHelpers.extract_prefix`. */
function splitKey(key: string): { prefix: string | null; name: string } {
  if (!key.includes('/')) return { prefix: null, name: key };
  const [prefix, name] = key.split('/');
  return { prefix: prefix!, name: name ?? '' };
}

const blank = (s: string): boolean => s.trim() === '';

/** `MetadataValidatorHelper#key_error`. */
function keyError(key: string): string | null {
  if (blank(key)) return 'key cannot be empty string';
  if ((key.match(/\//g) ?? []).length > 1) return "key has more than one '/'";
  const { prefix, name } = splitKey(key);
  if (prefix !== null && !DOMAIN.test(prefix)) return `prefix '${prefix}' must be in valid dns format`;
  if (prefix !== null && prefix.length > 253) return `prefix '${prefix.slice(0, 8)}...' is greater than 253 characters`;
  if (prefix !== null && prefix.toLowerCase() === 'cloudfoundry.org') return "prefix 'cloudfoundry.org' is reserved";
  if (blank(name)) return 'key cannot be empty string';
  return textError(name);
}

function textError(text: string): string | null {
  if (INVALID_CHAR.test(text)) return `'${text}' contains invalid characters`;
  if (!ALNUM_ENDS.test(text)) return `'${text}' starts or ends with invalid characters`;
  if (text.length > 63) return `'${text.slice(0, 8)}...' is greater than 63 characters`;
  return null;
}

/** Parses `label_selector`; `errors` holds the validator's messages (each a whole error, added to `:base`). */
export function parseLabelSelector(selector: string): { requirements: LabelRequirement[]; errors: string[] } {
  const parsed = (selector.match(SPLITTER) ?? []).map(parseRequirement);
  if (parsed.length === 0) return { requirements: [], errors: ['Missing label_selector value'] };
  if (parsed.length > MAX_REQUIREMENTS)
    return { requirements: [], errors: [`Too many label_selector requirements (maximum is ${MAX_REQUIREMENTS})`] };
  const errors: string[] = [];
  const requirements: LabelRequirement[] = [];
  for (const r of parsed) {
    if (!r) {
      errors.push('Invalid label_selector value');
      continue;
    }
    const error =
      keyError(r.key) ?? r.values.map((v) => (v === '' ? null : textError(v))).find((e) => e !== null) ?? null;
    if (error) errors.push(error);
    else requirements.push(r);
  }
  return { requirements, errors };
}

/** Whether `labels` satisfy every requirement. */
export function matchesLabels(
  labels: Readonly<Record<string, string>>,
  requirements: readonly LabelRequirement[],
): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    switch (r.operator) {
      case 'in':
      case 'equal':
        return has && r.values.includes(labels[r.key]!);
      case 'notin':
      case 'not_equal':
        return !(has && r.values.includes(labels[r.key]!));
      case 'exists':
        return has;
      case 'not_exists':
        return !has;
    }
  });
}
