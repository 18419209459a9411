import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  statfsSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { err, ok, type Result } from '@keyroom/key-events'
import {
  CONSUMER_REPORT_DESCRIPTOR,
  KEYBOARD_REPORT_DESCRIPTOR,
  MOUSE_REPORT_DESCRIPTOR,
} from './hid-descriptors.js'
import { CONSUMER_REPORT_LENGTH, KEYBOARD_REPORT_LENGTH, MOUSE_REPORT_LENGTH } from './hid-reports.js'

export const DEFAULT_CONFIGFS_ROOT = '/sys/kernel/config'
export const DEFAULT_UDC_DIR = '/sys/class/udc'
export const GADGET_NAME = 'keyroom'
/** Where Raspberry Pi OS Bookworm keeps config.txt; older releases used /boot/config.txt. */
export const BOOT_CONFIGS = ['/boot/firmware/config.txt', '/boot/config.txt']

export interface GadgetOptions {
  /** @default DEFAULT_CONFIGFS_ROOT */
  configfsRoot?: string
  /** @default DEFAULT_UDC_DIR */
  udcDir?: string
  /** Which controller to bind; @default the first in udcDir */
  udc?: string
  /** The USB serial number hosts remember the device by. @default derived from /etc/machine-id */
  serial?: string
  /** config.txt files looked at to explain a missing controller. @default BOOT_CONFIGS */
  bootConfigs?: string[]
}

export interface GadgetProblem {
  code: 'no-configfs' | 'no-libcomposite' | 'no-udc' | 'unknown-udc' | 'udc-busy' | 'write-failed'
  message: string
}

export type HidFunctionName = 'keyboard' | 'mouse' | 'consumer'

export interface SetupDone {
  /** false when the gadget was already there exactly as wanted. */
  changed: boolean
  udc: string
  gadgetDir: string
  /** `/dev/hidgN` of each function, read from its `dev` file (major:minor); undefined where the kernel gave none. */
  devices: Record<HidFunctionName, string | undefined>
}

/** Every function of the gadget: its configfs attributes (a boot keyboard, a boot mouse, consumer control). */
export const HID_FUNCTIONS: readonly {
  name: HidFunctionName
  protocol: number
  subclass: number
  reportLength: number
  descriptor: Buffer
}[] = [
  // Created in this order, so on a Pi with no other HID gadget they get hidg0, hidg1, hidg2.
  {
    name: 'keyboard',
    protocol: 1,
    subclass: 1,
    reportLength: KEYBOARD_REPORT_LENGTH,
    descriptor: KEYBOARD_REPORT_DESCRIPTOR,
  },
  {
    name: 'mouse',
    protocol: 2,
    subclass: 1,
    reportLength: MOUSE_REPORT_LENGTH,
    descriptor: MOUSE_REPORT_DESCRIPTOR,
  },
  {
    name: 'consumer',
    protocol: 0,
    subclass: 0,
    reportLength: CONSUMER_REPORT_LENGTH,
    descriptor: CONSUMER_REPORT_DESCRIPTOR,
  },
]

const CONFIG = 'configs/c.1'
const ENGLISH = 'strings/0x409'
/** statfs f_type of configfs (include/uapi/linux/magic.h). */
const CONFIGFS_MAGIC = 0x62656570

function defaultSerial(): string {
  try {
    return `keyroom-${readFileSync('/etc/machine-id', 'utf8').trim().slice(0, 12)}`
  } catch {
    return 'keyroom'
  }
}

/** Every attribute file of the gadget, relative to its directory, with its content (text gets a newline, as echo). */
function wantedAttributes(serial: string): [string, string | Buffer][] {
  return [
    // Linux Foundation / Multifunction Composite Gadget: the IDs the kernel documentation uses for this.
    ['idVendor', '0x1d6b'],
    ['idProduct', '0x0104'],
    ['bcdDevice', '0x0100'],
    ['bcdUSB', '0x0200'],
    [`${ENGLISH}/manufacturer`, 'keyroom'],
    [`${ENGLISH}/product`, 'keyroom keyboard and mouse'],
    [`${ENGLISH}/serialnumber`, serial],
    [`${CONFIG}/bmAttributes`, '0x80'],
    [`${CONFIG}/MaxPower`, '250'],
    [`${CONFIG}/${ENGLISH}/configuration`, 'keyboard, mouse and media keys'],
    ...HID_FUNCTIONS.flatMap((f): [string, string | Buffer][] => [
      [`functions/hid.${f.name}/protocol`, String(f.protocol)],
      [`functions/hid.${f.name}/subclass`, String(f.subclass)],
      [`functions/hid.${f.name}/report_length`, String(f.reportLength)],
      [`functions/hid.${f.name}/report_desc`, f.descriptor],
    ]),
  ]
}

