/** What the keypad uses of the browser for feedback; passed in so it works (silently) anywhere. */
export interface FeedbackHost {
  vibrate?: ((ms: number) => boolean) | undefined
  createAudioContext?: (() => AudioContext) | undefined
}

export interface Feedback {
  /** A key press: a short buzz where the browser can vibrate, and a click when sound is on. */
  press(): void
  setSound(on: boolean): void
}

/** Haptics where there are any (`navigator.vibrate`; iOS has none), an optional WebAudio click. */
export function createFeedback(host: FeedbackHost, sound = false): Feedback {
  let soundOn = sound
  let audio: AudioContext | undefined
  const click = () => {
    audio ??= host.createAudioContext?.()
    if (!audio) return
    if (audio.state === 'suspended') void audio.resume()
    const at = audio.currentTime
    const oscillator = audio.createOscillator()
    const gain = audio.createGain()
    oscillator.frequency.value = 1800
    gain.gain.setValueAtTime(0.15, at)
    gain.gain.exponentialRampToValueAtTime(0.001, at + 0.03)
    oscillator.connect(gain).connect(audio.destination)
    oscillator.start(at)
    oscillator.stop(at + 0.035)
  }
  return {
    press() {
      try {
        host.vibrate?.(10)
        if (soundOn) click()
      } catch {
        // Feedback is a nicety: a browser that refuses it must not stop the key.
      }
    },
    setSound(on) {
      soundOn = on
    },
  }
}

export function browserFeedbackHost(): FeedbackHost {
  const nav = typeof navigator === 'undefined' ? undefined : navigator
  const AudioCtor = typeof AudioContext === 'undefined' ? undefined : AudioContext
  return {
    vibrate: typeof nav?.vibrate === 'function' ? (ms) => nav.vibrate(ms) : undefined,
    createAudioContext: AudioCtor ? () => new AudioCtor() : undefined,
  }
}
