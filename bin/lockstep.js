#!/usr/bin/env node
import '../dist/src/cmd/lockstep.js';
