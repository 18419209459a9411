/** Keeps the screen on while the keypad is open, re-acquiring the lock when the page comes back. */
export function keepScreenOn(doc: Document = document, nav: Navigator = navigator): () => void {
  let sentinel: WakeLockSentinel | undefined
  let stopped = false
  const acquire = async () => {
    if (stopped || doc.visibilityState !== 'visible' || !('wakeLock' in nav)) return
    try {
      sentinel = await nav.wakeLock.request('screen')
    } catch {
      // Refused (battery saver, no user gesture yet): the keypad works without it.
    }
  }
  const onVisibility = () => void acquire()
  doc.addEventListener('visibilitychange', onVisibility)
  void acquire()
  return () => {
    stopped = true
    doc.removeEventListener('visibilitychange', onVisibility)
    void sentinel?.release()
  }
}
