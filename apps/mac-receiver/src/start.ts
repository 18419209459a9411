import { resolveLink } from '@keyroom/device-kit'
import { fail, ok, type ProtocolError, type Result } from '@keyroom/key-events'
import type { Logger } from 'pino'
import type { Command } from './cli-args.js'
import { type CommandContext, TOOL } from './commands.js'
import { type ReceiverService, startReceiverService } from './receiver-service.js'
import { probeXDisplay } from './x-display.js'

/**
 * `run`: the link from --link / $KEYROOM_LINK or the stored pairing, a usable display for the nut driver on Linux,
 * then the service; a `usage` error if something is unusable.
 */
export async function startReceiver(
  command: Extract<Command, { kind: 'run' }>,
  ctx: CommandContext,
  logger: Logger,
): Promise<Result<ReceiverService, ProtocolError>> {
  const link = await resolveLink(command.link, { tool: TOOL, configDir: ctx.configDir })
  if (!link.ok) return link
  if (command.driver === 'nut' && ctx.platform === 'linux') {
    const display = await probeXDisplay()
    if (!display.ok) return fail('usage', display.error.message)
  }
  const service = await startReceiverService({
    link: link.value,
    driver: command.driver,
    ...(command.name ? { name: command.name } : {}),
    logger,
    platform: ctx.platform,
    run: ctx.run,
    stateDir: ctx.configDir,
    ...(ctx.humanOutput ? { humanOutput: true } : {}),
  })
  logger.info({ relay: link.value.relay, room: link.value.room, driver: command.driver }, 'receiver started')
  return ok(service)
}
