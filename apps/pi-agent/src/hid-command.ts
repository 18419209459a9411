import { fail, ok, type ProtocolError, type Result } from '@keyroom/key-events'
import { type GadgetOptions, setupGadget, teardownGadget } from './hid-gadget.js'

export interface HidCommand {
  action: 'setup' | 'teardown'
  configfsRoot?: string
  udcDir?: string
  udc?: string
}

/** `keyroom-pi hid setup|teardown`: does it and says what it did; a missing prerequisite is a usage error with the fix. */
export function runHidCommand(command: HidCommand, say: (line: string) => void): Result<void, ProtocolError> {
  const options: GadgetOptions = {
    ...(command.configfsRoot === undefined ? {} : { configfsRoot: command.configfsRoot }),
    ...(command.udcDir === undefined ? {} : { udcDir: command.udcDir }),
    ...(command.udc === undefined ? {} : { udc: command.udc }),
  }
  if (command.action === 'teardown') {
    const done = teardownGadget(options)
    if (!done.ok) return fail('usage', done.error.message)
    say(done.value.removed ? 'removed the keyroom USB gadget' : 'no keyroom USB gadget to remove')
    return ok(undefined)
  }
  const done = setupGadget(options)
  if (!done.ok) return fail('usage', done.error.message)
  const { devices, udc, gadgetDir, changed } = done.value
  const where = (path: string | undefined) => path ?? '(no dev file: not a real configfs)'
  say(
    `${changed ? 'set up' : 'already set up:'} ${gadgetDir} bound to ${udc}: keyboard ${where(devices.keyboard)}, mouse ${where(devices.mouse)}, media keys ${where(devices.consumer)}`,
  )
  return ok(undefined)
}
