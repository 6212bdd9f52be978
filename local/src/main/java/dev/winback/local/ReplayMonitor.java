package dev.winback.local;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Watches a {@link Simulation} read its trace, on the simulation's thread: what the progress bar and
 * the closing summary of {@code ./winback simulate} are made of. Kept out of the replay itself, which
 * only reports the lines it read.
 */
public interface ReplayMonitor {

    /** Watches nothing. */
    ReplayMonitor NONE = new ReplayMonitor() {
    };

    /** Before the first line; {@code clock} is the run's virtual clock (event time, not wall time). */
    default void started(Path trace, Clock clock) {
    }

    /** After a line went to the replay: its number (from 1) and its text without the line end. */
    default void lineRead(int number, String line) {
    }

    /** After the last line: the pending timers, scans and the output files follow. */
    default void traceRead() {
    }
}