const gadgetDirOf = (root: string) => join(root, 'usb_gadget', GADGET_NAME)

const readText = (file: string) => {
  try {
    return readFileSync(file, 'utf8').trim()
  } catch {
    return undefined
  }
}

/** Which UDC to bind, or why there is none: the explanations are what a person setting up a Pi needs to read. */
export function checkPrerequisites(options: GadgetOptions = {}): Result<{ udc: string }, GadgetProblem> {
  const root = options.configfsRoot ?? DEFAULT_CONFIGFS_ROOT
  const udcDir = options.udcDir ?? DEFAULT_UDC_DIR
  if (!existsSync(root)) {
    return err({
      code: 'no-configfs',
      message: `configfs is not mounted at ${root}: sudo mount -t configfs none ${root} (systemd mounts it at boot on Raspberry Pi OS)`,
    })
  }
  if (!existsSync(join(root, 'usb_gadget'))) {
    return err({
      code: 'no-libcomposite',
      message: `${root}/usb_gadget is missing: the libcomposite module is not loaded. Run sudo modprobe libcomposite, and add a line libcomposite to /etc/modules so it loads at every boot`,
    })
  }
  const controllers = existsSync(udcDir) ? readdirSync(udcDir).sort() : []
  if (controllers.length === 0) {
    const config = (options.bootConfigs ?? BOOT_CONFIGS).find((file) => existsSync(file))
    const hasOverlay = config !== undefined && /^\s*dtoverlay=dwc2\b/m.test(readText(config) ?? '')
    const where = config ?? '/boot/firmware/config.txt'
    return err({
      code: 'no-udc',
      message: hasOverlay
        ? `no USB device controller in ${udcDir} although ${where} has dtoverlay=dwc2: reboot after adding it, and use a board whose port can be a device (Zero/Zero 2 W: the inner port marked USB; Pi 4/5: the USB-C power port; Pi 3 and older cannot)`
        : `no USB device controller in ${udcDir}: add dtoverlay=dwc2,dr_mode=peripheral to ${where} (in the [all] section) and reboot. Only boards whose port can be a device work: Zero/Zero 2 W (inner port marked USB), Pi 4/5 (USB-C power port), CM4/CM5; Pi 3 and older cannot`,
    })
  }
  const udc = options.udc ?? controllers[0]!
  if (!controllers.includes(udc)) {
    return err({
      code: 'unknown-udc',
      message: `there is no USB device controller "${udc}" in ${udcDir} (found: ${controllers.join(', ')})`,
    })
  }
  // A controller takes one gadget: another one bound to it (USB Ethernet, serial) makes binding fail with EBUSY.
  const gadgets = join(root, 'usb_gadget')
  for (const other of readdirSync(gadgets)) {
    if (other === GADGET_NAME) continue
    if (readText(join(gadgets, other, 'UDC')) === udc) {
      return err({
        code: 'udc-busy',
        message: `${udc} is already used by the gadget ${gadgets}/${other}: unbind it (echo "" > ${gadgets}/${other}/UDC) or pick another with --udc`,
      })
    }
  }
  return ok({ udc })
}

/** On a real configfs the attribute files come and go with their directories; a plain test tree needs them written and removed. */
const isConfigfs = (dir: string) => {
  try {
    return statfsSync(dir).type === CONFIGFS_MAGIC
  } catch {
    return false
  }
}

const sameContent = (file: string, want: string | Buffer) => {
  try {
    const have = readFileSync(file)
    return typeof want === 'string' ? have.toString('utf8').trim() === want : have.equals(want)
  } catch {
    return false
  }
}

function matches(gadgetDir: string, serial: string, udc: string): boolean {
  if (!wantedAttributes(serial).every(([file, want]) => sameContent(join(gadgetDir, file), want)))
    return false
  const linked = HID_FUNCTIONS.every((f) => {
    try {
      return (
        readlinkSync(join(gadgetDir, CONFIG, `hid.${f.name}`)) ===
        join(gadgetDir, 'functions', `hid.${f.name}`)
      )
    } catch {
      return false
    }
  })
  return linked && readText(join(gadgetDir, 'UDC')) === udc
}

function devicesOf(gadgetDir: string): Record<HidFunctionName, string | undefined> {
  const device = (name: HidFunctionName) => {
    const minor = readText(join(gadgetDir, 'functions', `hid.${name}`, 'dev'))?.split(':')[1]
    return minor === undefined ? undefined : `/dev/hidg${minor}`
  }
  return { keyboard: device('keyboard'), mouse: device('mouse'), consumer: device('consumer') }
}

