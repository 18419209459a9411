import { MAX_KEY_USAGE } from './hid-usages.js'

/*
 * Report descriptors of the gadget's three HID functions, item by item (HID 1.11 section 6.2.2: one prefix byte
 * = tag, type and size, then 0, 1 or 2 data bytes, little-endian).
 */

/**
 * The boot keyboard of HID 1.11 appendix B.1 / E.6: 8 modifier bits, a reserved byte, 5 LED bits (output) and six
 * key slots. One change: the key slots reach usage 0x73 (F24), not 0x65, so F13–F24 and Keypad = are not dropped by
 * hosts that check the logical range. The boot report format is the same either way.
 */
// biome-ignore format: one descriptor item per line
export const KEYBOARD_REPORT_DESCRIPTOR = Buffer.from([
  0x05, 0x01, // Usage Page (Generic Desktop)
  0x09, 0x06, // Usage (Keyboard)
  0xa1, 0x01, // Collection (Application)
  0x05, 0x07, //   Usage Page (Keyboard/Keypad)
  0x19, 0xe0, //   Usage Minimum (Left Control)
  0x29, 0xe7, //   Usage Maximum (Right GUI)
  0x15, 0x00, //   Logical Minimum (0)
  0x25, 0x01, //   Logical Maximum (1)
  0x75, 0x01, //   Report Size (1)
  0x95, 0x08, //   Report Count (8)
  0x81, 0x02, //   Input (Data, Variable, Absolute): modifier bits
  0x95, 0x01, //   Report Count (1)
  0x75, 0x08, //   Report Size (8)
  0x81, 0x01, //   Input (Constant): reserved byte
  0x95, 0x05, //   Report Count (5)
  0x75, 0x01, //   Report Size (1)
  0x05, 0x08, //   Usage Page (LEDs)
  0x19, 0x01, //   Usage Minimum (Num Lock)
  0x29, 0x05, //   Usage Maximum (Kana)
  0x91, 0x02, //   Output (Data, Variable, Absolute): LED bits
  0x95, 0x01, //   Report Count (1)
  0x75, 0x03, //   Report Size (3)
  0x91, 0x01, //   Output (Constant): LED padding
  0x95, 0x06, //   Report Count (6)
  0x75, 0x08, //   Report Size (8)
  0x15, 0x00, //   Logical Minimum (0)
  0x25, MAX_KEY_USAGE, // Logical Maximum (115)
  0x05, 0x07, //   Usage Page (Keyboard/Keypad)
  0x19, 0x00, //   Usage Minimum (0)
  0x29, MAX_KEY_USAGE, // Usage Maximum (115)
  0x81, 0x00, //   Input (Data, Array, Absolute): six key slots
  0xc0, //       End Collection
])

/** A relative mouse: 5 buttons, X, Y, wheel (Generic Desktop) and horizontal pan (Consumer AC Pan), 8-bit each. */
// biome-ignore format: one descriptor item per line
export const MOUSE_REPORT_DESCRIPTOR = Buffer.from([
  0x05, 0x01, // Usage Page (Generic Desktop)
  0x09, 0x02, // Usage (Mouse)
  0xa1, 0x01, // Collection (Application)
  0x09, 0x01, //   Usage (Pointer)
  0xa1, 0x00, //   Collection (Physical)
  0x05, 0x09, //     Usage Page (Button)
  0x19, 0x01, //     Usage Minimum (Button 1)
  0x29, 0x05, //     Usage Maximum (Button 5)
  0x15, 0x00, //     Logical Minimum (0)
  0x25, 0x01, //     Logical Maximum (1)
  0x95, 0x05, //     Report Count (5)
  0x75, 0x01, //     Report Size (1)
  0x81, 0x02, //     Input (Data, Variable, Absolute): buttons
  0x95, 0x01, //     Report Count (1)
  0x75, 0x03, //     Report Size (3)
  0x81, 0x01, //     Input (Constant): padding
  0x05, 0x01, //     Usage Page (Generic Desktop)
  0x09, 0x30, //     Usage (X)
  0x09, 0x31, //     Usage (Y)
  0x09, 0x38, //     Usage (Wheel)
  0x15, 0x81, //     Logical Minimum (-127)
  0x25, 0x7f, //     Logical Maximum (127)
  0x75, 0x08, //     Report Size (8)
  0x95, 0x03, //     Report Count (3)
  0x81, 0x06, //     Input (Data, Variable, Relative)
  0x05, 0x0c, //     Usage Page (Consumer)
  0x0a, 0x38, 0x02, // Usage (AC Pan)
  0x95, 0x01, //     Report Count (1)
  0x81, 0x06, //     Input (Data, Variable, Relative)
  0xc0, //         End Collection
  0xc0, //       End Collection
])

/** Consumer control: one 16-bit usage at a time (0 = none), the media keys' page. */
// biome-ignore format: one descriptor item per line
export const CONSUMER_REPORT_DESCRIPTOR = Buffer.from([
  0x05, 0x0c, // Usage Page (Consumer)
  0x09, 0x01, // Usage (Consumer Control)
  0xa1, 0x01, // Collection (Application)
  0x15, 0x00, //   Logical Minimum (0)
  0x26, 0xff, 0x03, // Logical Maximum (1023)
  0x19, 0x00, //   Usage Minimum (0)
  0x2a, 0xff, 0x03, // Usage Maximum (1023)
  0x75, 0x10, //   Report Size (16)
  0x95, 0x01, //   Report Count (1)
  0x81, 0x00, //   Input (Data, Array, Absolute)
  0xc0, //       End Collection
])
