import { quoteArg } from '@keyroom/device-kit'

/** What goes into the generated unit. */
export interface UnitOptions {
  /** Absolute path of the node binary (`process.execPath`). */
  node: string
  /** Absolute path of the built entry point, `.../apps/pi-agent/dist/main.js`. */
  main: string
  /** Absolute path of the pin map. */
  pins: string
  /** Root-only file with `KEYROOM_LINK="..."`; systemd reads it before dropping privileges. */
  environmentFile: string
  /** @default 'keyroom-pi' */
  user?: string
  /** Device name announced in the room. */
  name?: string
}

export const DEFAULT_SERVICE_USER = 'keyroom-pi'

const underHome = (path: string) => /^\/(home|root)(\/|$)/.test(path)

/**
 * The systemd unit for the agent: a dedicated user in the `gpio` group, restarted on failure, with the sandboxing
 * that keeps sysfs GPIO writable. Left out on purpose: PrivateDevices, ProtectKernelTunables (sysfs read-only) and
 * MemoryDenyWriteExecute (V8's JIT) all break the agent.
 */
export function renderUnit(options: UnitOptions): string {
  const user = options.user ?? DEFAULT_SERVICE_USER
  const exec = [options.node, options.main, 'run', '--pins', options.pins]
  if (options.name !== undefined) exec.push('--name', options.name)
  // ProtectHome=yes hides /home: a node from nvm or a checkout in ~pi would vanish, so it becomes read-only there.
  const homeNeeded = [options.node, options.main, options.pins].some(underHome)
  return `[Unit]
Description=keyroom Pi agent: GPIO pins driven by keys from a keyroom room
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${user}
Group=${user}
SupplementaryGroups=gpio
EnvironmentFile=${options.environmentFile}
Environment=NODE_ENV=production
ExecStart=${exec.map(quoteArg).join(' ')}
ExecReload=/bin/kill -USR2 $MAINPID
KillSignal=SIGTERM
TimeoutStopSec=10
Restart=on-failure
RestartSec=2
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=${homeNeeded ? 'read-only' : 'yes'}
PrivateTmp=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
CapabilityBoundingSet=
LockPersonality=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
UMask=0077

[Install]
WantedBy=multi-user.target
`
}

/** The environment file's one line; double quotes keep `#`, `&` and `=` of the link intact. */
export const renderEnvironmentFile = (link: string) =>
  `# keyroom Pi agent pairing: holds the room key, keep it root-only (0600)\nKEYROOM_LINK="${link.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"\n`
