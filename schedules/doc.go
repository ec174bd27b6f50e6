// Package schedules runs jobs on cron schedules for `refit serve`, in the
// shape of Prometheus's rule groups: one goroutine per schedule, stop all
// then wait, count missed fires instead of bursting, and a failed reload
// keeps the old set.
//
// # Specs
//
// A spec is a robfig/cron/v3 expression as [Parse] accepts it (and so do
// config checks):
// five fields with an optional leading seconds field, descriptors such as
// @hourly or @every 90s, and a CRON_TZ=Zone prefix. A spec without a zone
// fires in the zone of the scheduler's clock (Options.Now). Fire times in
// Status, RunInfo and the logs are in the zone the spec fires in, as
// [Next] gives them.
//
// When daylight saving time ends, the wall clock repeats an hour (01:00 to
// 02:00 twice in New York). As in Vixie cron, a spec at fixed times of day
// fires once at a repeated time: "30 1 * * *" fires at 01:30 EDT and not
// again at 01:30 EST, where robfig/cron alone fires at both. A spec with a
// wildcard ("*" or "?", with or without a step) in its seconds, minutes or
// hours field ("*/15 * * * *", "30 * * * *", @hourly) fires at every real
// instant that matches, the repeated hour's included, and so does an @every
// interval. A time that the spring change skips does not fire that day.
//
// # One job at a time
//
// A Scheduler serves one workspace, and every job it runs touches that
// workspace (the catalog, the champion, the processed files), so at most one
// job runs at a time. A fire that finds another schedule's job running
// waits for it, up to [Options].MaxWait: two schedules firing in the same
// second (a nightly run at 02:00 and an @hourly audit) both run, one after
// the other, and when the running job ends, the waiting fire with the
// highest [Schedule].Priority starts first (refit serve puts runs before
// audits). The same holds for the workspace lock of another process (see
// [FileLock]): the fire tries it again every [Options].LockPoll. Every wait
// is counted ([Status].Queued, Waited; [RunInfo].Waited) and logged. A fire
// is skipped, and counted under a reason, only when it cannot run:
// [SkipOverlap] (the same schedule's job is still running or waiting),
// [SkipBusy] and [SkipLocked] (the workspace stayed held by another job or
// another process for all of MaxWait) and [SkipMissed] (the scheduler itself
// did not run at the fire time, because the process stalled, the machine
// slept or the wall clock jumped: after such a gap the job runs once and the
// fires in between are counted).
//
// # Time
//
// Loops sleep at most a minute at a time and re-read the wall clock, so a
// suspended machine or a clock change is noticed within a minute. Each job
// runs with a context that is canceled by its schedule's Timeout and by
// Stop.
//
// # Errors and panics
//
// New and Reload return errors wrapping [ErrInvalid] naming every bad
// schedule; nothing in the package panics. A job's panic is recovered and
// recorded as a failed run, so one bad job does not bring the daemon down.
package schedules
