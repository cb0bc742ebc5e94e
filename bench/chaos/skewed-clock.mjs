// Preloaded (NODE_OPTIONS=--import) into the one worker process the chaos run starts with a
// wrong clock: Date.now() and `new Date()` run LIFELINE_CHAOS_CLOCK_OFFSET_MS ahead, as on a
// machine whose clock drifted. Only this process is affected; the database keeps true time.
const offset = Number(process.env.LIFELINE_CHAOS_CLOCK_OFFSET_MS ?? '0');
if (Number.isFinite(offset) && offset !== 0) {
  const TrueDate = Date;
  const trueNow = TrueDate.now.bind(TrueDate);
  class SkewedDate extends TrueDate {
    constructor(...args) {
      if (args.length === 0) super(trueNow() + offset);
      else super(...args);
    }
    static now() {
      return trueNow() + offset;
    }
  }
  globalThis.Date = SkewedDate;
}
