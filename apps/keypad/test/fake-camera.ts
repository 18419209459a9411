import { writeFileSync } from 'node:fs'
import { renderQrSvg } from '@keyroom/room-client'
import type { Browser } from 'playwright-core'

const WIDTH = 640
const HEIGHT = 480

/**
 * Writes a Y4M video (what Chromium's `--use-file-for-fake-video-capture` plays as the camera) that shows `text`
 * as a QR code. The QR is drawn by room-client's own SVG renderer and rasterized by Chromium itself.
 */
export async function writeQrVideo(browser: Browser, text: string, file: string): Promise<void> {
  const svg = await renderQrSvg(text)
  const page = await browser.newPage()
  try {
    const luma = await page.evaluate(
      async ({ svg, width, height }) => {
        const image = new Image()
        image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
        await image.decode()
        const canvas = document.createElement('canvas')
        canvas.width = width
        canvas.height = height
        const context = canvas.getContext('2d')
        if (!context) throw new Error('no 2d canvas')
        context.fillStyle = '#fff'
        context.fillRect(0, 0, width, height)
        const side = height - 40
        context.drawImage(image, (width - side) / 2, 20, side, side)
        const { data } = context.getImageData(0, 0, width, height)
        const y: number[] = []
        for (let i = 0; i < data.length; i += 4)
          y.push(Math.round(0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!))
        return y
      },
      { svg, width: WIDTH, height: HEIGHT },
    )
    const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128)
    const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.from(luma), chroma])
    const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`)
    writeFileSync(file, Buffer.concat([header, frame, frame]))
  } finally {
    await page.close()
  }
}
