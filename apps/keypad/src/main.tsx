import { systemTimers, type Target } from '@keyroom/room-client'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App, type LatePointer } from './app.js'
import { followDeviceJoins } from './device-joins.js'
import { browserFeedbackHost, createFeedback } from './feedback.js'
import { createKeypadController } from './keypad-controller.js'
import { joinOf, linkFromHash, loadRooms } from './pairing.js'
import type { PointerSender } from './pointer-sender.js'
import { createSession } from './session.js'
import { loadSettings } from './settings.js'
import { type KeyValueStore, memoryStore } from './storage.js'
import { watchServiceWorker } from './sw-update.js'
import { keepScreenOn } from './wake-lock.js'
import './styles.css'

// Wiring only: every decision lives in the modules imported above.
const store: KeyValueStore = (() => {
  try {
    return window.localStorage
  } catch {
    return memoryStore()
  }
})()
const settings = loadSettings(store)
const rooms = loadRooms(store)
const fromHash = linkFromHash(location.hash)
// A link is only offered: the app asks before joining it (a foreign page can navigate here with its own link).
const offer = fromHash?.ok ? fromHash.value : undefined
const problem =
  fromHash && !fromHash.ok ? `This pairing link does not work: ${fromHash.error.message}` : undefined
// The pairing secret must not linger in the address bar or history.
if (fromHash) history.replaceState(null, '', location.pathname + location.search)

// This phone's identity and the handshake's crypto load after the first render; joining waits for them.
const connector = import('./device-connection.js').then((m) =>
  m.deviceConnector(
    'indexedDB' in window ? window.indexedDB : undefined,
    window.isSecureContext ? window.crypto.subtle : undefined,
  ),
)
const session = createSession({
  connect: async (options) => (await connector).connect(options),
  name: settings.name,
  setInterval: systemTimers.setInterval,
  clearInterval: systemTimers.clearInterval,
})
const controller = createKeypadController({
  send: session.send,
  timers: systemTimers,
  now: () => performance.now(),
})
// A device that joins mid-hold (a receiver restarted) has none of this phone's keys down.
followDeviceJoins(session, (peer) => controller.deviceJoined(peer.name))
// The pointer sender comes with the trackpad tab's code; until it is loaded nothing is held to release.
let pointerSender: PointerSender | undefined
let pointerTarget: Target = 'all'
const pointer: LatePointer = {
  forget: () => pointerSender?.forget(),
  releaseHeld: () => pointerSender?.releaseHeld(),
  setTarget(target) {
    pointerTarget = target
    pointerSender?.setTarget(target)
  },
  async load() {
    const { createPointerSender } = await import('./pointer-sender.js')
    pointerSender ??= createPointerSender({
      send: session.send,
      timers: systemTimers,
      now: () => performance.now(),
    })
    pointerSender.setTarget(pointerTarget)
    return pointerSender
  },
}
const feedback = createFeedback(browserFeedbackHost(), settings.sound)
const first = rooms[0] ? joinOf(rooms[0]) : undefined
if (first) session.open(first)
keepScreenOn()
const updates = watchServiceWorker('serviceWorker' in navigator ? navigator.serviceWorker : undefined, () =>
  location.reload(),
)
window.addEventListener('load', () => updates.start(), { once: true })
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') updates.check()
})

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
createRoot(root).render(
  <StrictMode>
    <App
      session={session}
      controller={controller}
      pointer={pointer}
      timers={systemTimers}
      feedback={feedback}
      store={store}
      initialRooms={rooms}
      initialSettings={settings}
      initialProblem={problem}
      initialOffer={offer}
      updates={updates}
      connector={connector}
    />
  </StrictMode>,
)
