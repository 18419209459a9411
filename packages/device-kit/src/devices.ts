import { fail, ok, type ProtocolError, type Result } from '@keyroom/key-events'
import { appendAudit, openDeviceStore, readAudit, type StoredDevice } from '@keyroom/room-client/device-store'

/** `devices list|approve|revoke|log`, as read from the command line. */
export type DevicesCommand =
  | { kind: 'devices'; action: 'list'; json: boolean }
  | { kind: 'devices'; action: 'log'; json: boolean }
  | { kind: 'devices'; action: 'approve' | 'revoke'; target: string }

export const DEVICES_USAGE =
  'devices list [--json] | devices approve <code or fingerprint> | devices revoke <name or fingerprint> | devices log [--json]'

/** Reads `devices <action> [target]`; every mistake is a `usage` error. */
export function parseDevicesArgs(
  positionals: readonly string[],
  json: boolean,
): Result<DevicesCommand, ProtocolError<'usage'>> {
  const [action, target, extra] = positionals
  if (extra !== undefined) return fail('usage', `unexpected argument "${extra}" (${DEVICES_USAGE})`)
  if (action === 'list' || action === 'log') {
    if (target !== undefined) return fail('usage', `devices ${action} takes no argument`)
    return ok({ kind: 'devices', action, json })
  }
  if (action === 'approve' || action === 'revoke') {
    if (json) return fail('usage', `devices ${action} does not take --json`)
    if (!target?.trim())
      return fail(
        'usage',
        `devices ${action} needs ${action === 'approve' ? 'the code or fingerprint' : 'the name or fingerprint'} of a device`,
      )
    return ok({ kind: 'devices', action, target: target.trim() })
  }
  return fail(
    'usage',
    action === undefined ? DEVICES_USAGE : `unknown devices command "${action}" (${DEVICES_USAGE})`,
  )
}

const row = (d: StoredDevice) =>
  `${d.name.padEnd(24)} ${d.fingerprint}  ${d.state}${d.state === 'pending' ? ` (code ${d.code.slice(0, 3)} ${d.code.slice(3)})` : ''}  ${d.role}`

/**
 * Carries out a `devices` command on the device store in `configDir`. A running receiver sees the change within a
 * second (it watches the store) and tells the device.
 */
export function runDevicesCommand(
  command: DevicesCommand,
  options: { configDir: string; out: (text: string) => void; now?: number },
): Result<void, ProtocolError<'usage' | 'no-such-device' | 'ambiguous'>> {
  const store = openDeviceStore(options.configDir)
  const now = options.now ?? Date.now()
  switch (command.action) {
    case 'list': {
      const devices = store.devices()
      if (command.json) {
        const list = devices.map((d) => ({
          name: d.name,
          fingerprint: d.fingerprint,
          state: d.state,
          role: d.role,
          ...(d.state === 'pending' ? { code: d.code } : {}),
          since: d.since,
          via: d.via,
          ...(d.permissions ? { permissions: d.permissions } : {}),
        }))
        options.out(`${JSON.stringify(list, null, 2)}\n`)
      } else {
        options.out(`this device: ${store.identity().fingerprint}\n`)
        options.out(devices.length === 0 ? 'no devices yet\n' : `${devices.map(row).join('\n')}\n`)
      }
      return ok(undefined)
    }
    case 'log': {
      const entries = readAudit(options.configDir)
      if (command.json) options.out(`${JSON.stringify(entries)}\n`)
      else
        for (const e of entries) {
          const what = [
            e.action,
            e.modifiers?.length ? `${e.modifiers.join('+')}+${e.code}` : e.code,
            e.phase,
            e.length === undefined ? undefined : `${e.length} characters`,
            e.reason,
          ]
            .filter(Boolean)
            .join(' ')
          options.out(`${e.time}  ${e.device} (${e.fingerprint})  ${what}\n`)
        }
      return ok(undefined)
    }
    case 'approve':
    case 'revoke': {
      const result =
        command.action === 'approve' ? store.approve(command.target, now) : store.revoke(command.target, now)
      if (!result.ok) return fail(result.error.code as 'no-such-device' | 'ambiguous', result.error.message)
      const device = result.value
      appendAudit(options.configDir, {
        time: new Date(now).toISOString(),
        device: device.name,
        fingerprint: device.fingerprint,
        action: device.state,
        reason: device.via,
      })
      options.out(`${device.state} ${device.name} (${device.fingerprint})\n`)
      return ok(undefined)
    }
  }
}
