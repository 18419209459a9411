import type { Status } from './http-routes.js'

/** What the relay counts; rendered as Prometheus text at /metrics and summarised at /healthz. */
export function createMetrics() {
  const refusals = new Map<string, number>()
  const counters = {
    connectionsTotal: 0,
    eventsIn: 0,
    eventsOut: 0,
    floodDisconnects: 0,
    backlogDisconnects: 0,
  }
  return {
    counters,
    refused(reason: string) {
      refusals.set(reason, (refusals.get(reason) ?? 0) + 1)
    },
    refusals: (): ReadonlyMap<string, number> => refusals,
    render(gauges: { connections: number; rooms: number; redis: Status['redis'] }): string {
      const lines = [
        '# HELP keyroom_relay_connections Open Socket.IO connections.',
        '# TYPE keyroom_relay_connections gauge',
        `keyroom_relay_connections ${gauges.connections}`,
        '# HELP keyroom_relay_rooms Rooms with at least one member on this relay.',
        '# TYPE keyroom_relay_rooms gauge',
        `keyroom_relay_rooms ${gauges.rooms}`,
        '# HELP keyroom_relay_redis_up 1 when the Redis link to the other relays is up, 0 when down or stalled; absent when off.',
        '# TYPE keyroom_relay_redis_up gauge',
        ...(gauges.redis === 'off' ? [] : [`keyroom_relay_redis_up ${gauges.redis === 'up' ? 1 : 0}`]),
        '# HELP keyroom_relay_connections_total Connections accepted since start.',
        '# TYPE keyroom_relay_connections_total counter',
        `keyroom_relay_connections_total ${counters.connectionsTotal}`,
        '# HELP keyroom_relay_events_in_total Events received from clients.',
        '# TYPE keyroom_relay_events_in_total counter',
        `keyroom_relay_events_in_total ${counters.eventsIn}`,
        '# HELP keyroom_relay_events_out_total Events delivered to members on this relay of the room they were sent to (one per recipient).',
        '# TYPE keyroom_relay_events_out_total counter',
        `keyroom_relay_events_out_total ${counters.eventsOut}`,
        '# HELP keyroom_relay_flood_disconnects_total Connections disconnected for staying over their event rate.',
        '# TYPE keyroom_relay_flood_disconnects_total counter',
        `keyroom_relay_flood_disconnects_total ${counters.floodDisconnects}`,
        '# HELP keyroom_relay_backlog_disconnects_total Connections dropped for not reading: more than MAX_SEND_BACKLOG_BYTES waited for them.',
        '# TYPE keyroom_relay_backlog_disconnects_total counter',
        `keyroom_relay_backlog_disconnects_total ${counters.backlogDisconnects}`,
        '# HELP keyroom_relay_refusals_total Requests refused, by reason.',
        '# TYPE keyroom_relay_refusals_total counter',
        ...[...refusals].map(
          ([reason, count]) => `keyroom_relay_refusals_total{reason="${reason}"} ${count}`,
        ),
      ]
      return `${lines.join('\n')}\n`
    },
  }
}
export type Metrics = ReturnType<typeof createMetrics>
