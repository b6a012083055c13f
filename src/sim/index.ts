/**
 * The Cloud Controller v3 + UAA simulator: a deterministic, seeded foundation served over node:http on 127.0.0.1,
 * following cc-api.md. UAA lives under `/uaa` on the same server; operator endpoints under `/_sim`.
 */
import { normaliseOptions, type SimOptions } from './options.js';
import { SimServer } from './server.js';

export type { SimOptions } from './options.js';
export type { FaultOptions, RateLimitOptions } from './faults.js';
export type { Truth, ExpectedFinding } from './truth.js';
export type { WriteRecord } from './write-log.js';

/** Role names of the generated users. */
export type SimUserRole = 'admin' | 'admin_read_only' | 'global_auditor' | 'space_developer';

/** A running simulator. */
export interface RunningSim {
  /** API root, e.g. `http://127.0.0.1:PORT` (`GET /` gives links). */
  url: string;
  /** Admin identities: the admin user (password grant via client `cf`) and an admin client (client_credentials). */
  credentials: { username: string; password: string; clientId: string; clientSecret: string };
  /** One user per role. */
  users: Record<SimUserRole, { username: string; password: string }>;
  /** Stops the server and background work. */
  close(): Promise<void>;
}

/** Generates the foundation and starts serving it. Throws a RangeError for bad options. */
export async function startSim(options: SimOptions = {}): Promise<RunningSim> {
  const normalised = normaliseOptions(options);
  const server = new SimServer(normalised);
  await server.listen();
  const ids = server.state.identities;
  const strip = ({
    username,
    password,
  }: {
    username: string;
    password: string;
  }): { username: string; password: string } => ({ username, password });
  normalised.log?.info({ url: server.url, seed: normalised.knobs.seed }, 'simulator listening');
  return {
    url: server.url,
    credentials: {
      ...strip(ids.users.admin),
      clientId: ids.adminClient.clientId,
      clientSecret: ids.adminClient.clientSecret,
    },
    users: {
      admin: strip(ids.users.admin),
      admin_read_only: strip(ids.users.admin_read_only),
      global_auditor: strip(ids.users.global_auditor),
      space_developer: strip(ids.users.space_developer),
    },
    close: () => server.close(),
  };
}
