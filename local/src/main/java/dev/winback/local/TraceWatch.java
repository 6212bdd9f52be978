package dev.winback.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What {@code ./winback simulate} watches while the trace is replayed: lines read, where the virtual
 * clock started and ended, and, on a terminal, a progress bar on stderr (MB of the trace read, the
 * read rate and the time left; events read and events per second beside it). The bar redraws itself
 * from its own thread a few times a second; the replay only moves a counter.
 */
final class TraceWatch implements ReplayMonitor, AutoCloseable {

    /** Lines between two updates of the bar: cheap enough per line, fine enough to look continuous. */
    private static final int UPDATE_EVERY = 1024;
    private static final long MB = 1L << 20;

    private final boolean progress;
    private final PrintStream err;
    private final long startNanos = System.nanoTime();
    private ProgressBar bar;
    private Clock clock;
    private long bytes;
    private int lines;
    private Instant firstEvent;

    /** @param progress draw the bar (only on a terminal: it redraws with carriage returns) */
    TraceWatch(boolean progress, PrintStream err) {
        this.progress = progress;
        this.err = err;
    }

    @Override
    public void started(Path trace, Clock virtualClock) {
        this.clock = virtualClock;
        if (!progress) {
            return;
        }
        long size;
        try {
            size = Files.size(trace);
        } catch (IOException unknown) {
            size = -1; // an indefinite bar; the replay reports the real problem
        }
        bar = new ProgressBarBuilder()
                .setTaskName("simulate")
                .setInitialMax(size)
                .setUnit(" MB", MB)
                .showSpeed(new DecimalFormat("0.0"))
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(err))
                .build();
    }

    @Override
    public void lineRead(int number, String line) {
        lines = number;
        bytes += line.length() + 1; // characters for bytes: exact for ASCII traces, close for the rest
        if (firstEvent == null && !clock.instant().equals(Instant.EPOCH)) {
            firstEvent = clock.instant();
        }
        if (bar != null && number % UPDATE_EVERY == 0) {
            update();
        }
    }

    @Override
    public void traceRead() {
        if (bar != null) {
            update();
            bar.stepTo(Math.max(bar.getMax(), bytes));
            bar.setExtraMessage(String.format(Locale.ROOT, " %,d events; now the pending timers, scans and files", lines));
        }
    }

    private void update() {
        bar.stepTo(bar.getMax() > 0 ? Math.min(bytes, bar.getMax()) : bytes);
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        bar.setExtraMessage(String.format(Locale.ROOT, " %,d events, %,.0f events/s", lines, lines / seconds));
    }

    /** The last line read in full (0 before the first): a line the reader cannot decode is the next one. */
    int lines() {
        return lines;
    }

    /** The first event's time on the virtual clock, or null if no line had a valid time. */
    Instant firstEvent() {
        return firstEvent;
    }

    /** The virtual clock now: after a run, where the simulation stopped (last event, timer or scan). */
    Instant clockNow() {
        return clock == null ? null : clock.instant();
    }

    Duration wallTime() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
