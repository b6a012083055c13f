/**
 * Labels of generated service instances, so `label_selector` has something to select. A pure function of the
 * instance's position: no random stream is drawn, so adding labels moves no guid, share or binding of any seed.
 */
const ENVS = ['prod', 'staging', 'dev'];
const TEAMS = ['payments', 'search', 'platform', 'data'];
const AUDIT_KEY = 'cf-shares.example.org/audit';
/** The pattern repeats every lcm(4, 5, 7) instances. */
const PERIOD = 140;

function labelsAt(index: number): Readonly<Record<string, string>> {
  const labels: Record<string, string> = {};
  const env = ENVS[index % 4];
  const team = TEAMS[index % 5];
  if (env) labels.env = env;
  if (team) labels.team = team;
  if (index % 7 === 0) labels[AUDIT_KEY] = 'exempt';
  return Object.freeze(labels);
}

// A 100k-instance foundation shares these frozen objects instead of allocating one per instance.
const TABLE = Array.from({ length: PERIOD }, (_, i) => labelsAt(i));

/** `env` on three instances in four, `team` on four in five, a prefixed `cf-shares.example.org/audit` on one in seven. */
export function instanceLabels(index: number): Readonly<Record<string, string>> {
  return TABLE[index % PERIOD]!;
}
