import { performance } from 'node:perf_hooks';

/** One write request, as `GET /_sim/writes` lists it. */
export interface WriteRecord {
  /** Arrival, epoch milliseconds with sub-millisecond precision. */
  at: number;
  method: string;
  /** Without the query string. */
  path: string;
  /** The normalised route, as in `GET /_sim/requests`. */
  route: string;
  /** Null until answered; stays null when the connection was dropped instead. */
  status: number | null;
  /** The `X-Vcap-Request-Id` the answer carries (or would have carried). */
  request_id: string;
}

/** Arrival-ordered log of every non-GET `/v3` request, so benchmarks and tests can see when writes reached CC. */
export class WriteLog {
  private records: WriteRecord[] = [];

  /** Whether a request belongs in the log. */
  static covers(method: string, path: string): boolean {
    return method !== 'GET' && (path === '/v3' || path.startsWith('/v3/'));
  }

  /** Now, in the log's clock. */
  static now(): number {
    return performance.timeOrigin + performance.now();
  }

  /** Appends an arrival; the caller fills `status` when it answers. */
  record(entry: Omit<WriteRecord, 'status'>): WriteRecord {
    const full: WriteRecord = { ...entry, status: null };
    this.records.push(full);
    return full;
  }

  clear(): void {
    this.records = [];
  }

  /** Copies of the records that arrived at or after `since` (all when absent). */
  snapshot(since?: number): { writes: WriteRecord[] } {
    const chosen = since === undefined ? this.records : this.records.filter((r) => r.at >= since);
    return { writes: chosen.map((r) => ({ ...r })) };
  }
}
