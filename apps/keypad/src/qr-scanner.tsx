import { useEffect, useRef, useState } from 'react'
import { createFrameDecoder } from './qr-scan.js'

const SCAN_EVERY_MS = 250
/** Stop looking after this long: the camera should not stay on by accident. */
const SCAN_FOR_MS = 120_000

/** Camera QR scanner (loaded on demand); hands the first code it reads to `onResult`. */
export default function QrScanner({ onResult, onClose }: { onResult(text: string): void; onClose(): void }) {
  const video = useRef<HTMLVideoElement>(null)
  const [problem, setProblem] = useState<string | undefined>()
  useEffect(() => {
    let stream: MediaStream | undefined
    let timer: ReturnType<typeof setInterval> | undefined
    let stopped = false
    const started = Date.now()
    const stop = () => {
      stopped = true
      if (timer !== undefined) clearInterval(timer)
      for (const track of stream?.getTracks() ?? []) track.stop()
    }
    const start = async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setProblem('This browser cannot use the camera here (it needs HTTPS).')
        return
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } })
      } catch (error) {
        setProblem(`No camera: ${error instanceof Error ? error.message : String(error)}`)
        return
      }
      if (stopped || !video.current) return stop()
      video.current.srcObject = stream
      await video.current.play().catch(() => undefined)
      const decode = await createFrameDecoder()
      let busy = false
      timer = setInterval(() => {
        if (busy || !video.current) return
        if (Date.now() - started > SCAN_FOR_MS) {
          stop()
          setProblem('No QR code found; try again.')
          return
        }
        busy = true
        decode(video.current)
          .then((text) => {
            if (text && !stopped) {
              stop()
              onResult(text)
            }
          })
          .catch(() => undefined)
          .finally(() => {
            busy = false
          })
      }, SCAN_EVERY_MS)
    }
    void start()
    return stop
  }, [onResult])
  return (
    <div className="scanner">
      <video ref={video} muted playsInline aria-label="Camera" />
      {problem ? (
        <p className="problem" role="alert">
          {problem}
        </p>
      ) : null}
      <button type="button" className="action secondary" onClick={onClose}>
        Stop scanning
      </button>
    </div>
  )
}
