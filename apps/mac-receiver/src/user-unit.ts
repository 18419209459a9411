import { quoteArg } from '@keyroom/device-kit'

export const USER_UNIT_NAME = 'keyroom-receiver.service'

/**
 * The `systemd --user` unit for the receiver on Linux: it runs in the user's graphical session (nut.js needs its X
 * display), restarts after a crash but not after a clean stop, like the macOS LaunchAgent.
 */
export function renderUserUnit(definition: {
  programArguments: readonly string[]
  workingDirectory: string
  environment: Record<string, string>
}): string {
  const environment = Object.entries(definition.environment).map(
    ([name, value]) => `Environment=${quoteArg(`${name}=${value}`)}`,
  )
  return `[Unit]
Description=keyroom receiver: types what a paired keyroom keypad sends
After=graphical-session.target
PartOf=graphical-session.target

[Service]
Type=simple
WorkingDirectory=${quoteArg(definition.workingDirectory)}
${environment.join('\n')}
ExecStart=${definition.programArguments.map(quoteArg).join(' ')}
KillSignal=SIGTERM
TimeoutStopSec=10
Restart=on-failure
RestartSec=10

[Install]
WantedBy=graphical-session.target
`
}
