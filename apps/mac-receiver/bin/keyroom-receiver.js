#!/usr/bin/env node
// The installed command; device-kit's runBuilt says why it lives outside dist/.
import { runBuilt } from '@keyroom/device-kit/run-built'

await runBuilt(new URL('../dist/main.js', import.meta.url), 'keyroom-receiver', '@keyroom/mac-receiver')
