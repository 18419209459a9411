import type { Browser, Page } from 'playwright-core'

/**
 * Chromium's DevTools `Input.dispatchTouchEvent` stamps the touch when the command arrives, then waits for the page's
 * next frame to be committed (`InsertVisualStateCallback` in content/browser/devtools/protocol/input_handler.cc,
 * "make sure the compositor is up to date") before its input router takes the touch: 8-15 ms in headless Chromium,
 * all inside the pointer event's time stamp, and nothing a real touchscreen does. The input latency trace records
 * both instants per touch; their difference is that wait.
 */
const CATEGORIES = ['latencyInfo']

interface TraceEvent {
  name?: string
  ph?: string
  args?: { chrome_latency_info?: { component_info?: { component_type?: string; time_us?: number }[] } }
}

/** Starts recording the input latency trace of `page`; `stop()` gives each touch start's wait, in order. */
export async function traceTouchDispatch(browser: Browser, page: Page) {
  await browser.startTracing(page, { categories: CATEGORIES })
  return {
    /** Per touch start: ms from the DevTools time stamp to Chromium's input router taking the touch. */
    async stop(): Promise<number[]> {
      // A touch's latency record is written once its frame is shown: let the last tap's frame go out first.
      await page.evaluate(
        () => new Promise((shown) => requestAnimationFrame(() => requestAnimationFrame(shown))),
      )
      const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }
      return trace.traceEvents
        .filter((event) => event.name === 'InputLatency::TouchStart' && event.ph === 'b')
        .map((event) => {
          const at = (type: string) =>
            event.args?.chrome_latency_info?.component_info?.find((c) => c.component_type === type)?.time_us
          const stamped = at('COMPONENT_INPUT_EVENT_LATENCY_ORIGINAL')
          const taken = at('COMPONENT_INPUT_EVENT_LATENCY_BEGIN_RWH')
          if (stamped === undefined || taken === undefined) {
            throw new Error('a touch start in the trace without its time stamp or the time it was taken')
          }
          return (taken - stamped) / 1000
        })
    },
  }
}
