// Preloaded into the measured kaudit process: reports its peak memory on exit.
process.on('exit', () => {
  process.stderr.write(`\nKAUDIT_BENCH ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
});
