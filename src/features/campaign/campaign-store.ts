import type { RedisClient } from '../../core/redis-connection.js';
import { bullPrefix, foundationPrefix } from '../../core/queue-names.js';
import { execGroups } from '../../core/exec-groups.js';
import { counted, readTally, recordOutcome, type CampaignTally, type TallyKeys } from './campaign-tally.js';
import type {
  AttemptNote,
  AuditEntry,
  CampaignItem,
  CampaignMeta,
  ItemOutcome,
  PauseRecord,
  PlanItem,
  SentWrite,
  WriteAnswer,
} from './campaign-model.js';

/**
 * A campaign's plan, outcomes, ledger and audit trail in Redis: the only shared state, so any worker can pick up
 * any item and a restarted worker finds everything where it was.
 *
 * Where the keys live: a campaign's record (`meta`) and the index of campaigns are under the prefix's hash tag, so
 * `campaign status ID` finds any campaign by its id alone; its parts (items, outcomes, counters, ledger, audit trail,
 * write window) are under its foundation's (`foundationPrefix`): on one Redis that is the same `{prefix}` as ever,
 * on a Redis Cluster `{prefix:foundation}`, the slot of the foundation's queues.
 */
export class CampaignStore {
  private readonly base: string;
  /** Each campaign's parts base; a campaign's foundation never changes, so it is looked up once. */
  private readonly partsBases = new Map<string, string>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    this.base = `${bullPrefix(prefix)}:campaigns`;
  }

  private metaKey(id: string): string {
    return `${this.base}:${id}:meta`;
  }

  private partsBase(api: string): string {
    return `${foundationPrefix(this.prefix, api, this.redis)}:campaigns`;
  }

  private async key(id: string, part: string): Promise<string> {
    let base = this.partsBases.get(id);
    if (base === undefined) {
      if (!this.redis.isCluster) base = this.base;
      else {
        const meta = await this.meta(id);
        // No record, no parts: the prefix's own base holds nothing of it either, and is not remembered.
        if (!meta) return `${this.base}:${id}:${part}`;
        base = this.partsBase(meta.api);
      }
      this.partsBases.set(id, base);
    }
    return `${base}:${id}:${part}`;
  }

  private async tallyKeys(id: string): Promise<TallyKeys> {
    return {
      outcomes: await this.key(id, 'outcomes'),
      counts: await this.key(id, 'outcome-counts'),
      finishedAt: await this.key(id, 'finished-at'),
    };
  }

  /** The Redis key of a campaign's sliding write window (see `rate-gate.ts`). */
  rateKey(id: string): Promise<string> {
    return this.key(id, 'write-window');
  }

  /**
   * Pauses the campaign unless it is paused already; the record lives in Redis (and its append-only file), so a pause
   * outlasts worker and Redis restarts. Returns the pause in force: this one, or the earlier one.
   */
  async pause(id: string, record: PauseRecord): Promise<{ record: PauseRecord; already: boolean }> {
    const set = await this.redis.set(await this.key(id, 'paused'), JSON.stringify(record), 'NX');
    if (set === 'OK') return { record, already: false };
    return { record: (await this.pauseRecord(id)) ?? record, already: true };
  }

  /** The pause in force, if the campaign is paused. */
  async pauseRecord(id: string): Promise<PauseRecord | undefined> {
    const text = await this.redis.get(await this.key(id, 'paused'));
    return text ? (JSON.parse(text) as PauseRecord) : undefined;
  }

  /** Lifts the pause; returns the one lifted, if any. */
  async unpause(id: string): Promise<PauseRecord | undefined> {
    const [[, text]] = (await this.redis
      .multi()
      .get(await this.key(id, 'paused'))
      .del(await this.key(id, 'paused'))
      .exec()) as [[Error | null, string | null], [Error | null, number]];
    return text ? (JSON.parse(text) as PauseRecord) : undefined;
  }

  /** Remembers an item whose job a worker moved back to the delayed set because the campaign is paused. */
  async park(id: string, itemId: string): Promise<void> {
    await this.redis.sadd(await this.key(id, 'parked'), itemId);
  }

  /** The items parked by a pause, forgotten as they are returned. */
  async takeParked(id: string): Promise<string[]> {
    const [[, ids]] = (await this.redis
      .multi()
      .smembers(await this.key(id, 'parked'))
      .del(await this.key(id, 'parked'))
      .exec()) as [[Error | null, string[]], [Error | null, number]];
    return ids;
  }

  /**
   * Records the plan before anything is changed: its items and counters first, then the record and index entry that
   * make it visible (one transaction on a single Redis; two on a cluster, whose slots they span).
   */
  async create(meta: CampaignMeta, items: readonly CampaignItem[]): Promise<void> {
    const base = this.partsBase(meta.api);
    this.partsBases.set(meta.id, base);
    const itemsKey = `${base}:${meta.id}:items`;
    await execGroups(this.redis, [
      (multi) => {
        for (let i = 0; i < items.length; i += 1000) {
          const chunk = items.slice(i, i + 1000);
          multi.hset(itemsKey, Object.fromEntries(chunk.map((item) => [item.id, JSON.stringify(item)])));
        }
        multi.hset(`${base}:${meta.id}:outcome-counts`, counted());
      },
      (multi) =>
        multi
          .set(this.metaKey(meta.id), JSON.stringify(meta))
          .zadd(`${this.base}:index`, Date.parse(meta.createdAt), meta.id),
    ]);
  }

  /**
   * Webhook URLs to tell when the campaign ends (`unshare-all --notify`). Kept apart from the meta, which reports
   * and status print, and deleted once the end's notify jobs are queued: a URL may hold a token.
   */
  async setNotifyUrls(id: string, urls: readonly string[]): Promise<void> {
    if (urls.length > 0) await this.redis.sadd(await this.key(id, 'notify'), ...urls);
  }

  /** The webhook URLs still to be told of the campaign's end. */
  async notifyUrls(id: string): Promise<string[]> {
    return (await this.redis.smembers(await this.key(id, 'notify'))).sort();
  }

  /** Forgets the webhook URLs once their notify jobs hold them. */
  async clearNotifyUrls(id: string): Promise<void> {
    await this.redis.del(await this.key(id, 'notify'));
  }

  async meta(id: string): Promise<CampaignMeta | undefined> {
    const text = await this.redis.get(this.metaKey(id));
    return text ? (JSON.parse(text) as CampaignMeta) : undefined;
  }

  async setStatus(id: string, status: CampaignMeta['status']): Promise<void> {
    const meta = await this.meta(id);
    if (!meta) return;
    meta.status = status;
    if (status === 'done' || status === 'cancelled') meta.finishedAt = new Date().toISOString();
    await this.redis.set(this.metaKey(id), JSON.stringify(meta));
  }

  /** The newest campaigns first; only those of one foundation when `api` is given. */
  async list(api?: string): Promise<CampaignMeta[]> {
    const ids = await this.redis.zrevrange(`${this.base}:index`, 0, 199);
    const metas = await Promise.all(ids.map((id) => this.meta(id)));
    return metas.filter((meta): meta is CampaignMeta => meta !== undefined && (api === undefined || meta.api === api));
  }

  async item(id: string, itemId: string): Promise<CampaignItem | undefined> {
    const text = await this.redis.hget(await this.key(id, 'items'), itemId);
    return text ? (JSON.parse(text) as CampaignItem) : undefined;
  }

  async items(id: string): Promise<CampaignItem[]> {
    return Object.values(await this.redis.hgetall(await this.key(id, 'items'))).map(
      (text) => JSON.parse(text) as CampaignItem,
    );
  }

  /**
   * Records an item's final outcome once, and counts it in the same script: a second write (a job re-run after a
   * crash) is refused, so no item is counted twice. Returns whether this call recorded it.
   */
  async finish(id: string, itemId: string, outcome: ItemOutcome): Promise<boolean> {
    return recordOutcome(this.redis, await this.tallyKeys(id), itemId, outcome);
  }

  /**
   * Progress from the counters: a few commands whatever the campaign's size (`outcomes` reads every outcome).
   * `since` (ms) asks how many items finished from then on.
   */
  async tally(id: string, since?: number): Promise<CampaignTally> {
    return readTally(this.redis, await this.tallyKeys(id), since);
  }

  async outcome(id: string, itemId: string): Promise<ItemOutcome | undefined> {
    const text = await this.redis.hget(await this.key(id, 'outcomes'), itemId);
    return text ? (JSON.parse(text) as ItemOutcome) : undefined;
  }

  async outcomes(id: string): Promise<Record<string, ItemOutcome>> {
    const raw = await this.redis.hgetall(await this.key(id, 'outcomes'));
    return Object.fromEntries(Object.entries(raw).map(([key, text]) => [key, JSON.parse(text) as ItemOutcome]));
  }

  async finishedCount(id: string): Promise<number> {
    return this.redis.hlen(await this.key(id, 'outcomes'));
  }

  /** The last error of an item that is not final yet, for status and the report. */
  async noteAttempt(id: string, itemId: string, note: AttemptNote): Promise<void> {
    await this.redis.hset(await this.key(id, 'attempts'), itemId, JSON.stringify(note));
  }

  async attempts(id: string): Promise<Record<string, AttemptNote>> {
    const raw = await this.redis.hgetall(await this.key(id, 'attempts'));
    return Object.fromEntries(Object.entries(raw).map(([key, text]) => [key, JSON.parse(text) as AttemptNote]));
  }

  /** The bindings an unshare is about to destroy, written before it is sent. */
  async ledger(id: string, entry: { itemId: string; at: string; bindings: PlanItem['bindings'] }): Promise<void> {
    await this.redis.rpush(await this.key(id, 'ledger'), JSON.stringify(entry));
  }

  async ledgerEntries(id: string): Promise<Array<{ itemId: string; at: string; bindings: PlanItem['bindings'] }>> {
    return (await this.redis.lrange(await this.key(id, 'ledger'), 0, -1)).map((text) => JSON.parse(text));
  }

  /**
   * Records a write before it leaves the process, so a crash between send and answer still leaves a trace. An
   * unshare is also remembered as its item's last one (one transaction, one round trip before the send), so a re-run
   * after a crash can find its answer, or that none came.
   */
  async auditSent(id: string, write: SentWrite, options: { unshare?: boolean } = {}): Promise<void> {
    const multi = this.redis.multi().rpush(await this.key(id, 'audit'), JSON.stringify(write));
    if (write.itemId !== undefined) multi.hset(await this.key(id, 'item-writes'), write.itemId, JSON.stringify(write));
    if (options.unshare && write.itemId !== undefined)
      multi.hset(await this.key(id, 'unshare-sent'), write.itemId, JSON.stringify(write));
    await multi.exec();
  }

  /**
   * The last write of any kind (a binding's DELETE, the unshare) sent for an item, if one was: an item with none
   * changed nothing at CC. Campaigns stored before this record existed answer from their last unshare.
   */
  async lastWrite(id: string, itemId: string): Promise<SentWrite | undefined> {
    const text =
      (await this.redis.hget(await this.key(id, 'item-writes'), itemId)) ??
      (await this.redis.hget(await this.key(id, 'unshare-sent'), itemId));
    return text === null ? undefined : (JSON.parse(text) as SentWrite);
  }

  /**
   * The job CC gave a broker-level item's update (202 + Location), written as soon as the answer is in, before the
   * job is polled: a re-run after a crash follows that job instead of guessing.
   */
  async setBrokerJob(id: string, itemId: string, job: { guid: string; at: string }): Promise<void> {
    await this.redis.hset(await this.key(id, 'broker-jobs'), itemId, JSON.stringify(job));
  }

  /**
   * Takes an original's turn for a broker-level item, for `ttlMs` (a dead worker's turn lapses): one update of an
   * original at a time, since CC answers any other 409 while one runs. True when this item holds the turn (again).
   */
  async takeOriginalTurn(id: string, originalGuid: string, itemId: string, ttlMs: number): Promise<boolean> {
    const key = await this.key(id, `original-turn:${originalGuid}`);
    if ((await this.redis.set(key, itemId, 'PX', ttlMs, 'NX')) === 'OK') return true;
    return (await this.redis.get(key)) === itemId;
  }

  /** Gives an original's turn back, if this item still holds it. */
  async releaseOriginalTurn(id: string, originalGuid: string, itemId: string): Promise<void> {
    const key = await this.key(id, `original-turn:${originalGuid}`);
    await this.redis.eval(
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
      1,
      key,
      itemId,
    );
  }

  /** The last update job recorded for a broker-level item, if any. */
  async brokerJob(id: string, itemId: string): Promise<{ guid: string; at: string } | undefined> {
    const text = await this.redis.hget(await this.key(id, 'broker-jobs'), itemId);
    return text === null ? undefined : (JSON.parse(text) as { guid: string; at: string });
  }

  /** Completes a sent write with what came back. */
  async auditAnswer(id: string, writeId: string, answer: WriteAnswer): Promise<void> {
    await this.redis.hset(await this.key(id, 'audit-answers'), writeId, JSON.stringify(answer));
  }

  /** The last unshare DELETE sent for an item, with its answer (null: sent, answer unknown), if any was sent. */
  async unshareSent(id: string, itemId: string): Promise<AuditEntry | undefined> {
    const text = await this.redis.hget(await this.key(id, 'unshare-sent'), itemId);
    if (text === null) return undefined;
    const write = JSON.parse(text) as SentWrite;
    const answer = await this.redis.hget(await this.key(id, 'audit-answers'), write.id);
    return { ...write, answer: answer === null ? null : (JSON.parse(answer) as WriteAnswer) };
  }

  /** The item's last unshare when no status came back for it (no answer, or a network error), else undefined. */
  async unansweredUnshare(id: string, itemId: string): Promise<AuditEntry | undefined> {
    const sent = await this.unshareSent(id, itemId);
    return sent && (sent.answer === null || !('status' in sent.answer)) ? sent : undefined;
  }

  /** Every write in the order it was sent; `answer` null means "sent, answer unknown". */
  async auditEntries(id: string): Promise<AuditEntry[]> {
    const [sent, answers] = await Promise.all([
      this.redis.lrange(await this.key(id, 'audit'), 0, -1),
      this.redis.hgetall(await this.key(id, 'audit-answers')),
    ]);
    return sent.map((text) => {
      const write = JSON.parse(text) as SentWrite;
      const answer = answers[write.id];
      return { ...write, answer: answer === undefined ? null : (JSON.parse(answer) as WriteAnswer) };
    });
  }

  async setVerification(
    id: string,
    stillShared: ReadonlyArray<{ itemId: string; instance_guid: string; space_guid: string }>,
  ): Promise<void> {
    await this.redis.set(
      await this.key(id, 'verification'),
      JSON.stringify({ at: new Date().toISOString(), still_shared: stillShared }),
    );
  }

  async verification(
    id: string,
  ): Promise<
    { at: string; still_shared: Array<{ itemId: string; instance_guid: string; space_guid: string }> } | undefined
  > {
    const text = await this.redis.get(await this.key(id, 'verification'));
    return text ? JSON.parse(text) : undefined;
  }
}
