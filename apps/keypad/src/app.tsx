import { parsePairingLink } from '@keyroom/room-client'
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import { unavailableKeys } from './capabilities.js'
import type { Feedback } from './feedback.js'
import { InsecureNotice } from './insecure-notice.js'
import { KeyGrid } from './key-grid.js'
import type { KeypadController } from './keypad-controller.js'
import { getLayout, LAYOUTS, type LayoutId } from './layouts.js'
import { MacroPad } from './macro-pad.js'
import { type Macro, saveMacros } from './macros.js'
import { forgetRoom, linkFromHash, rememberRoom, type StoredRoom, saveRooms, toRoomLink } from './pairing.js'
import { PairingPanel } from './pairing-panel.js'
import type { PointerSender } from './pointer-sender.js'
import type { Session } from './session.js'
import { type Settings, saveSettings } from './settings.js'
import { StatusBar } from './status-bar.js'
import type { KeyValueStore } from './storage.js'
import { TextField } from './text-field.js'
import { Trackpad } from './trackpad.js'
import type { GestureTimers } from './trackpad-gestures.js'

export interface AppProps {
  session: Session
  controller: KeypadController
  pointer: PointerSender
  /** For the trackpad's long press. */
  timers: GestureTimers
  feedback: Feedback
  store: KeyValueStore
  initialRooms: StoredRoom[]
  initialMacros: Macro[]
  initialSettings: Settings
  /** A broken pairing link the page was opened with. */
  initialProblem?: string | undefined
}

/**
 * Phone-side latency, readable in devtools and by the e2e test: from the pointer handler starting to the sealed
 * message handed to socket.io, and from the browser's event time stamp (which adds the browser's input pipeline).
 */
export const PRESS_TO_SEND = 'keyroom:press-to-send'
export const EVENT_TO_SEND = 'keyroom:event-to-send'

export function App(props: AppProps) {
  const { session, controller, pointer, feedback, store } = props
  const sessionState = useSyncExternalStore(session.subscribe, session.getSnapshot)
  const keys = useSyncExternalStore(controller.subscribe, controller.getSnapshot)
  const [rooms, setRooms] = useState(props.initialRooms)
  const [macros, setMacros] = useState(props.initialMacros)
  const [settings, setSettings] = useState(props.initialSettings)
  const [panelOpen, setPanelOpen] = useState(props.initialRooms.length === 0)
  const [linkProblem, setLinkProblem] = useState(props.initialProblem)

  const onDown = useCallback(
    (pointerId: number, key: Parameters<KeypadController['pointerDown']>[1], timeStamp: number) => {
      const start = performance.now()
      controller.pointerDown(pointerId, key)
      const end = performance.now()
      performance.measure(PRESS_TO_SEND, { start, end })
      performance.measure(EVENT_TO_SEND, { start: timeStamp, end })
      feedback.press()
    },
    [controller, feedback],
  )
  const onUp = useCallback((pointerId: number) => controller.pointerUp(pointerId), [controller])

  const switchTo = (next: StoredRoom[]) => {
    setRooms(next)
    saveRooms(store, next)
    const first = next[0]
    const link = first ? toRoomLink(first) : undefined
    if (link) session.open(link)
    else session.close()
  }
  const onLink = (text: string): string | undefined => {
    const parsed = parsePairingLink(text.trim())
    if (!parsed.ok) return `Not a pairing link: ${parsed.error.message}`
    switchTo(rememberRoom(rooms, parsed.value, Date.now()))
    setLinkProblem(undefined)
    setPanelOpen(false)
    return undefined
  }
  const onSettings = (next: Settings) => {
    setSettings(next)
    saveSettings(store, next)
    feedback.setSound(next.sound)
  }

  // A second pairing link opened in this same tab arrives as a new fragment.
  const latestOnLink = useRef(onLink)
  latestOnLink.current = onLink
  useEffect(() => {
    const onHash = () => {
      if (!linkFromHash(location.hash)) return
      setLinkProblem(latestOnLink.current(location.hash))
      history.replaceState(null, '', location.pathname + location.search)
    }
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])

  useEffect(() => {
    const onVisibility = () => {
      if (document.visibilityState !== 'hidden') return
      controller.pageHidden()
      pointer.releaseHeld()
    }
    document.addEventListener('visibilitychange', onVisibility)
    return () => document.removeEventListener('visibilitychange', onVisibility)
  }, [controller, pointer])

  const unavailable = useMemo(() => unavailableKeys(sessionState.peers), [sessionState.peers])
  const layout = getLayout(settings.layout)
  const setLayout = (id: LayoutId) => onSettings({ ...settings, layout: id })

  return (
    <div className="app">
      <header className="top">
        <StatusBar session={sessionState} />
        <button
          type="button"
          className="action secondary"
          aria-expanded={panelOpen}
          onClick={() => setPanelOpen((v) => !v)}
        >
          Pairing
        </button>
      </header>
      <InsecureNotice />
      {linkProblem ? (
        <p className="problem" role="alert">
          {linkProblem}
        </p>
      ) : null}
      {panelOpen ? (
        <PairingPanel
          rooms={rooms}
          active={sessionState.link}
          settings={settings}
          onLink={onLink}
          onSwitch={(room) => {
            const link = toRoomLink(room)
            if (link) switchTo(rememberRoom(rooms, link, Date.now()))
          }}
          onForget={(room) => switchTo(forgetRoom(rooms, room.room))}
          onSettings={onSettings}
        />
      ) : null}
      <nav className="layouts" aria-label="Layouts">
        {LAYOUTS.map((l) => (
          <button
            type="button"
            key={l.id}
            className="tab"
            aria-pressed={l.id === layout.id}
            onClick={() => setLayout(l.id)}
          >
            {l.name}
          </button>
        ))}
      </nav>
      <main className="pad">
        {layout.id === 'macros' ? (
          <MacroPad
            macros={macros}
            onRun={(macro) => {
              const result = controller.runMacro(macro)
              if (result.ok) feedback.press()
              else setLinkProblem(`${macro.label}: ${result.error.message}`)
            }}
            onChange={(next) => {
              setMacros(next)
              saveMacros(store, next)
            }}
          />
        ) : layout.id === 'trackpad' ? (
          <div className="trackpad-tab">
            <Trackpad
              pointer={pointer}
              timers={props.timers}
              speed={settings.pointerSpeed}
              onSpeed={(pointerSpeed) => onSettings({ ...settings, pointerSpeed })}
            />
            <KeyGrid
              layout={layout}
              modifiers={keys.modifiers}
              held={keys.held}
              onDown={onDown}
              onUp={onUp}
            />
          </div>
        ) : (
          <KeyGrid
            layout={layout}
            modifiers={keys.modifiers}
            held={keys.held}
            unavailable={unavailable}
            onDown={onDown}
            onUp={onUp}
          />
        )}
      </main>
      <footer className="bottom">
        <TextField onSend={(text) => controller.typeText(text)} />
        <button
          type="button"
          className="release-all"
          onClick={() => {
            pointer.forget()
            controller.releaseAll()
          }}
        >
          Release all
        </button>
      </footer>
    </div>
  )
}
