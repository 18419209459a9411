import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { join, relative } from 'node:path'
import { tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { checkPrerequisites, setupGadget, teardownGadget } from '../src/hid-gadget.js'
import { fakeGadgetSystem } from './hid-fakes.js'

/** Every file, link and directory under `dir`, with file contents (text, or hex for report_desc). */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const full = join(at, name)
      const key = relative(dir, full)
      const stat = lstatSync(full)
      if (stat.isSymbolicLink()) out[key] = `-> ${relative(dir, readlinkSync(full))}`
      else if (stat.isDirectory()) {
        out[`${key}/`] = ''
        walk(full)
      } else
        out[key] = name === 'report_desc' ? readFileSync(full).toString('hex') : readFileSync(full, 'utf8')
    }
  }
  walk(dir)
  return out
}

// Report descriptors as bytes from the HID spec (see hid-descriptors.test.ts for the item-by-item reading).
const bytes = (text: string) => text.replaceAll(/\s/g, '')
const KEYBOARD_DESC =
  bytes(`05 01 09 06 a1 01 05 07 19 e0 29 e7 15 00 25 01 75 01 95 08 81 02 95 01 75 08 81 01
  95 05 75 01 05 08 19 01 29 05 91 02 95 01 75 03 91 01 95 06 75 08 15 00 25 73 05 07 19 00 29 73 81 00 c0`)
const MOUSE_DESC =
  bytes(`05 01 09 02 a1 01 09 01 a1 00 05 09 19 01 29 05 15 00 25 01 95 05 75 01 81 02 95 01 75 03
  81 01 05 01 09 30 09 31 09 38 15 81 25 7f 75 08 95 03 81 06 05 0c 0a 38 02 95 01 81 06 c0 c0`)
const CONSUMER_DESC = bytes('05 0c 09 01 a1 01 15 00 26 ff 03 19 00 2a ff 03 75 10 95 01 81 00 c0')

