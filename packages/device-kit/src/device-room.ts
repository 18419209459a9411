import { unwatchFile, watchFile } from 'node:fs'
import {
  type Capabilities,
  fail,
  isDroppable,
  isKeyAction,
  isPointerAction,
  MAX_LISTED_DEVICES,
  ok,
  type Role,
} from '@keyroom/key-events'
import {
  connectDevice,
  type DeviceGate,
  type DeviceManager,
  type DeviceRoomConnection,
} from '@keyroom/room-client'
import {
  type AuditEntry,
  appendAudit,
  type DeviceStore,
  openDeviceStore,
} from '@keyroom/room-client/device-store'
import type { Logger } from 'pino'

export interface DeviceRoomOptions {
  /** The state dir: the device store (identity, room, approvals) and the audit log, mode 0600. */
  configDir: string
  role: Role
  name: string
  caps: Capabilities
  logger: Logger
  /** How often the store file is looked at for approvals and revocations made by `devices …`. @default 500 */
  watchMs?: number
}

export type DeviceRoom = DeviceRoomConnection & { store: DeviceStore }

/**
 * A receiver's or agent's room: its identity and room from the device store, the store as gate (approvals,
 * permissions), an audit line for every action and refusal (text as its length only), and a look at the store
 * whenever `devices approve|revoke` changed it in another process. Undefined when the device is not paired yet.
 */
export function joinDeviceRoom(options: DeviceRoomOptions): DeviceRoom | undefined {
  const { configDir, logger } = options
  const store = openDeviceStore(configDir)
  const room = store.room()
  if (!room) return undefined
  const inner = store.gate()
  const gate: DeviceGate = (info, provesSecret) => {
    const key = Buffer.from(info.key).toString('base64url')
    const before = store.devices().find((d) => d.key === key)
    const decision = inner(info, provesSecret)
    if (before?.state !== decision.state) {
      const via = decision.state === 'approved' ? 'pairing-window' : 'handshake'
      appendAudit(configDir, {
        time: new Date().toISOString(),
        device: info.name,
        fingerprint: info.fingerprint,
        action: decision.state,
        reason: via,
      })
      logger.info({ device: info.name, fingerprint: info.fingerprint, via }, `device ${decision.state}`)
    }
    return decision
  }
  // An admin device (the first one paired through a window, or `devices permit … --admin`) manages from the keypad.
  const manager: DeviceManager = (request, asker) => {
    if (request.op !== 'list') {
      if (!request.fingerprint) return fail('usage', `${request.op} needs the device's fingerprint`)
      const changed =
        request.op === 'approve' ? store.approve(request.fingerprint) : store.revoke(request.fingerprint)
      if (!changed.ok) return changed
      appendAudit(configDir, {
        time: new Date().toISOString(),
        device: changed.value.name,
        fingerprint: changed.value.fingerprint,
        action: changed.value.state,
        reason: `by ${asker.name} (${asker.fingerprint})`,
      })
      logger.info(
        { device: changed.value.name, fingerprint: changed.value.fingerprint, by: asker.fingerprint },
        `device ${changed.value.state} from an admin device`,
      )
    }
    return ok(
      store
        .devices()
        .slice(-MAX_LISTED_DEVICES)
        .map((d) => ({
          name: d.name,
          fingerprint: d.fingerprint,
          state: d.state,
          role: d.role,
          ...(d.state === 'pending' ? { code: d.code } : {}),
          ...(d.admin ? { admin: true } : {}),
        })),
    )
  }
  const connection = connectDevice({
    link: room,
    identity: store.identity(),
    trusted: store.trusted(),
    gate,
    manager,
    role: options.role,
    name: options.name,
    caps: options.caps,
  })
  // Written after the action is handed on (setImmediate), so no disk write sits between a key and its press.
  let pending: AuditEntry[] = []
  const flushAudit = () => {
    const entries = pending
    pending = []
    for (const entry of entries) appendAudit(configDir, entry)
  }
  const audit = (entry: AuditEntry) => {
    if (pending.push(entry) === 1) setImmediate(flushAudit)
  }
  connection.on('message', ({ body, device }) => {
    if (!(isKeyAction(body) || isPointerAction(body)) || isDroppable(body) || body.type === 'renew') return
    audit({
      time: new Date().toISOString(),
      device: device.name,
      fingerprint: device.fingerprint,
      action: body.type,
      ...(body.type === 'key' || body.type === 'chord' ? { code: body.code } : {}),
      ...(body.type === 'key' || body.type === 'button' ? { phase: body.phase } : {}),
      ...(body.type === 'button' ? { code: body.button } : {}),
      ...(body.type === 'chord' ? { modifiers: body.modifiers } : {}),
      // Never the content: the log would be a keylogger.
      ...(body.type === 'text' ? { length: body.text.length } : {}),
    })
  })
  connection.on('reject', (rejection) => {
    if (!['not-approved', 'revoked', 'not-permitted'].includes(rejection.reason)) return
    const peer = connection.peers().find((p) => p.id === rejection.from)
    audit({
      time: new Date().toISOString(),
      device: peer?.name ?? 'unknown',
      fingerprint: peer?.fingerprint ?? '',
      action: 'refused',
      reason: rejection.reason,
    })
  })
  const watchMs = options.watchMs ?? 500
  // `devices approve|revoke` in another process changes the file: ask the gate again about everyone here.
  const onChange = () => connection.reconsider()
  watchFile(store.file, { interval: watchMs, persistent: false }, onChange)
  const close = connection.close
  return Object.assign(connection, {
    store,
    async close() {
      unwatchFile(store.file, onChange)
      flushAudit()
      await close()
    },
  })
}
