import QRCode from 'qrcode'

/** The link as a QR code drawn with block characters, for a terminal. */
export const renderQrTerminal = (text: string): Promise<string> =>
  QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'L' })

/** The link as an SVG document, for a browser. */
export const renderQrSvg = (text: string): Promise<string> =>
  QRCode.toString(text, { type: 'svg', margin: 2, errorCorrectionLevel: 'L' })