describe('hid setup / teardown on a fake configfs tree', () => {
  it('writes exactly the gadget tree and binds the UDC; teardown removes all of it', () => {
    const system = fakeGadgetSystem(tempDir('keyroom-gadget-'))
    const done = setupGadget(system)
    expect(done).toMatchObject({ ok: true, value: { changed: true, udc: 'fe980000.usb' } })
    const gadget = join(system.configfsRoot, 'usb_gadget', 'keyroom')
    expect(tree(gadget)).toEqual({
      UDC: 'fe980000.usb\n',
      bcdDevice: '0x0100\n',
      bcdUSB: '0x0200\n',
      'configs/': '',
      'configs/c.1/': '',
      'configs/c.1/MaxPower': '250\n',
      'configs/c.1/bmAttributes': '0x80\n',
      'configs/c.1/hid.consumer': '-> functions/hid.consumer',
      'configs/c.1/hid.keyboard': '-> functions/hid.keyboard',
      'configs/c.1/hid.mouse': '-> functions/hid.mouse',
      'configs/c.1/strings/': '',
      'configs/c.1/strings/0x409/': '',
      'configs/c.1/strings/0x409/configuration': 'keyboard, mouse and media keys\n',
      'functions/': '',
      'functions/hid.consumer/': '',
      'functions/hid.consumer/protocol': '0\n',
      'functions/hid.consumer/report_desc': CONSUMER_DESC,
      'functions/hid.consumer/report_length': '2\n',
      'functions/hid.consumer/subclass': '0\n',
      'functions/hid.keyboard/': '',
      'functions/hid.keyboard/protocol': '1\n',
      'functions/hid.keyboard/report_desc': KEYBOARD_DESC,
      'functions/hid.keyboard/report_length': '8\n',
      'functions/hid.keyboard/subclass': '1\n',
      'functions/hid.mouse/': '',
      'functions/hid.mouse/protocol': '2\n',
      'functions/hid.mouse/report_desc': MOUSE_DESC,
      'functions/hid.mouse/report_length': '5\n',
      'functions/hid.mouse/subclass': '1\n',
      idProduct: '0x0104\n',
      idVendor: '0x1d6b\n',
      'strings/': '',
      'strings/0x409/': '',
      'strings/0x409/manufacturer': 'keyroom\n',
      'strings/0x409/product': 'keyroom keyboard and mouse\n',
      'strings/0x409/serialnumber': 'keyroom-test\n',
    })
    expect(teardownGadget(system)).toEqual({ ok: true, value: { removed: true } })
    expect(existsSync(gadget)).toBe(false)
    expect(readdirSync(join(system.configfsRoot, 'usb_gadget'))).toEqual([])
  })

  it('is idempotent: a second setup changes nothing, a drifted attribute is rewritten, teardown twice is fine', () => {
    const system = fakeGadgetSystem(tempDir('keyroom-gadget-'))
    expect(setupGadget(system)).toMatchObject({ ok: true, value: { changed: true } })
    const gadget = join(system.configfsRoot, 'usb_gadget', 'keyroom')
    const before = tree(gadget)
    expect(setupGadget(system)).toMatchObject({ ok: true, value: { changed: false } })
    expect(tree(gadget)).toEqual(before)
    // An older agent's descriptor, or an unbound gadget: set up again from scratch.
    writeFileSync(join(gadget, 'functions/hid.keyboard/report_desc'), Buffer.from([0x05, 0x01]))
    expect(setupGadget(system)).toMatchObject({ ok: true, value: { changed: true } })
    expect(tree(gadget)).toEqual(before)
    writeFileSync(join(gadget, 'UDC'), '\n')
    expect(setupGadget(system)).toMatchObject({ ok: true, value: { changed: true } })
    expect(tree(gadget)).toEqual(before)
    expect(teardownGadget(system)).toEqual({ ok: true, value: { removed: true } })
    expect(teardownGadget(system)).toEqual({ ok: true, value: { removed: false } })
  })

  it('explains each missing prerequisite and writes nothing', () => {
    const dir = tempDir('keyroom-gadget-')
    const system = fakeGadgetSystem(dir, [])
    const noUdc = setupGadget(system)
    expect(noUdc).toMatchObject({ ok: false, error: { code: 'no-udc' } })
    expect(!noUdc.ok && noUdc.error.message).toMatch(/add dtoverlay=dwc2,dr_mode=peripheral to .*config\.txt/)
    writeFileSync(system.bootConfigs[0]!, '[all]\ndtoverlay=dwc2\n')
    const afterOverlay = checkPrerequisites(system)
    expect(!afterOverlay.ok && afterOverlay.error.message).toMatch(/has dtoverlay=dwc2: reboot/)
    expect(readdirSync(join(system.configfsRoot, 'usb_gadget'))).toEqual([])

    rmSync(join(system.configfsRoot, 'usb_gadget'), { recursive: true })
    const noComposite = checkPrerequisites(system)
    expect(noComposite).toMatchObject({ ok: false, error: { code: 'no-libcomposite' } })
    expect(!noComposite.ok && noComposite.error.message).toMatch(/sudo modprobe libcomposite.*\/etc\/modules/)
    expect(checkPrerequisites({ ...system, configfsRoot: join(dir, 'nowhere') })).toMatchObject({
      ok: false,
      error: { code: 'no-configfs', message: expect.stringMatching(/mount -t configfs/) },
    })
  })

  it('refuses a controller another gadget holds, and a --udc that does not exist', () => {
    const system = fakeGadgetSystem(tempDir('keyroom-gadget-'), ['3f980000.usb', 'fe980000.usb'])
    const ether = join(system.configfsRoot, 'usb_gadget', 'g_ether')
    mkdirSync(ether)
    writeFileSync(join(ether, 'UDC'), '3f980000.usb\n')
    const busy = setupGadget(system)
    expect(busy).toMatchObject({ ok: false, error: { code: 'udc-busy' } })
    expect(!busy.ok && busy.error.message).toContain('g_ether')
    expect(setupGadget({ ...system, udc: 'nope.usb' })).toMatchObject({
      ok: false,
      error: { code: 'unknown-udc' },
    })
    expect(setupGadget({ ...system, udc: 'fe980000.usb' })).toMatchObject({
      ok: true,
      value: { udc: 'fe980000.usb' },
    })
  })
})
