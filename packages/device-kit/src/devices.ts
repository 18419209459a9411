import { parseArgs } from 'node:util'
import { fail, ok, Permissions, type ProtocolError, parseChordText, type Result } from '@keyroom/key-events'
import { appendAudit, openDeviceStore, readAudit, type StoredDevice } from '@keyroom/room-client/device-store'

/** `devices list|approve|revoke|log`, as read from the command line. */
export type DevicesCommand =
  | { kind: 'devices'; action: 'list'; json: boolean }
  | { kind: 'devices'; action: 'log'; json: boolean }
  | { kind: 'devices'; action: 'approve' | 'revoke'; target: string }
  | {
      kind: 'devices'
      action: 'permit'
      target: string
      /** What it may send from now on; `null`: everything again (`--all`); absent: as it was. */
      permissions?: Permissions | null
      admin?: boolean
    }

export const DEVICES_USAGE =
  'devices list [--json] | devices approve <code or fingerprint> | devices revoke <name or fingerprint> | devices permit <name or fingerprint> [--view-only] [--actions key,chord,text,pointer] [--keys KeyA,Digit1] [--forbid Meta+KeyQ,Ctrl+Alt+Delete] [--admin|--no-admin] [--all] | devices log [--json]'

const PERMIT_FLAGS = {
  json: { type: 'boolean' },
  'view-only': { type: 'boolean' },
  actions: { type: 'string' },
  keys: { type: 'string' },
  forbid: { type: 'string' },
  admin: { type: 'boolean' },
  'no-admin': { type: 'boolean' },
  all: { type: 'boolean' },
} as const

const list = (text: string | undefined) =>
  text === undefined
    ? undefined
    : text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)

/** Reads everything after `devices` on the command line, flags included; every mistake is a `usage` error. */
export function parseDevicesCommand(argv: readonly string[]): Result<DevicesCommand, ProtocolError<'usage'>> {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof PERMIT_FLAGS; allowPositionals: true }>
  >
  try {
    parsed = parseArgs({ args: [...argv], options: PERMIT_FLAGS, allowPositionals: true, strict: true })
  } catch (error) {
    return fail('usage', `${error instanceof Error ? error.message : String(error)} (${DEVICES_USAGE})`)
  }
  const { values, positionals } = parsed
  const permitFlags = Object.keys(values).filter((flag) => flag !== 'json')
  if (positionals[0] !== 'permit') {
    if (permitFlags.length > 0) return fail('usage', `only devices permit takes --${permitFlags[0]}`)
    return parseDevicesArgs(positionals, values.json === true)
  }
  const [, target, extra] = positionals
  if (extra !== undefined) return fail('usage', `unexpected argument "${extra}" (${DEVICES_USAGE})`)
  if (!target?.trim()) return fail('usage', 'devices permit needs the name or fingerprint of a device')
  if (values.json) return fail('usage', 'devices permit does not take --json')
  if (values.admin && values['no-admin']) return fail('usage', 'give --admin or --no-admin, not both')
  const admin = values.admin ? { admin: true } : values['no-admin'] ? { admin: false } : {}
  const limits = ['view-only', 'actions', 'keys', 'forbid'].filter((flag) => flag in values)
  if (values.all && limits.length > 0)
    return fail('usage', `--all allows everything: it does not go with --${limits[0]}`)
  if (!values.all && limits.length === 0 && !('admin' in admin))
    return fail(
      'usage',
      'devices permit needs what to allow: --view-only, --actions, --keys, --forbid, --admin or --all',
    )
  const forbid = list(values.forbid)
  const badChord = forbid?.find((text) => {
    const chord = parseChordText(text)
    return !chord.ok || chord.value.modifiers.length === 0
  })
  if (badChord !== undefined) return fail('usage', `--forbid: "${badChord}" is not a chord like Meta+KeyQ`)
  const candidate = {
    ...(values['view-only'] ? { viewOnly: true } : {}),
    ...(values.actions === undefined ? {} : { actions: list(values.actions) }),
    ...(values.keys === undefined ? {} : { keys: list(values.keys) }),
    ...(forbid ? { forbiddenChords: forbid } : {}),
  }
  const checked = Permissions.safeParse(candidate)
  if (!checked.success) {
    const issue = checked.error.issues[0]
    return fail(
      'usage',
      `--${issue?.path[0] === 'forbiddenChords' ? 'forbid' : String(issue?.path[0] ?? '')}: ${issue?.message ?? 'not valid'}`,
    )
  }
  return ok({
    kind: 'devices',
    action: 'permit',
    target: target.trim(),
    // Only --admin / --no-admin: what the device may send stays as it was.
    ...(values.all ? { permissions: null } : limits.length > 0 ? { permissions: checked.data } : {}),
    ...admin,
  })
}

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
  `${d.name.padEnd(24)} ${d.fingerprint}  ${d.state}${d.state === 'pending' ? ` (code ${d.code.slice(0, 3)} ${d.code.slice(3)})` : ''}  ${d.role}${d.permissions || d.admin ? `  ${describePermissions(d)}` : ''}`

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
  // What the command changed, in the audit log beside what the running device writes there.
  const audit = (device: StoredDevice, action: string, reason: string | undefined) =>
    appendAudit(options.configDir, {
      time: new Date(now).toISOString(),
      device: device.name,
      fingerprint: device.fingerprint,
      action,
      ...(reason === undefined ? {} : { reason }),
    })
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
          ...(d.admin ? { admin: true } : {}),
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
    case 'permit': {
      // The store finds the device (a fingerprint in any spelling) and keeps what --admin alone does not change.
      const result = store.setPermissions(command.target, command.permissions, command.admin)
      if (!result.ok) return fail(result.error.code as 'no-such-device' | 'ambiguous', result.error.message)
      const device = result.value
      audit(device, 'permissions', describePermissions(device))
      options.out(`${device.name} (${device.fingerprint}): ${describePermissions(device)}\n`)
      return ok(undefined)
    }
    case 'approve':
    case 'revoke': {
      const result =
        command.action === 'approve' ? store.approve(command.target, now) : store.revoke(command.target, now)
      if (!result.ok) return fail(result.error.code as 'no-such-device' | 'ambiguous', result.error.message)
      const device = result.value
      audit(device, device.state, device.via)
      options.out(`${device.state} ${device.name} (${device.fingerprint})\n`)
      return ok(undefined)
    }
  }
}

/** What a device may do, in words: `view-only`, `actions key,chord; keys KeyA; never Meta+KeyQ; admin`. */
export function describePermissions(device: Pick<StoredDevice, 'permissions' | 'admin'>): string {
  const p = device.permissions ?? {}
  const parts = [
    p.viewOnly ? 'view-only' : undefined,
    p.actions ? `actions ${p.actions.join(',')}` : undefined,
    p.keys ? `keys ${p.keys.join(',')}` : undefined,
    p.forbiddenChords?.length ? `never ${p.forbiddenChords.join(',')}` : undefined,
  ].filter(Boolean)
  return [...(parts.length > 0 ? parts : ['everything']), ...(device.admin ? ['admin'] : [])].join('; ')
}
