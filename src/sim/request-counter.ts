/** Counts requests per normalised route (`GET /v3/service_instances/:guid`), for `GET /_sim/requests`. */
export class RequestCounter {
  private byRoute = new Map<string, number>();
  private total = 0;

  count(routeKey: string): void {
    this.total++;
    this.byRoute.set(routeKey, (this.byRoute.get(routeKey) ?? 0) + 1);
  }

  reset(): void {
    this.total = 0;
    this.byRoute.clear();
  }

  snapshot(): { total: number; byRoute: Record<string, number> } {
    const byRoute: Record<string, number> = {};
    for (const key of [...this.byRoute.keys()].sort()) byRoute[key] = this.byRoute.get(key)!;
    return { total: this.total, byRoute };
  }
}
