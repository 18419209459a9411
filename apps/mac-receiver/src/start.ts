import { pairedRoom } from '@keyroom/device-kit'
import { fail, type ProtocolError, type Result } from '@keyroom/key-events'
import type { Logger } from 'pino'
import type { Command } from './cli-args.js'
import { type CommandContext, TOOL } from './commands.js'
import { type ReceiverService, startReceiverService } from './receiver-service.js'
import { probeXDisplay } from './x-display.js'

/**
 * `run`: the room this computer paired into (a `usage` error naming `pair` if it never did, or did with an older
 * keyroom), a usable display for the nut driver on Linux, then the service.
 */
export async function startReceiver(
  command: Extract<Command, { kind: 'run' }>,
  ctx: CommandContext,
  logger: Logger,
): Promise<Result<ReceiverService, ProtocolError>> {
  const paired = pairedRoom({ tool: TOOL, configDir: ctx.configDir })
  if (!paired.ok) return paired
  if (command.driver === 'nut' && ctx.platform === 'linux') {
    const display = await probeXDisplay()
    if (!display.ok) return fail('usage', display.error.message)
  }
  const service = await startReceiverService({
    driver: command.driver,
    ...(command.name ? { name: command.name } : {}),
    logger,
    platform: ctx.platform,
    run: ctx.run,
    stateDir: ctx.configDir,
    ...(ctx.humanOutput ? { humanOutput: true } : {}),
  })
  if (!service.ok) return service
  const { relay } = service.value.room.link
  logger.info(
    { relay, fingerprint: service.value.room.identity.fingerprint, driver: command.driver },
    'receiver started',
  )
  return service
}
