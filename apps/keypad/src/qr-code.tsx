import { type DeviceLink, formatDeviceLink, renderQrSvg } from '@keyroom/room-client'
import { useEffect, useState } from 'react'

/**
 * The room's receiver link as a QR code, so a second phone can join (loaded on demand). Without the pairing secret:
 * that phone waits as pending until someone approves it on the receiver.
 */
export default function QrCode({ link, keypadUrl }: { link: DeviceLink; keypadUrl: string }) {
  const { pairingSecret: _secret, ...shared } = link
  const text = formatDeviceLink(shared, keypadUrl)
  const [svg, setSvg] = useState<string | undefined>()
  useEffect(() => {
    let live = true
    void renderQrSvg(text).then((markup) => live && setSvg(markup))
    return () => {
      live = false
    }
  }, [text])
  return (
    <figure className="qr">
      {svg ? (
        // The SVG comes from our own QR encoder, not from the network.
        // biome-ignore lint/security/noDangerouslySetInnerHtml: locally generated SVG
        <div role="img" aria-label="Pairing QR code" dangerouslySetInnerHTML={{ __html: svg }} />
      ) : (
        <p className="loading">Drawing QR code…</p>
      )}
      <figcaption>
        <input
          readOnly
          aria-label="This keypad's pairing link"
          value={text}
          onFocus={(e) => e.currentTarget.select()}
        />
      </figcaption>
    </figure>
  )
}
