// `node -r ./bench/lib/cpu-at-exit.cjs ...` writes the process's CPU time (user + system, all threads, ms) at
// exit as `CPU_MS <n>` on stderr: on a loaded machine CPU time says what a start-up costs where wall time
// mostly says how long the process waited for a core.
process.on('exit', () => {
  const { user, system } = process.cpuUsage()
  process.stderr.write(`CPU_MS ${(user + system) / 1000}\n`)
})