/**
 * Writes the gadget (`<configfs>/usb_gadget/keyroom`: a boot keyboard, a boot mouse and consumer control in one
 * configuration) and binds it to the UDC. Idempotent: a gadget already there exactly so is left alone; one that
 * differs (an older descriptor, another UDC) is taken down and written again.
 */
export function setupGadget(options: GadgetOptions = {}): Result<SetupDone, GadgetProblem> {
  const checked = checkPrerequisites(options)
  if (!checked.ok) return checked
  const { udc } = checked.value
  const root = options.configfsRoot ?? DEFAULT_CONFIGFS_ROOT
  const gadgetDir = gadgetDirOf(root)
  const serial = options.serial ?? defaultSerial()
  if (matches(gadgetDir, serial, udc))
    return ok({ changed: false, udc, gadgetDir, devices: devicesOf(gadgetDir) })
  const removed = teardownGadget(options)
  if (!removed.ok) return removed
  const step = (what: string, action: () => void): GadgetProblem | undefined => {
    try {
      action()
      return undefined
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (what === 'bind' && code === 'EBUSY') {
        return {
          code: 'udc-busy',
          message: `${udc} is busy: another gadget holds it (a g_ether or g_serial module, modules-load=dwc2,g_ether in cmdline.txt?): ${(error as Error).message}`,
        }
      }
      return { code: 'write-failed', message: `cannot ${what}: ${(error as Error).message}` }
    }
  }
  const failed =
    step('create the gadget directories', () => {
      for (const dir of [
        ENGLISH,
        `${CONFIG}/${ENGLISH}`,
        ...HID_FUNCTIONS.map((f) => `functions/hid.${f.name}`),
      ]) {
        mkdirSync(join(gadgetDir, dir), { recursive: true })
      }
    }) ??
    step('write the gadget attributes', () => {
      for (const [file, content] of wantedAttributes(serial)) {
        writeFileSync(join(gadgetDir, file), typeof content === 'string' ? `${content}\n` : content)
      }
    }) ??
    step('link the functions into the configuration', () => {
      for (const f of HID_FUNCTIONS) {
        symlinkSync(join(gadgetDir, 'functions', `hid.${f.name}`), join(gadgetDir, CONFIG, `hid.${f.name}`))
      }
    }) ??
    step('bind', () => writeFileSync(join(gadgetDir, 'UDC'), `${udc}\n`))
  if (failed) {
    // Leave nothing half-made behind.
    teardownGadget(options)
    return err(failed)
  }
  return ok({ changed: true, udc, gadgetDir, devices: devicesOf(gadgetDir) })
}

/**
 * Unbinds and removes the gadget, in the order configfs demands: UDC, the configuration's links, its strings, the
 * configuration, the functions, the gadget's strings, the gadget. Removing a gadget that is not there is fine.
 */
export function teardownGadget(options: GadgetOptions = {}): Result<{ removed: boolean }, GadgetProblem> {
  const gadgetDir = gadgetDirOf(options.configfsRoot ?? DEFAULT_CONFIGFS_ROOT)
  if (!existsSync(gadgetDir)) return ok({ removed: false })
  const plainTree = !isConfigfs(gadgetDir)
  const removeDir = (relative: string) => {
    const dir = join(gadgetDir, relative)
    if (!existsSync(dir)) return
    if (plainTree) {
      // What configfs makes by itself: attribute files and empty default groups (strings/, os_desc/…).
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) rmdirSync(join(dir, entry.name))
        else unlinkSync(join(dir, entry.name))
      }
    }
    rmdirSync(dir)
  }
  try {
    if (readText(join(gadgetDir, 'UDC'))) writeFileSync(join(gadgetDir, 'UDC'), '\n')
    const config = join(gadgetDir, CONFIG)
    if (existsSync(config)) {
      for (const entry of readdirSync(config, { withFileTypes: true })) {
        if (entry.isSymbolicLink()) unlinkSync(join(config, entry.name))
      }
    }
    removeDir(`${CONFIG}/${ENGLISH}`)
    removeDir(CONFIG)
    const functions = join(gadgetDir, 'functions')
    if (existsSync(functions)) for (const name of readdirSync(functions)) removeDir(`functions/${name}`)
    removeDir(ENGLISH)
    removeDir('')
  } catch (error) {
    return err({ code: 'write-failed', message: `cannot remove ${gadgetDir}: ${(error as Error).message}` })
  }
  return ok({ removed: true })
}
