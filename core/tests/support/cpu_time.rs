//! CPU time of the calling thread, for tests that bound how much work a call does: unlike
//! wall-clock time it does not grow when other processes load the machine. Read from
//! /proc/thread-self/stat (utime + stime, in the kernel's USER_HZ = 100 ticks a second), so the
//! resolution is 10 ms.

use std::time::Duration;

/// The calling thread's user + system CPU time so far.
pub fn thread_cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("/proc/thread-self/stat");
    // Fields after the command name (which is in parentheses and may hold spaces): state is
    // field 3, utime 14 and stime 15.
    let after = &stat[stat.rfind(')').expect("comm") + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields[i - 3].parse::<u64>().expect("tick count");
    Duration::from_millis((ticks(14) + ticks(15)) * 10)
}

/// Runs `f` and returns its result with the CPU time the calling thread spent in it.
pub fn cpu_time_of<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = thread_cpu_time();
    let out = f();
    (out, thread_cpu_time().saturating_sub(start))
}
