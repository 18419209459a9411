import { parsePairingLink, type RoomLink } from '@keyroom/room-client'
import { loadPairing } from '@keyroom/room-client/pairing-store'
import type { Logger } from 'pino'
import type { Command } from './cli-args.js'
import type { CommandContext } from './commands.js'
import { type ReceiverService, startReceiverService } from './receiver-service.js'
import { probeXDisplay } from './x-display.js'

/**
 * `run`: the link from --link or the stored pairing, a usable display for the nut driver on Linux, then the service;
 * undefined (after saying why) if something is unusable.
 */
export async function startReceiver(
  command: Extract<Command, { kind: 'run' }>,
  ctx: CommandContext,
  logger: Logger,
): Promise<ReceiverService | undefined> {
  let link: RoomLink
  if (command.link) {
    const parsed = parsePairingLink(command.link)
    if (!parsed.ok) {
      logger.error({ error: parsed.error }, `--link: ${parsed.error.message}`)
      return undefined
    }
    link = parsed.value
  } else {
    const stored = await loadPairing(ctx.configDir, 'keyroom-receiver pair')
    if (!stored.ok) {
      logger.error({ error: stored.error }, stored.error.message)
      return undefined
    }
    link = stored.value
  }
  if (command.driver === 'nut' && ctx.platform === 'linux') {
    const display = await probeXDisplay()
    if (!display.ok) {
      logger.error({ error: display.error }, display.error.message)
      return undefined
    }
  }
  const service = await startReceiverService({
    link,
    driver: command.driver,
    ...(command.name ? { name: command.name } : {}),
    logger,
    platform: ctx.platform,
    run: ctx.run,
  })
  logger.info({ relay: link.relay, room: link.room, driver: command.driver }, 'receiver started')
  return service
}
