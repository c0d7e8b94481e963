#!/usr/bin/env node
// The `shard` command. This file is committed, not built: npm links a bin at install time only when its
// file exists, and in a fresh clone dist/ is built after the install (by `prepare`).
import '../dist/bin.js';
