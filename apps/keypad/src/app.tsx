import { type DeviceLink, type Target, toBase64url } from '@keyroom/room-client'
import {
  type ComponentProps,
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react'
import { BUILD_INFO } from './build-info.js'
import { unavailableKeys } from './capabilities.js'
import type { DeviceConnector } from './device-connection.js'
import type { Feedback } from './feedback.js'
import { JoinRoomDialog } from './join-room-dialog.js'
import { KeyGrid } from './key-grid.js'
import type { KeypadController } from './keypad-controller.js'
import { getLayout, LAYOUTS, type LayoutId } from './layouts.js'
import {
  dropSecrets,
  forgetRoom,
  joinOf,
  linkFromHash,
  parseReceiverLink,
  rememberLink,
  roomUsedNow,
  type StoredRoom,
  saveRooms,
} from './pairing.js'
import type { PointerSender } from './pointer-sender.js'
import type { Session, SessionSnapshot } from './session.js'
import { type Settings, saveSettings, targetOf } from './settings.js'
import { StatusBar } from './status-bar.js'
import type { KeyValueStore } from './storage.js'
import type { UpdatePrompt as Updates } from './sw-update.js'
import { TargetPicker } from './target-picker.js'
import { TextField } from './text-field.js'
import type { GestureTimers } from './trackpad-gestures.js'
import { UpdatePrompt } from './update-prompt.js'

/** The trackpad's pointer sender, loaded with its tab; release-all and a hidden page reach it once it exists. */
export interface LatePointer {
  forget(): void
  releaseHeld(): void
  /** Where pointer actions go (the trackpad layout's choice); held buttons are let go first. */
  setTarget(target: Target): void
  load(): Promise<PointerSender>
}

/** The trackpad and its sender, loaded with their tab: the gesture code is not needed to type. */
const lazyTrackpad = (pointer: LatePointer) =>
  lazy(async () => {
    const [{ Trackpad }, sender] = await Promise.all([import('./trackpad.js'), pointer.load()])
    return {
      default: (props: Omit<ComponentProps<typeof Trackpad>, 'pointer'>) => (
        <Trackpad {...props} pointer={sender} />
      ),
    }
  })

// Each loaded with its tab, or only where it applies (plain http): what is not needed to type stays out of the
// first load, which is close to its budget.
const MacroPad = lazy(() => import('./macro-pad.js').then((module) => ({ default: module.MacroPad })))
const InsecureNotice = lazy(() =>
  import('./insecure-notice.js').then((module) => ({ default: module.InsecureNotice })),
)
// Loaded when opened: a phone that opens a pairing link types without it.
const PairingPanel = lazy(() =>
  import('./pairing-panel.js').then((module) => ({ default: module.PairingPanel })),
)

export interface AppProps {
  session: Session
  controller: KeypadController
  pointer: LatePointer
  /** For the trackpad's long press. */
  timers: GestureTimers
  feedback: Feedback
  store: KeyValueStore
  initialRooms: StoredRoom[]
  initialSettings: Settings
  /** A broken pairing link the page was opened with. */
  initialProblem?: string | undefined
  /** A pairing link the page was opened with: joined only once the user confirms. */
  initialOffer?: DeviceLink | undefined
  updates: Updates
  /** This phone's identity and the crypto, loaded after the first render. */
  connector: Promise<DeviceConnector>
}

/**
 * Phone-side latency, readable in devtools and by the e2e test: from the pointer handler starting to the sealed
 * message handed to socket.io, and from the browser's event time stamp (which adds the browser's input pipeline).
 */
export const PRESS_TO_SEND = 'keyroom:press-to-send'
export const EVENT_TO_SEND = 'keyroom:event-to-send'

/** How long a receiver's notice stays on the status line and its key. */
export const NOTICE_SHOWN_MS = 6_000

/** The notice while it is fresh: each new one shows for NOTICE_SHOWN_MS, then goes. */
function useBrief(notice: SessionSnapshot['notice']): SessionSnapshot['notice'] {
  const [shown, setShown] = useState(notice)
  useEffect(() => {
    setShown(notice)
    if (!notice) return
    const timer = setTimeout(() => setShown(undefined), NOTICE_SHOWN_MS)
    return () => clearTimeout(timer)
  }, [notice])
  return shown
}

export function App(props: AppProps) {
  const { session, controller, pointer, feedback, store } = props
  const sessionState = useSyncExternalStore(session.subscribe, session.getSnapshot)
  const keys = useSyncExternalStore(controller.subscribe, controller.getSnapshot)
  const [rooms, setRooms] = useState(props.initialRooms)
  const [settings, setSettings] = useState(props.initialSettings)
  const [panelOpen, setPanelOpen] = useState(props.initialRooms.length === 0 && !props.initialOffer)
  const [linkProblem, setLinkProblem] = useState(props.initialProblem)
  const [offer, setOffer] = useState(props.initialOffer)
  const notice = useBrief(sessionState.notice)
  const [Trackpad] = useState(() => lazyTrackpad(pointer))
  const [connector, setConnector] = useState<DeviceConnector | undefined>()
  useEffect(() => {
    void props.connector.then(setConnector)
  }, [props.connector])
  const activeRoom = rooms.find(
    (r) => r.room === sessionState.link?.room && r.relay === sessionState.link?.relay,
  )
  // The receivers' names tell rooms on one relay apart where the room's own name is only the relay's host.
  const receiverNames = (activeRoom?.receivers ?? []).map((r) => r.name).join(', ')
  const admins = useMemo(
    () => sessionState.peers.filter((p) => p.trusted && p.status?.state === 'approved' && p.status.admin),
    [sessionState.peers],
  )

  // Once a receiver approved this phone, the link's pairing secret is dropped: the link left in history is then worth
  // nothing, and the phone proves itself by its identity from now on.
  const activeRoomId = activeRoom?.room
  useEffect(() => {
    if (!activeRoomId) return
    const approved = sessionState.peers
      .filter((p) => p.trusted && p.status?.state === 'approved')
      .map((p) => p.key)
    if (approved.length === 0) return
    setRooms((current) => {
      const next = dropSecrets(current, activeRoomId, approved)
      if (next !== current) saveRooms(store, next)
      return next
    })
  }, [sessionState.peers, activeRoomId, store])

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
    const join = first ? joinOf(first) : undefined
    if (join) session.open(join)
    else session.close()
  }
  const onLink = (text: string): string | undefined => {
    const parsed = parseReceiverLink(text)
    if (!parsed.ok) return `Not a pairing link: ${parsed.error.message}`
    // Asked first, like a link in the address bar: a scanned or pasted link can name any relay.
    setOffer(parsed.value)
    setLinkProblem(undefined)
    setPanelOpen(false)
    return undefined
  }
  const join = (link: DeviceLink, label: string) => {
    switchTo(rememberLink(rooms, link, Date.now(), label))
    setOffer(undefined)
    setPanelOpen(false)
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

  const layout = getLayout(settings.layout)
  const setLayout = (id: LayoutId) => onSettings({ ...settings, layout: id })
  // Each layout sends where the user chose for it; switching layout or choice lets held keys go first.
  const target = targetOf(settings, layout.id)
  const unavailable = useMemo(() => unavailableKeys(sessionState.peers, target), [sessionState.peers, target])
  useEffect(() => {
    controller.setTarget(target)
    pointer.setTarget(target)
  }, [controller, pointer, target])
  const setTarget = (next: Target) =>
    onSettings({ ...settings, targets: { ...settings.targets, [layout.id]: next } })

  return (
    <div className="app">
      <header className="top">
        <StatusBar session={sessionState} notice={notice} />
        <button
          type="button"
          className="action secondary"
          aria-expanded={panelOpen}
          onClick={() => setPanelOpen((v) => !v)}
        >
          Pairing
        </button>
      </header>
      {activeRoom ? (
        <p className="active-room" data-testid="active-room">
          Room <strong>{activeRoom.label}</strong>
          {receiverNames ? <span className="room-devices"> · {receiverNames}</span> : null}
        </p>
      ) : null}
      {offer ? (
        <JoinRoomDialog
          key={offer.room}
          offer={{
            relay: offer.relay,
            room: offer.room,
            receiver: {
              name: offer.name,
              fingerprint: offer.peer && connector?.fingerprintOf(offer.peer),
            },
            phoneFingerprint: connector?.fingerprint,
            adds:
              offer.room === activeRoom?.room &&
              !activeRoom.receivers.some((r) => offer.peer && r.key === toBase64url(offer.peer)),
          }}
          current={offer.room === activeRoom?.room ? undefined : activeRoom?.label}
          onJoin={(label) => join(offer, label)}
          onCancel={() => setOffer(undefined)}
        />
      ) : null}
      <UpdatePrompt updates={props.updates} />
      {window.isSecureContext ? null : (
        <Suspense fallback={null}>
          <InsecureNotice />
        </Suspense>
      )}
      {linkProblem ? (
        <p className="problem" role="alert">
          {linkProblem}
        </p>
      ) : null}
      {keys.notice ? (
        <p className="problem" role="status">
          {keys.notice}
        </p>
      ) : null}
      {panelOpen ? (
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <PairingPanel
            rooms={rooms}
            active={sessionState.link}
            settings={settings}
            onLink={onLink}
            onSwitch={(room) => switchTo(roomUsedNow(rooms, room, Date.now()))}
            onForget={(room) => switchTo(forgetRoom(rooms, room.room))}
            onSettings={onSettings}
            build={BUILD_INFO}
            phone={connector}
            admins={admins}
            onManage={session.manage}
          />
        </Suspense>
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
      <TargetPicker
        label={layout.id === 'trackpad' ? 'Pointer and keys go to' : 'Keys go to'}
        peers={sessionState.peers}
        value={target}
        onChange={setTarget}
      />
      <main className="pad">
        {layout.id === 'macros' ? (
          <Suspense fallback={<p className="loading">Loading…</p>}>
            <MacroPad
              store={store}
              onRun={(actions, to) => {
                controller.runActions(actions, to)
                feedback.press()
              }}
              onProblem={setLinkProblem}
              peers={sessionState.peers}
            />
          </Suspense>
        ) : layout.id === 'trackpad' ? (
          <div className="trackpad-tab">
            <Suspense fallback={<p className="loading">Loading…</p>}>
              <Trackpad
                timers={props.timers}
                speed={settings.pointerSpeed}
                onSpeed={(pointerSpeed) => onSettings({ ...settings, pointerSpeed })}
              />
            </Suspense>
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
            noticeKey={notice?.key}
            onDown={onDown}
            onUp={onUp}
          />
        )}
      </main>
      <footer className="bottom">
        <TextField
          onSend={(text) => {
            // Typed while offline: kept in the field rather than lost in a send that cannot arrive.
            if (sessionState.state !== 'connected' || !navigator.onLine) return false
            controller.typeText(text)
            return true
          }}
          onActions={(actions) => controller.runActions(actions)}
        />
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
