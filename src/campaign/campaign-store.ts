import type { Redis } from 'ioredis';
import { bullPrefix } from '../jobs/queue-names.js';
import type { AuditEntry, CampaignMeta, ItemOutcome, PlanItem } from './campaign-model.js';

/**
 * A campaign's plan, outcomes, ledger and audit trail in Redis: the only shared state, so any worker can pick up
 * any item and a restarted worker finds everything where it was.
 */
export class CampaignStore {
  private readonly base: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.base = `${bullPrefix(prefix)}:campaigns`;
  }

  private key(id: string, part: string): string {
    return `${this.base}:${id}:${part}`;
  }

  /** Records the plan before anything is changed. */
  async create(meta: CampaignMeta, items: readonly PlanItem[]): Promise<void> {
    const multi = this.redis.multi().set(this.key(meta.id, 'meta'), JSON.stringify(meta)).zadd(`${this.base}:index`, Date.parse(meta.createdAt), meta.id);
    for (let i = 0; i < items.length; i += 1000) {
      const chunk = items.slice(i, i + 1000);
      multi.hset(this.key(meta.id, 'items'), Object.fromEntries(chunk.map((item) => [item.id, JSON.stringify(item)])));
    }
    await multi.exec();
  }

  async meta(id: string): Promise<CampaignMeta | undefined> {
    const text = await this.redis.get(this.key(id, 'meta'));
    return text ? (JSON.parse(text) as CampaignMeta) : undefined;
  }

  async setStatus(id: string, status: CampaignMeta['status']): Promise<void> {
    const meta = await this.meta(id);
    if (!meta) return;
    meta.status = status;
    if (status === 'done' || status === 'cancelled') meta.finishedAt = new Date().toISOString();
    await this.redis.set(this.key(id, 'meta'), JSON.stringify(meta));
  }

  async list(): Promise<CampaignMeta[]> {
    const ids = await this.redis.zrevrange(`${this.base}:index`, 0, 99);
    const metas = await Promise.all(ids.map((id) => this.meta(id)));
    return metas.filter((meta): meta is CampaignMeta => meta !== undefined);
  }

  async item(id: string, itemId: string): Promise<PlanItem | undefined> {
    const text = await this.redis.hget(this.key(id, 'items'), itemId);
    return text ? (JSON.parse(text) as PlanItem) : undefined;
  }

  async items(id: string): Promise<PlanItem[]> {
    return Object.values(await this.redis.hgetall(this.key(id, 'items'))).map((text) => JSON.parse(text) as PlanItem);
  }

  /**
   * Records an item's final outcome once: a second write (a job re-run after a crash) is refused, so no item is
   * counted twice. Returns whether this call recorded it.
   */
  async finish(id: string, itemId: string, outcome: ItemOutcome): Promise<boolean> {
    return (await this.redis.hsetnx(this.key(id, 'outcomes'), itemId, JSON.stringify(outcome))) === 1;
  }

  async outcome(id: string, itemId: string): Promise<ItemOutcome | undefined> {
    const text = await this.redis.hget(this.key(id, 'outcomes'), itemId);
    return text ? (JSON.parse(text) as ItemOutcome) : undefined;
  }

  async outcomes(id: string): Promise<Record<string, ItemOutcome>> {
    const raw = await this.redis.hgetall(this.key(id, 'outcomes'));
    return Object.fromEntries(Object.entries(raw).map(([key, text]) => [key, JSON.parse(text) as ItemOutcome]));
  }

  async finishedCount(id: string): Promise<number> {
    return this.redis.hlen(this.key(id, 'outcomes'));
  }

  /** The last error of an item that is not final yet, for status and the report. */
  async noteAttempt(id: string, itemId: string, note: Omit<ItemOutcome, 'outcome'>): Promise<void> {
    await this.redis.hset(this.key(id, 'attempts'), itemId, JSON.stringify(note));
  }

  async attempts(id: string): Promise<Record<string, Omit<ItemOutcome, 'outcome'>>> {
    const raw = await this.redis.hgetall(this.key(id, 'attempts'));
    return Object.fromEntries(Object.entries(raw).map(([key, text]) => [key, JSON.parse(text) as Omit<ItemOutcome, 'outcome'>]));
  }

  /** The bindings an unshare is about to destroy, written before it is sent. */
  async ledger(id: string, entry: { itemId: string; at: string; bindings: PlanItem['bindings'] }): Promise<void> {
    await this.redis.rpush(this.key(id, 'ledger'), JSON.stringify(entry));
  }

  async ledgerEntries(id: string): Promise<Array<{ itemId: string; at: string; bindings: PlanItem['bindings'] }>> {
    return (await this.redis.lrange(this.key(id, 'ledger'), 0, -1)).map((text) => JSON.parse(text));
  }

  async audit(id: string, entry: AuditEntry): Promise<void> {
    await this.redis.rpush(this.key(id, 'audit'), JSON.stringify(entry));
  }

  async auditEntries(id: string): Promise<AuditEntry[]> {
    return (await this.redis.lrange(this.key(id, 'audit'), 0, -1)).map((text) => JSON.parse(text) as AuditEntry);
  }

  async setVerification(id: string, stillShared: ReadonlyArray<{ itemId: string; instance_guid: string; space_guid: string }>): Promise<void> {
    await this.redis.set(this.key(id, 'verification'), JSON.stringify({ at: new Date().toISOString(), still_shared: stillShared }));
  }

  async verification(id: string): Promise<{ at: string; still_shared: Array<{ itemId: string; instance_guid: string; space_guid: string }> } | undefined> {
    const text = await this.redis.get(this.key(id, 'verification'));
    return text ? JSON.parse(text) : undefined;
  }

  /** Per-campaign write budget for this second, shared by every worker: true when one more write may go. */
  async takeRateSlot(id: string, rate: number, now = Date.now()): Promise<{ ok: boolean; waitMs: number }> {
    const second = Math.floor(now / 1000);
    const key = this.key(id, `rate:${second}`);
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, 5).exec()) as [[unknown, number], unknown];
    return count <= rate ? { ok: true, waitMs: 0 } : { ok: false, waitMs: (second + 1) * 1000 - now };
  }
}
