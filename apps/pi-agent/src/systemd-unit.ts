import { quoteArg } from '@keyroom/device-kit'

/** What goes into the generated unit. */
export interface UnitOptions {
  /** Absolute path of the node binary (`process.execPath`). */
  node: string
  /** Absolute path of the built entry point, `.../apps/pi-agent/dist/main.js`. */
  main: string
  /** Absolute path of the pin map; absent for a USB keyboard without pins. */
  pins?: string
  /** Run as a USB keyboard (`--driver hid`), after the gadget unit. */
  hid?: { layout?: string }
  /** The paired state dir (identity, room, devices, audit log), owned by the service user, mode 0700. */
  stateDir: string
  /** @default 'keyroom-pi' */
  user?: string
  /** Device name announced in the room. */
  name?: string
}

export const DEFAULT_SERVICE_USER = 'keyroom-pi'
/** The oneshot that sets the USB gadget up at boot, before the agent. */
export const HID_UNIT_NAME = 'keyroom-pi-hid.service'

const underHome = (path: string) => /^\/(home|root)(\/|$)/.test(path)

/**
 * The systemd unit for the agent: a dedicated user in the `gpio` group, restarted on failure, with the sandboxing
 * that keeps sysfs GPIO writable. Left out on purpose: PrivateDevices, ProtectKernelTunables (sysfs read-only) and
 * MemoryDenyWriteExecute (V8's JIT) all break the agent.
 */
export function renderUnit(options: UnitOptions): string {
  const user = options.user ?? DEFAULT_SERVICE_USER
  const exec = [options.node, options.main, 'run']
  if (options.pins !== undefined) exec.push('--pins', options.pins)
  if (options.hid) exec.push('--driver', 'hid')
  if (options.hid?.layout !== undefined) exec.push('--layout', options.hid.layout)
  if (options.name !== undefined) exec.push('--name', options.name)
  // After every stop, also a crash or SIGKILL that no signal handler sees: every output at rest, HID keys up.
  const safe = [options.node, options.main, 'safe-outputs']
  if (options.pins !== undefined) safe.push('--pins', options.pins)
  if (options.hid) safe.push('--driver', 'hid')
  // ProtectHome=yes hides /home: a node from nvm or a checkout in ~pi would vanish, so it becomes read-only there.
  const homeNeeded = [options.node, options.main, options.pins, options.hid?.layout].some(
    (path) => path !== undefined && underHome(path),
  )
  const after = options.hid ? `network-online.target ${HID_UNIT_NAME}` : 'network-online.target'
  return `[Unit]
Description=keyroom Pi agent: ${options.hid ? 'a USB keyboard and mouse' : 'GPIO pins'} driven by keys from a keyroom room
After=${after}
Wants=network-online.target
${options.hid ? `Requires=${HID_UNIT_NAME}\n` : ''}
[Service]
Type=simple
User=${user}
Group=${user}
${options.pins !== undefined ? 'SupplementaryGroups=gpio\n' : ''}Environment=NODE_ENV=production
Environment=${quoteArg(`KEYROOM_CONFIG_DIR=${options.stateDir}`)}
StateDirectory=keyroom-pi
StateDirectoryMode=0700
ReadWritePaths=${quoteArg(options.stateDir)}
ExecStart=${exec.map(quoteArg).join(' ')}
ExecStopPost=${safe.map(quoteArg).join(' ')}
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

/**
 * The boot unit for the USB gadget: loads libcomposite, then `hid setup` (as root: configfs is root's), before the
 * agent starts; stopping it runs `hid teardown`. Waits for configfs to be mounted.
 */
export function renderHidUnit(options: { node: string; main: string }): string {
  const command = (action: string) => [options.node, options.main, 'hid', action].map(quoteArg).join(' ')
  return `[Unit]
Description=keyroom Pi agent: USB gadget (keyboard, mouse, media keys)
After=sys-kernel-config.mount systemd-modules-load.service
Requires=sys-kernel-config.mount
Before=keyroom-pi.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStartPre=-/sbin/modprobe libcomposite
ExecStart=${command('setup')}
ExecStop=${command('teardown')}

[Install]
WantedBy=multi-user.target
`
}

/** Lets the service user open /dev/hidg* (root-only by default); f_hid's device class is `hidg`. */
export const renderHidgUdevRule = (user: string) =>
  `# keyroom Pi agent: the service user writes the USB gadget's HID reports\nSUBSYSTEM=="hidg", KERNEL=="hidg[0-9]*", GROUP="${user}", MODE="0660"\n`
